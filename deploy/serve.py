"""Several dashboard workers behind nginx on one machine: `make serve WORKERS=N`.

    python -m deploy.serve --workers 4 --port 8080

Starts N Streamlit processes on local ports (127.0.0.1 only), waits until each answers on
/_stcore/health, renders deploy/nginx.conf.in into a run folder (config, pid, logs and nginx's
temp files all live there, so no root is needed) and starts nginx in front. Then it watches: a
worker that exits or stops answering its health check is started again on the same port, and
nginx skips it meanwhile. Ctrl-C or SIGTERM stops nginx and every worker.

The same launcher runs under systemd (deploy/beijing-dashboard@.service) on a real server.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).with_name("nginx.conf.in")
NGINX_CANDIDATES = ("nginx", "/usr/sbin/nginx")
# Passive health in nginx: one refused connection takes a worker out for this long.
FAIL_TIMEOUT_S = 5
HEALTH_TIMEOUT_S = 2
# A worker that fails this many health checks in a row (one a second) is restarted.
HEALTH_FAILURES = 5
START_TIMEOUT_S = 180
UPLOAD_CLOSED = "        location ^~ /_stcore/upload_file {\n            return 403;\n        }"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=HEALTH_TIMEOUT_S) as answer:
            return answer.status == 200
    except OSError:
        return False


def nginx_binary() -> str:
    for candidate in NGINX_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    raise RuntimeError("nginx is not installed (Debian package nginx-light): run make system-deps")


def render_config(
    ports: list[int], listen: str, run_dir: Path, allow_upload: bool, max_body_mb: int = 10
) -> str:
    """nginx.conf for these worker ports; the upload route is closed unless uploads are on."""
    servers = "\n".join(
        f"        server 127.0.0.1:{port} max_fails=1 fail_timeout={FAIL_TIMEOUT_S}s;"
        for port in ports
    )
    text = TEMPLATE.read_text(encoding="utf-8")
    for name, value in {
        "@RUN_DIR@": str(run_dir),
        "@UPSTREAM_SERVERS@": servers,
        "@LISTEN@": listen,
        "@MAX_BODY@": f"{max_body_mb}m",
        "@UPLOAD_RULE@": "" if allow_upload else UPLOAD_CLOSED,
    }.items():
        text = text.replace(name, value)
    return text


@dataclass
class Worker:
    """One Streamlit process of the dashboard on a local port."""

    port: int
    log: Path
    env: Mapping[str, str]
    process: subprocess.Popen | None = None
    failures: int = 0
    restarts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [
            sys.executable, "-m", "streamlit", "run", str(REPO / "streamlit_app.py"),
            "--server.port", str(self.port), "--server.address", "127.0.0.1",
            "--server.headless", "true",
        ]  # fmt: skip
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, env=dict(self.env)
            )
        self.failures = 0

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


@dataclass
class Cluster:
    """N workers and nginx in front; a context manager that stops everything on exit."""

    workers: int
    port: int
    host: str = "0.0.0.0"
    run_dir: Path | None = None
    env: Mapping[str, str] = field(default_factory=dict)
    allow_upload: bool | None = None
    pool: list[Worker] = field(default_factory=list)
    nginx: subprocess.Popen | None = None
    _owns_run_dir: bool = False

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host
        return f"http://{host}:{self.port}"

    def __enter__(self) -> Cluster:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def start(self) -> None:
        if self.workers < 1:
            raise ValueError("at least one worker is needed")
        if self.run_dir is None:
            self.run_dir = Path(tempfile.mkdtemp(prefix="dashboard-serve-"))
            self._owns_run_dir = True
        for sub in ("logs", "tmp"):
            (self.run_dir / sub).mkdir(parents=True, exist_ok=True)
        env = {**os.environ, **self.env}
        self.pool = [
            Worker(free_port(), self.run_dir / "logs" / f"worker-{i + 1}.log", env)
            for i in range(self.workers)
        ]
        for worker in self.pool:  # all start at once; each takes seconds to import
            worker.start()
        self.wait_healthy()
        self.start_nginx()

    def wait_healthy(self, timeout: float = START_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        waiting = list(self.pool)
        while waiting:
            for worker in list(waiting):
                if not worker.alive():
                    raise RuntimeError(
                        f"worker on port {worker.port} exited; see {worker.log.name}:\n"
                        + tail(worker.log)
                    )
                if healthy(worker.url):
                    waiting.remove(worker)
            if waiting and time.monotonic() > deadline:
                raise RuntimeError(f"workers did not answer within {timeout:.0f} s")
            time.sleep(0.3)

    def start_nginx(self) -> None:
        from dashboard.settings import MAX_UPLOAD_MB_CEILING, load_settings

        allow = load_settings().allow_upload if self.allow_upload is None else self.allow_upload
        host = f"[{self.host}]" if ":" in self.host else self.host  # an IPv6 address
        listen = f"{host}:{self.port}"
        config = self.run_dir / "nginx.conf"
        config.write_text(
            render_config(
                [w.port for w in self.pool], listen, self.run_dir, allow, MAX_UPLOAD_MB_CEILING
            ),
            encoding="utf-8",
        )
        nginx = nginx_binary()
        base = [nginx, "-p", str(self.run_dir), "-c", str(config), "-e", "stderr"]
        check = subprocess.run([*base, "-t", "-q"], capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"nginx refused its configuration:\n{check.stderr.strip()}")
        log = (self.run_dir / "logs" / "nginx.log").open("ab")
        self.nginx = subprocess.Popen(
            [*base, "-g", "daemon off;"], stdout=log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 30
        while not healthy(self.url):
            if self.nginx.poll() is not None:
                raise RuntimeError("nginx exited:\n" + tail(self.run_dir / "logs" / "nginx.log"))
            if time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not answer at {self.url}")
            time.sleep(0.2)

    def check_once(self) -> list[str]:
        """One round of the watch: restart workers that died or stopped answering."""
        events = []
        for worker in self.pool:
            if not worker.alive():
                code = worker.process.returncode if worker.process else None
                events.append(f"worker :{worker.port} exited ({code}); starting it again")
            elif healthy(worker.url):
                worker.failures = 0
                continue
            else:
                worker.failures += 1
                if worker.failures < HEALTH_FAILURES:
                    continue
                events.append(f"worker :{worker.port} failed {worker.failures} health checks")
                worker.stop()
            worker.restarts += 1
            worker.start()
        if self.nginx is not None and self.nginx.poll() is not None:
            events.append("nginx exited; starting it again")
            self.start_nginx()
        return events

    def supervise(self, stop: threading.Event, interval: float = 1.0) -> None:
        while not stop.wait(interval):
            for event in self.check_once():
                print(f"[serve] {event}", file=sys.stderr, flush=True)

    def stop(self) -> None:
        if self.nginx is not None and self.nginx.poll() is None:
            self.nginx.send_signal(signal.SIGQUIT)  # graceful: open requests finish
            try:
                self.nginx.wait(10)
            except subprocess.TimeoutExpired:
                self.nginx.kill()
                self.nginx.wait(5)
        for worker in self.pool:
            worker.stop()
        if self._owns_run_dir and self.run_dir is not None:
            shutil.rmtree(self.run_dir, ignore_errors=True)


def tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--port", type=int, default=8080, help="where nginx listens")
    parser.add_argument("--host", default="0.0.0.0", help="address nginx listens on")
    parser.add_argument(
        "--run-dir",
        type=Path,
        default=os.environ.get("RUNTIME_DIRECTORY"),
        help="folder for nginx.conf, pid, logs and temp files (default: a new temp folder)",
    )
    args = parser.parse_args(argv)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    cluster = Cluster(args.workers, args.port, args.host, args.run_dir)
    with cluster:
        print(
            f"[serve] {args.workers} worker(s) on ports {[w.port for w in cluster.pool]}, "
            f"nginx at {cluster.url} (config and logs in {cluster.run_dir})",
            file=sys.stderr,
            flush=True,
        )
        cluster.supervise(stop)
    return 0


if __name__ == "__main__":
    sys.exit(main())
