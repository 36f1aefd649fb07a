"""Two workers behind nginx (deploy/serve.py): when the worker holding a viewer's session dies,
the page reconnects through nginx to the other worker and comes back on the same view, because
the whole view lives in the link."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import psutil
import pytest

from deploy.serve import Cluster, free_port, nginx_binary
from tests.e2e.conftest import CHROMIUM, SCREENSHOTS, wait_for_app

# Fangshan in English on the workforce view (which holds the district map): the language and the
# district both come from the link, so a new session on another worker must rebuild them.
VIEW = "/workforce?district=110111&lang=en"
HEADING, CRUMB = "Community workforce", "Beijing › Fangshan"
# Generous for two busy cores; the whole test usually takes 20-30 s.
RECOVER_MS = 45_000


@pytest.fixture
def cluster(tmp_path: Path):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")
    try:
        nginx_binary()
    except RuntimeError as exc:
        pytest.skip(str(exc))
    # No watch thread: the dead worker must stay dead until the page has moved to the other one
    # (the test runs the watch's one round itself at the end).
    with Cluster(workers=2, port=free_port(), host="127.0.0.1", run_dir=tmp_path) as running:
        yield running


def session_holders(cluster: Cluster) -> list[int]:
    """Ports of the workers that nginx holds an open connection to: with no upstream keepalive,
    only a viewer's websocket stays open once the page has loaded."""
    ports = {worker.port for worker in cluster.pool}
    nginx = psutil.Process(cluster.nginx.pid)
    held = set()
    for process in [nginx, *nginx.children()]:
        for conn in process.net_connections(kind="tcp"):
            if conn.status == psutil.CONN_ESTABLISHED and conn.raddr and conn.raddr.port in ports:
                held.add(conn.raddr.port)
    return sorted(held)


def wait_for_holder(cluster: Cluster, exclude: int | None = None, timeout: float = 30) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        held = [port for port in session_holders(cluster) if port != exclude]
        if len(held) == 1:
            return held[0]
        time.sleep(0.25)
    raise AssertionError(f"no single worker holds the session: {session_holders(cluster)}")


def finished_runs(page) -> list[float]:
    """Collect the moments each script run's last message arrives on the page's websockets."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    seen: list[float] = []

    def on_frame(payload: bytes | str) -> None:
        if isinstance(payload, bytes):
            msg = ForwardMsg()
            msg.ParseFromString(payload)
            if msg.WhichOneof("type") == "script_finished":
                seen.append(time.monotonic())

    page.on("websocket", lambda ws: ws.on("framereceived", on_frame))
    return seen


def assert_same_view(page) -> None:
    assert page.locator("h1", has_text=HEADING).count() == 1
    assert page.get_by_text(CRUMB).count() >= 1
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("[role='dialog']").count() == 0
    assert "district=110111" in page.url and "lang=en" in page.url


def test_viewer_comes_back_on_same_view_when_its_worker_dies(cluster, page):
    runs = finished_runs(page)
    page.goto(cluster.url + VIEW)
    wait_for_app(page, timeout=RECOVER_MS)
    page.wait_for_selector(f"text={CRUMB}", timeout=RECOVER_MS)
    assert_same_view(page)
    holder = wait_for_holder(cluster)
    worker = next(w for w in cluster.pool if w.port == holder)

    killed_at = time.monotonic()
    os.kill(worker.process.pid, signal.SIGKILL)  # the process dies as in a crash: no goodbye
    # The page reconnects through nginx to the surviving worker and runs its script there.
    survivor = wait_for_holder(cluster, exclude=holder, timeout=RECOVER_MS / 1000)
    assert survivor != holder
    deadline = time.monotonic() + RECOVER_MS / 1000
    while not any(t > killed_at for t in runs) and time.monotonic() < deadline:
        page.wait_for_timeout(250)
    assert any(t > killed_at for t in runs), "no script run on the surviving worker"
    wait_for_app(page, timeout=RECOVER_MS)
    page.wait_for_selector(f"text={CRUMB}", timeout=RECOVER_MS)
    assert_same_view(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "e2e_failover_after.png"))
    # The launcher's watch notices the dead worker and starts it again on its port.
    events = cluster.check_once()
    assert any(f":{holder} exited" in event for event in events), events
    assert worker.restarts == 1 and worker.alive()
