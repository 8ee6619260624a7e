"""`make run` from the README serves the admin login page with its embedded defaults."""

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_make_run_serves_admin_login_with_embedded_defaults(tmp_path):
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_URL", "DJANGO_SETTINGS_MODULE", "DEBUG"}
    }
    env.update(VAR_DIR=str(tmp_path / "var"), PORT=str(port))
    log = (tmp_path / "make-run.log").open("w")
    process = subprocess.Popen(
        ["make", "run"],
        cwd=ROOT,
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
        assert (tmp_path / "var" / "tracker.sqlite3").exists()
    finally:
        stop_group(process)


def stop_group(process: subprocess.Popen) -> None:
    """Stop `make run` as Ctrl-C would, give the worker its warm shutdown, and leave nothing running."""
    os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=60)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
