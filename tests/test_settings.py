"""With DEBUG off the process refuses to start without its production settings, and starts with them."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "SECRET_KEY": "k3y-for-the-settings-test-only-0f8a9c1d2e7b4a6c5d9e0f1a2b3c4d5e6f",
    "ALLOWED_HOSTS": "tracker.example.org",
    "SITE_URL": "https://tracker.example.org",
    "BASE_CURRENCY": "EUR",
}


def start(tmp_path: Path, *options: str, **variables: str) -> subprocess.CompletedProcess:
    """Run `manage.py check` in a clean environment holding only `variables` (and a scratch var dir)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'tracker.sqlite3'}",
        **variables,
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "check", *options],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


# DEBUG is off unless set: a deployment that leaves it out runs as production.
DEBUG_OFF = [{"DEBUG": "false"}, {}]


@pytest.mark.parametrize("debug", DEBUG_OFF, ids=["debug-false", "debug-unset"])
def test_production_settings_start(tmp_path, debug):
    started = start(tmp_path, **{**PRODUCTION, **debug})

    assert started.returncode == 0, started.stderr
    assert "no issues" in started.stdout


@pytest.mark.parametrize("debug", DEBUG_OFF, ids=["debug-false", "debug-unset"])
def test_production_settings_pass_the_deploy_checks_without_a_warning(tmp_path, debug):
    checked = start(tmp_path, "--deploy", "--fail-level", "WARNING", **{**PRODUCTION, **debug})

    assert re.findall(r"\((security\.\w+)\)", checked.stderr + checked.stdout) == []
    assert checked.returncode == 0, checked.stderr


def test_a_deployment_that_sets_nothing_refuses_to_start_instead_of_running_in_debug_mode(tmp_path):
    refused = start(tmp_path)

    assert refused.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set when DEBUG is off" in refused.stderr


@pytest.mark.parametrize("name", ["SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "BASE_CURRENCY"])
@pytest.mark.parametrize("value", [None, "", "  "], ids=["unset", "empty", "blank"])
@pytest.mark.parametrize("debug", DEBUG_OFF, ids=["debug-false", "debug-unset"])
def test_debug_off_refuses_to_start_without_a_production_setting(tmp_path, name, value, debug):
    variables = {**PRODUCTION, **debug}
    if value is None:
        del variables[name]
    else:
        variables[name] = value

    refused = start(tmp_path, **variables)

    assert refused.returncode != 0
    assert f"ImproperlyConfigured: {name} must be set when DEBUG is off" in refused.stderr


def test_debug_on_starts_with_development_defaults(tmp_path):
    started = start(tmp_path, DEBUG="true")

    assert started.returncode == 0, started.stderr


def test_production_settings_with_a_trusted_proxy_start_and_a_malformed_one_refuses(tmp_path):
    assert start(tmp_path, **PRODUCTION, TRUSTED_PROXIES="10.0.0.1,10.1.0.0/16").returncode == 0

    refused = start(tmp_path, **PRODUCTION, TRUSTED_PROXIES="proxy.example.org")

    assert refused.returncode != 0 and "does not appear to be an IPv4 or IPv6 network" in refused.stderr


def test_a_webhook_log_shorter_than_a_week_refuses_to_start(tmp_path):
    assert start(tmp_path, DEBUG="true", WEBHOOK_LOG_DAYS="7").returncode == 0

    refused = start(tmp_path, DEBUG="true", WEBHOOK_LOG_DAYS="3")

    assert refused.returncode != 0 and "WEBHOOK_LOG_DAYS must be 7 or more" in refused.stderr


def test_the_env_file_sets_where_the_embedded_database_broker_and_mail_live(tmp_path):
    """VAR_DIR is read after `.env`, so a `.env` beside manage.py can move every file the defaults write."""
    (tmp_path / "tracker").mkdir()
    (tmp_path / "tracker" / "settings.py").write_bytes((BASE_DIR / "tracker" / "settings.py").read_bytes())
    var_dir = tmp_path / "elsewhere"
    (tmp_path / ".env").write_text(f"VAR_DIR={var_dir}\n")
    show = (
        "import runpy, sys; s = runpy.run_path(sys.argv[1]); "
        "broker = s['CELERY_BROKER_TRANSPORT_OPTIONS']; "
        "print(s['DATABASES']['default']['NAME'], s['EMAIL_FILE_PATH'], "
        "*(broker[key] for key in ('data_folder_in', 'data_folder_out', 'processed_folder', 'control_folder')))"
    )

    shown = subprocess.run(  # noqa: S603 - our own interpreter and settings module
        [sys.executable, "-c", show, str(tmp_path / "tracker" / "settings.py")],
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DEBUG": "true"},  # as `make run` has it
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.split() == [
        f"{var_dir}/tracker.sqlite3",
        f"{var_dir}/mail",
        f"{var_dir}/broker",
        f"{var_dir}/broker",
        f"{var_dir}/broker-processed",
        f"{var_dir}/broker-control",
    ]


@pytest.mark.postgres
def test_postgresql_connections_run_queries_without_compiling_them(db):
    """The tracker's queries take milliseconds: JIT compilation, on above a cost, would take longer than they do."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
