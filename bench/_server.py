"""What every benchmark needs: a throw-away database, Distra served as in production (gunicorn,
DEBUG off) on a free port of 127.0.0.1, a keep-alive HTTP client, and percentiles.

Used by bench/lists.py, bench/orders.py and tests/e2e/test_kill_server.py.
"""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
DISTRA = str(ROOT / ".venv" / "bin" / "distra")
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}


# Database -------------------------------------------------------------------------------------

def create_database(kind: str, var_dir: Path) -> tuple[str | None, str]:
    """A new empty database: (PostgreSQL name to drop afterwards or None, DATABASE_URL)."""
    if kind == "sqlite":
        return None, f"sqlite:///{var_dir / 'bench.sqlite3'}"
    name = f"distra_bench_{secrets.token_hex(4)}"
    subprocess.run(["createdb", "-h", PG["host"], "-p", str(PG["port"]), "-U", PG["user"], name], check=True)
    return name, f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{name}"


def drop_database(name: str) -> None:
    result = subprocess.run(
        ["dropdb", "-h", PG["host"], "-p", str(PG["port"]), "-U", PG["user"], "--force", "--if-exists", name],
        capture_output=True, text=True,
    )
    if result.returncode:
        print(f"could not drop database {name}: {result.stderr.strip()}", file=sys.stderr)


def bench_env(database_url: str, var_dir: Path) -> dict[str, str]:
    """The environment of a production-like Distra on ``database_url`` (DEBUG off, a fresh secret
    key, tasks run in the request, logs at WARNING)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_SETTINGS_MODULE")}
    env.update(
        DATABASE_URL=database_url,
        DISTRA_VAR_DIR=str(var_dir),
        STATIC_ROOT=str(var_dir / "static"),
        SECRET_KEY=secrets.token_urlsafe(40),
        DISTRA_DEMO_PASSWORD=secrets.token_urlsafe(12),
        LOG_LEVEL="WARNING",
        DISTRA_TASKS_BACKEND="immediate",
    )
    return env


def run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if result.returncode:
        sys.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
        raise SystemExit(f"failed: {' '.join(command[1:])}")


# Server ---------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env: dict[str, str], port: int, log: Path, *, workers: int = 2, threads: int = 4,
                 gunicorn: bool = False, with_worker: bool = False) -> subprocess.Popen:
    """``distra serve`` (gunicorn, DEBUG off) in a process group of its own, so that the group
    can be signalled as a whole. With ``gunicorn``, gunicorn itself is the group leader (no
    ``distra serve`` wrapper): what a crash test kills is then exactly the master and its workers.
    ``with_worker``: ``distra serve --with-worker`` (the task worker and scheduler too)."""
    if gunicorn:
        command = [PYTHON, "-m", "gunicorn", "distra.config.wsgi:application", "--bind", f"127.0.0.1:{port}",
                   "--workers", str(workers), "--threads", str(threads), "--timeout", "120"]
    else:
        command = [DISTRA, "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads)]
        command += ["--with-worker"] if with_worker else []
    with log.open("a") as out:
        return subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def wait_healthy(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server exited before answering /healthz")
        try:
            status, _, _ = Client(port).request("GET", "/healthz")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the server did not answer /healthz within {timeout:.0f} s")


def kill_server(server: subprocess.Popen) -> None:
    """SIGKILL to the whole process group: the master and every worker die at once, mid-request."""
    try:
        os.killpg(server.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    server.wait()
    _wait_group_gone(server.pid)


def stop_server(server: subprocess.Popen) -> None:
    """SIGTERM to the server's process group (distra serve and its gunicorn), then SIGKILL."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    try:  # gunicorn's workers may outlive the arbiter by a moment
        os.killpg(server.pid, 0)
        time.sleep(1)
        os.killpg(server.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    _wait_group_gone(server.pid)


def _wait_group_gone(pgid: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


def group_pids(pgid: int) -> list[int]:
    """The processes of process group ``pgid`` (the server: distra serve, gunicorn and its workers)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            pids.append(int(stat.parent.name))
    return pids


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds each live process of ``pids`` has used so far (from /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / tick
    return used


# HTTP -----------------------------------------------------------------------------------------

class Client:
    """One keep-alive connection to 127.0.0.1 with a cookie jar: enough for a session sign-in."""

    def __init__(self, port: int, timeout: float = 60):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.headers, content

    def close(self) -> None:
        self.conn.close()


def percentile(values: list[float], pct: float) -> float:
    """The nearest-rank percentile of ``values`` (not interpolated)."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]
