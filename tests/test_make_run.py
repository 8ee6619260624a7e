"""`make run` from the README serves the admin login page and, signed in, the pages with its embedded defaults
(SQLite, the filesystem broker), writing only under VAR_DIR (and the compiled translation catalogues beside their
sources)."""

import contextlib
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What a checkout holds that is not the project: the copy leaves these out.
NOT_THE_PROJECT = shutil.ignore_patterns(
    ".git", ".venv", "var", "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis", "staticfiles"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def files_of(tree: Path) -> dict[str, tuple[int, int]]:
    """Every file of a tree (bytecode caches aside) with its size and modification time."""
    return {
        str(path.relative_to(tree)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in tree.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def git_status() -> str:
    return subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.slow
def test_make_run_serves_the_admin_login_and_the_pages_with_embedded_defaults_writing_only_under_var_dir(tmp_path):
    """Run from a copy of the checkout (with this checkout's virtualenv), so any stray file shows."""
    checkout, var_dir, port = tmp_path / "checkout", tmp_path / "var", free_port()
    shutil.copytree(ROOT, checkout, ignore=NOT_THE_PROJECT, symlinks=True)
    before, root_status = files_of(checkout), git_status()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_URL", "DJANGO_SETTINGS_MODULE", "DEBUG"}
    }
    env.update(VAR_DIR=str(var_dir), PORT=str(port))
    log = (tmp_path / "make-run.log").open("w")
    process = subprocess.Popen(
        ["make", "run", f"VENV={ROOT / '.venv'}"],
        cwd=checkout,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        status, body = None, ""
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/", timeout=5) as response:
                    status, body = response.status, response.read().decode()
                    break
            except OSError:
                time.sleep(1)
        output = (tmp_path / "make-run.log").read_text()
        assert status == 200, output
        assert 'name="username"' in body
        assert "manager / tracker-demo" in output
        assert (var_dir / "tracker.sqlite3").exists()
        signed_in = sign_in(f"http://127.0.0.1:{port}", "manager", "tracker-demo")
        for path, shows in [
            ("/", "</strong> changed Agreement"),
            ("/changes/", "What changed"),
            ("/agreements/", "UA-"),
        ]:
            with signed_in.open(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
                assert (response.status, shows in response.read().decode()) == (200, True), path
    finally:
        stop_group(process)
    after = files_of(checkout)
    # The compiled catalogues (.mo, ignored by git) are the one build output beside their sources.
    changed = [name for name in after if after[name] != before.get(name) and not name.endswith(".mo")]
    assert sorted(changed) == []
    assert git_status() == root_status


def sign_in(site: str, username: str, password: str) -> urllib.request.OpenerDirector:
    """A browser-like opener signed in through the login form (its CSRF token and session cookie kept)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(f"{site}/accounts/login/", timeout=30) as response:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode()).group(1)
    form = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    with opener.open(f"{site}/accounts/login/", data=form.encode(), timeout=30) as response:
        assert response.url == f"{site}/", "not signed in"
    return opener


def stop_group(process: subprocess.Popen) -> None:
    """Stop `make run` as Ctrl-C would, give the worker its warm shutdown, and leave nothing running."""
    os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=60)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
