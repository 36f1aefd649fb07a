"""Speed and memory of the dashboard, measured end to end: `make bench`.

Starts the dashboard and a bare one-chart Streamlit app (`benchmarks/bare_app.py`, the baseline)
on free local ports, drives Debian's Chromium through Playwright, runs page scripts under AppTest
and exports through kaleido, then prints one table. Every figure is the median of several runs
with min and max (p95 where there are 20 samples or more); every ratio compares two things
measured in the same run. The figures and the machine are also written as JSON to
`benchmarks/results/` (ignored by git), with the servers' logs.

Many viewers at once (item 6) are sessions of `benchmarks/sessions.py`: it replays a real
browser's requests over Streamlit's websocket without drawing anything, from a process pinned to
a core the workers do not use, through nginx in front of 1 and then 2 workers (deploy/serve.py).

    python benchmarks/run.py            # everything, 3 runs each (under 15 minutes on 2 idle cores)
    python benchmarks/run.py --quick    # 1 run each, fewer sessions, no scale snapshot
    python benchmarks/run.py --only 6   # some items only

The servers read a throwaway copy of `data/` (DASHBOARD_DATA_DIR): the shipped snapshots, and for
item 7 the community-level `scale-community` snapshot built into that copy with
`python -m dashboard sample --scale community`, so the working tree is never touched. With
`--worker NAME` this file runs one measurement that needs a fresh process of its own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from importlib import metadata
from itertools import cycle
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script: make the tests' browser helpers importable
    sys.path.insert(0, str(REPO))

from dashboard.snapshot import DEFAULT_SNAPSHOT  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, free_port, wait_until_up  # noqa: E402

RESULTS = REPO / "benchmarks" / "results"
BARE_APP = REPO / "benchmarks" / "bare_app.py"
PAGES = ("overview", "forty_years", "ten_firsts", "trends", "workforce", "volunteers",
         "deliberation", "grid_services", "communities", "data_sources")  # fmt: skip
# The app's default snapshot (the newest reported one), opened by a link without ?snapshot=.
DEFAULT, SAMPLE, SCALE = DEFAULT_SNAPSHOT, "sample", "scale-community"
PACK_FORMATS = ("pptx", "pdf", "html", "zip")

# What "drawn" means: Plotly has built the chart's SVG; for the data view, the grid's canvas.
CHART_DRAWN = ".js-plotly-plot .main-svg"
TABLE_DRAWN = "[data-testid='stDataFrame'] [data-testid='data-grid-canvas']"
VIEWPORT = {"width": 1920, "height": 1080}
# Drill-down targets: Fangshan's outline on the pay-rules map, as the e2e test clicks it, and
# Chaoyang's bar in the district panel of the deliberation view.
MAP_PAGE, MAP_CODE, MAP_DISTRICT = "workforce", "110111", "房山区"
BAR_PAGE, BAR_CODE, BAR_DISTRICT = "deliberation", "110105", "朝阳区"
CRUMB = "北京市 › {}"
BACK = "返回全市"
DOWNLOAD, PNG_BUTTON = "下载", "PNG 16:9 (1920×1080)"
# The single chart of the PNG rows: a plain bar chart on the default snapshot.
PNG_CHART = "workforce-profile"
# Generous limits for a busy 2-core machine; a step that exceeds one fails loudly, never hangs.
ACTION_MS = 120_000
SCALE_LOAD_MS = 900_000
SCRIPT_TIMEOUT_S = 600
# RSS is sampled this many times, a second apart, once the sessions have clicked.
RSS_SAMPLES = 5
MIB = 1024 * 1024

# The targets.
FIRST_CHART_RATIO = 1.3
SCRIPT_MS, SCRIPT_SCALE_MS = 100, 250
DRILL_S = 0.5
PNG_WARM_S = 0.5
PPTX_S, PPTX_SPEEDUP = 10.0, 5.0
RSS_LIMIT_MIB = 1.5 * 1024
P95_S = 1.0
CPU_PER_CLICK_S = 0.030
# p95 targets of item 6 by (workers, sessions at once).
P95_BY_WORKERS = {(1, 20): P95_S, (2, 40): 1.5}


# --- what is measured --------------------------------------------------------------------------


@dataclass(frozen=True)
class Config:
    quick: bool
    runs: int
    sessions: tuple[int, ...]
    conc_sessions: tuple[int, ...]
    conc_workers: tuple[int, ...]
    rounds: int
    pack_charts: int
    plain_charts: int
    scale: bool


def make_config(quick: bool, runs: int | None = None) -> Config:
    if quick:
        return Config(True, runs or 1, (1, 2), (1, 10), (1, 2), 1, 2, 2, False)
    return Config(False, runs or 3, (1, 10, 20), (1, 10, 20, 40), (1, 2), 2, 20, 5, True)


@dataclass
class Row:
    key: str
    label: str
    unit: str  # "s", "ms" (values are kept in seconds) or "MiB"
    target: str = ""
    values: list[float] = field(default_factory=list)
    ratio: float | None = None
    met: bool | None = None
    note: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.values) if self.values else None

    @property
    def p95(self) -> float | None:
        if len(self.values) < 20:
            return None
        return statistics.quantiles(self.values, n=20, method="inclusive")[-1]


def plan(cfg: Config) -> list[Row]:
    """Every row of the table, in order; quick and full runs differ only in the counts."""
    rows = [Row("first.bare", "1 first chart visible: bare app (baseline)", "s")]
    for page in PAGES:
        what = "first table" if page == "data_sources" else "first chart"
        rows.append(
            Row(f"first.{page}", f"1 {what} visible: /{page}", "s", f"≤{FIRST_CHART_RATIO}x bare")
        )
    for snap in (DEFAULT, SAMPLE):
        for page in PAGES:
            rows.append(
                Row(
                    f"script.{snap}.{page}",
                    f"2 warm page script: {page} [{snap}]",
                    "ms",
                    f"≤{SCRIPT_MS} ms",
                )
            )
    rows += drill_rows("drill", DEFAULT, SAMPLE, "3")
    rows += [
        Row("png.cold_process", "4 PNG cold: fresh process, end to end", "s"),
        Row("png.cold_call", "4 PNG cold: first render_spec (starts Chromium)", "s"),
        Row("png.warm", "4 PNG warm: render_spec, image cache cleared", "s", f"≤{PNG_WARM_S} s"),
        Row("png.cached", "4 PNG warm: render_spec, cached", "ms"),
    ]
    for fmt in PACK_FORMATS:
        target = f"≤{PPTX_S:g} s, ≥{PPTX_SPEEDUP:g}x" if fmt == "pptx" else ""
        rows.append(
            Row(f"pack.{fmt}", f"4 briefing pack {fmt} ({cfg.pack_charts} charts)", "s", target)
        )
    rows += [
        Row("plain.per_chart", "4 plain fig.to_image: one chart (Chromium per call)", "s"),
        Row("plain.total", f"4 plain fig.to_image: {cfg.plain_charts} charts, one call each", "s"),
    ]
    rows += memory_rows("mem", cfg, "5")
    rows += concurrency_rows(cfg)
    rows += [
        Row("scale.build", "7 scale: build scale-community (CLI)", "s"),
        Row("scale.load", "7 scale: first load of the snapshot (fresh process)", "s"),
    ]
    for page in PAGES:
        rows.append(
            Row(
                f"script.{SCALE}.{page}",
                f"7 warm page script: {page} [{SCALE}]",
                "ms",
                f"≤{SCRIPT_SCALE_MS} ms",
            )
        )
    rows += drill_rows("scale.drill", SCALE, SCALE, "7")
    rows += memory_rows("scale.mem", cfg, "7", SCALE)
    return rows


def drill_rows(prefix: str, map_snap: str, bar_snap: str, item: str) -> list[Row]:
    rows = []
    for kind, page, snap in (("map", MAP_PAGE, map_snap), ("bar", BAR_PAGE, bar_snap)):
        where = f"/{page} [{snap}]"
        rows += [
            Row(
                f"{prefix}.{kind}.crumb",
                f"{item} drill-down: {kind} click → breadcrumb {where}",
                "s",
            ),
            Row(
                f"{prefix}.{kind}.answer",
                f"{item} drill-down: {kind} click → server's answer received {where}",
                "s",
            ),
            Row(
                f"{prefix}.{kind}.done",
                f"{item} drill-down: {kind} click → rerun done {where}",
                "s",
                f"≤{DRILL_S} s",
            ),
            Row(
                f"{prefix}.{kind}.cpu", f"{item} drill-down: {kind} click, server CPU {where}", "s"
            ),
        ]
    return rows


def concurrency_rows(cfg: Config) -> list[Row]:
    """Item 6: sessions over the websocket protocol (no drawing) through nginx, 1 and 2 workers."""
    rows = []
    for workers in cfg.conc_workers:
        via = f"{workers} worker{'s' * (workers > 1)} behind nginx"
        for count in cfg.conc_sessions:
            target = P95_BY_WORKERS.get((workers, count), "")
            rows.append(
                Row(
                    f"conc.{workers}.{count}",
                    f"6 click → server's answer, {count} session{'s' * (count > 1)} at once, {via}",
                    "s",
                    f"p95 ≤{target:g} s" if target else "",
                )
            )
        rows += [
            Row(
                f"conc.{workers}.cpu",
                f"6 server CPU per click, {via}",
                "ms",
                f"≤{CPU_PER_CLICK_S * 1000:g} ms",
            ),
            Row(
                f"conc.{workers}.capacity",
                f"6 capacity: sessions clicking at once per core at p95 ≤{P95_S:g} s, {via}",
                "n",
            ),
        ]
    return rows


def memory_rows(prefix: str, cfg: Config, item: str, snap: str = DEFAULT) -> list[Row]:
    rows = []
    for state in ("idle", *cfg.sessions):
        name = "idle" if state == "idle" else f"{state} session{'s' * (state > 1)}"
        for part, what in (("server", "Streamlit process RSS"), ("total", "+ Chromium, PSS")):
            target = f"≤{RSS_LIMIT_MIB / 1024:g} GiB" if part == "total" else ""
            if state != max(cfg.sessions):
                target = ""
            rows.append(
                Row(
                    f"{prefix}.{state}.{part}",
                    f"{item} server memory [{snap}], {name}: {what}",
                    "MiB",
                    target,
                )
            )
    return rows


def expected_labels(quick: bool) -> list[str]:
    return [row.label for row in plan(make_config(quick))]


# --- servers and browsers ----------------------------------------------------------------------


class Server:
    """A Streamlit app on a free local port, started like tests/e2e/conftest.start_app."""

    def __init__(self, script: Path, data_dir: Path, log: Path) -> None:
        self.script, self.data_dir, self.log = script, data_dir, log
        self.process: subprocess.Popen | None = None
        self.url = ""

    def __enter__(self) -> Server:
        port = free_port()
        command = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(self.script),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ]
        env = {**os.environ, "DASHBOARD_DATA_DIR": str(self.data_dir)}
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, env=env
            )
        self.url = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(self.url, self.process, timeout=120)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *_: object) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def rss(self) -> tuple[float, float]:
        """MiB: the Streamlit process's RSS, and the RSS of it with its children (kaleido's
        Chromium) summed; the sum counts shared pages once per process."""
        import psutil

        proc = psutil.Process(self.process.pid)
        own = proc.memory_info().rss
        children = 0
        for child in proc.children(recursive=True):
            with suppress(psutil.Error):
                children += child.memory_info().rss
        return own / MIB, (own + children) / MIB

    def pss(self) -> float:
        """MiB the whole tree really holds: PSS shares each shared page out among its users."""
        import psutil

        proc = psutil.Process(self.process.pid)
        total = proc.memory_full_info().pss
        for child in proc.children(recursive=True):
            with suppress(psutil.Error):
                total += child.memory_full_info().pss
        return total / MIB

    def cpu_seconds(self) -> float:
        """User and system CPU time of the Streamlit process so far (Chromium excluded)."""
        import psutil

        times = psutil.Process(self.process.pid).cpu_times()
        return times.user + times.system

    def errors(self) -> list[str]:
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return [line for line in text.splitlines() if "Traceback" in line or "Uncaught" in line]


def path(page: str) -> str:
    """A view's address: the overview at "/", where users open the dashboard."""
    return "" if page == "overview" else page


def new_page(browser, url: str | None = None, timeout: float = ACTION_MS):
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(timeout)
    listen_for_answers(page)
    if url:
        page.goto(url, timeout=timeout)
        wait_idle(page, timeout)
    return page


def close(page) -> None:
    page.context.close()


# The breadcrumb is a bold line "北京市 › 房山区"; a rerun is over when no element is stale and
# Streamlit's running indicator is gone. A watcher started in the page just before the action
# notes the page's own clock at both moments, so every latency is measured inside the browser,
# free of the driver's round trips, even while the driver is busy with other sessions.
WATCH_JS = """([text, want]) => {
    const state = window.__bench = {start: performance.now(), crumb: null, done: null};
    const hasCrumb = () => Array.from(document.querySelectorAll(
        '[data-testid="stMarkdownContainer"] strong')).some(e => e.textContent.includes(text));
    const tick = () => {
        const now = performance.now();
        if (hasCrumb() !== want) { setTimeout(tick, 10); return; }
        if (state.crumb === null) state.crumb = now;
        const busy = document.querySelector('[data-testid="stStatusWidget"]')
            || document.querySelector('[data-stale="true"]');
        if (busy) { setTimeout(tick, 10); return; }
        state.done = now;
    };
    setTimeout(tick, 10);
    return true;
}"""
IDLE_JS = """() => !!document.querySelector('h1')
    && !document.querySelector('[data-testid="stStatusWidget"]')
    && !document.querySelector('[data-stale="true"]')"""


def wait_idle(page, timeout: float = ACTION_MS) -> None:
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout)
    page.wait_for_function(IDLE_JS, timeout=timeout)
    page.wait_for_timeout(300)


def listen_for_answers(page) -> None:
    """Note when each rerun's last message (`script_finished`) reaches the page. The time from a
    click to that message is the server's answer, before the browser draws anything: what a
    user on their own machine waits for, plus their own browser's drawing (the "done" rows)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    answers: list[float] = []
    requests: list[bytes] = []

    def on_frame(payload: bytes | str) -> None:
        if isinstance(payload, bytes):
            msg = ForwardMsg()
            msg.ParseFromString(payload)
            if msg.WhichOneof("type") == "script_finished":
                answers.append(time.perf_counter())

    def on_sent(payload: bytes | str) -> None:
        if isinstance(payload, bytes):
            msg = BackMsg()
            msg.ParseFromString(payload)
            if msg.WhichOneof("type") == "rerun_script":
                requests.append(payload)

    def on_socket(ws) -> None:
        ws.on("framereceived", on_frame)
        ws.on("framesent", on_sent)

    page.on("websocket", on_socket)
    page.bench_answers = answers
    page.bench_requests = requests


def answered_after(page, started: float) -> float | None:
    """Seconds from `started` to the first rerun answer after it, or None."""
    later = [t for t in page.bench_answers if t >= started]
    return min(later) - started if later else None


def start_watch(page, text: str, want: bool) -> None:
    page.evaluate(WATCH_JS, [text, want])


def watched(page, timeout: float = ACTION_MS) -> tuple[float, float]:
    """Seconds from the watch's start to the breadcrumb's change and to the end of the rerun."""
    page.wait_for_function("() => window.__bench && window.__bench.done !== null", timeout=timeout)
    state = page.evaluate("() => window.__bench")
    return (state["crumb"] - state["start"]) / 1000, (state["done"] - state["start"]) / 1000


def timed(page, act: Callable[[], None], text: str, want: bool, timeout: float = ACTION_MS):
    """The action, then seconds to the breadcrumb being (or no longer being) drawn, to the rerun
    having finished in the browser, and to the server's answer having arrived."""
    start_watch(page, text, want)
    started = time.perf_counter()
    act()
    crumb, done = watched(page, timeout)
    return crumb, done, answered_after(page, started)


def map_click(page, timeout: float = ACTION_MS) -> Callable[[], None]:
    """A click inside Fangshan's outline on the first (SVG) map of the page, once it is drawn."""
    mount_charts(page, timeout)
    plot = page.locator(".js-plotly-plot").filter(has=page.locator(".choroplethlayer")).first
    plot.scroll_into_view_if_needed(timeout=timeout)
    page.wait_for_timeout(300)
    point = plot.evaluate(
        """(gd, code) => {
            for (const path of gd.querySelectorAll('.choroplethlocation')) {
                if (!path.__data__ || path.__data__.loc !== code) continue;
                const box = path.getBoundingClientRect();
                return {x: box.left + box.width / 2, y: box.top + box.height / 2};
            }
            return null;
        }""",
        MAP_CODE,
    )
    return lambda: page.mouse.click(point["x"], point["y"])


def mount_charts(page, timeout: float = ACTION_MS) -> None:
    """Until the page's charts are all drawn: Streamlit loads its Plotly component after the
    script has finished, so wait for the number of charts to hold still for a second."""
    charts = page.get_by_test_id("stPlotlyChart")
    deadline = time.monotonic() + timeout / 1000
    seen, steady_since = -1, time.monotonic()
    while time.monotonic() < deadline:
        count = charts.count()
        if count != seen:
            seen, steady_since = count, time.monotonic()
        elif count and time.monotonic() - steady_since >= 1.0:
            break
        page.wait_for_timeout(200)
    page.wait_for_function(
        "n => document.querySelectorAll('.js-plotly-plot .main-svg').length >= n",
        arg=seen,
        timeout=timeout,
    )


def bar_click(page, code: str, timeout: float = ACTION_MS) -> Callable[[], None]:
    """A click on a district's bar in the ranked bar chart (district code in customdata)."""
    mount_charts(page, timeout)
    index = page.evaluate(
        """code => Array.from(document.querySelectorAll('.js-plotly-plot')).findIndex(gd =>
            gd.data && gd.data[0] && gd.data[0].type === 'bar' && gd.data[0].orientation === 'h'
            && Array.from(gd.data[0].customdata || []).includes(code))""",
        code,
    )
    if index < 0:
        raise RuntimeError(f"no district bar chart with {code} on {page.url}")
    plot = page.locator(".js-plotly-plot").nth(index)
    plot.scroll_into_view_if_needed(timeout=timeout)
    page.wait_for_timeout(300)
    point = plot.evaluate(
        """(gd, code) => {
            const i = Array.from(gd.data[0].customdata).indexOf(code);
            const r = gd.querySelectorAll('.barlayer .trace .point')[i].getBoundingClientRect();
            return {x: r.left + r.width / 2, y: r.top + r.height / 2};
        }""",
        code,
    )
    return lambda: page.mouse.click(point["x"], point["y"])


def back_click(page, timeout: float = ACTION_MS) -> Callable[[], None]:
    """A click on the breadcrumb's back button, scrolled into view beforehand."""
    button = page.get_by_role("button", name=BACK).first
    button.scroll_into_view_if_needed(timeout=timeout)
    box = button.bounding_box(timeout=timeout)
    return lambda: page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def drilled(page) -> bool:
    return page.get_by_role("button", name=BACK).count() > 0


def fragment_run(request: bytes) -> bool:
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    msg.ParseFromString(request)
    return bool(msg.rerun_script.fragment_id)


def record_requests(page, timeout: float = ACTION_MS) -> dict[str, bytes]:
    """The browser's own rerun requests for opening the map view (and the run it asks for once it
    knows its width), clicking Fangshan on the map and clicking back: replayed by
    benchmarks/sessions.py as many viewers at once."""
    text = CRUMB.format(MAP_DISTRICT)
    sent = page.bench_requests
    if not sent:
        raise RuntimeError("no rerun request was seen while the page opened")
    recorded = {"open": sent[0]}
    if drilled(page):
        timed(page, back_click(page, timeout), text, False, timeout)
    for name, act, want in (("drill", map_click, True), ("back", back_click, False)):
        click = act(page, timeout)  # waits until the charts are drawn
        before = len(sent)
        if name == "drill" and before > 1:
            # The page's last word before the click (the width its charts are drawn at): the
            # charts, and with them the map's widget, are those of that width, so a replayed
            # click finds the widget it names. A whole-page run, not a fragment's (a download
            # menu opened and closed): a new session that has had only the first paint knows
            # no menu's fragment.
            recorded["settle"] = next(r for r in reversed(sent) if not fragment_run(r))
        timed(page, click, text, want, timeout)
        if len(sent) == before:
            raise RuntimeError(f"no rerun request was seen for the {name} click")
        recorded[name] = sent[-1]
    return recorded


class SessionsClient:
    """benchmarks/sessions.py in its own process (pinned to `cpus` when given), driven by
    commands: `open N` more sessions, `rounds R` of clicks at once."""

    def __init__(self, url: str, requests: dict[str, bytes], folder: Path, cpus: str = "") -> None:
        from benchmarks.sessions import save_messages

        self.messages = folder / "requests.json"
        save_messages(self.messages, requests)
        command = [sys.executable, str(REPO / "benchmarks" / "sessions.py"), "--url", url,
                   "--messages", str(self.messages), "--commands"]  # fmt: skip
        if cpus:
            command += ["--cpus", cpus]
        self.process = subprocess.Popen(
            command, cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def command(self, line: str) -> dict:
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        for answer in self.process.stdout:
            if answer.startswith("RESULT "):
                result = json.loads(answer.removeprefix("RESULT "))
                if "error" in result:
                    raise RuntimeError(f"sessions client: {result['error']}")
                return result
        raise RuntimeError(f"the sessions client exited ({self.process.wait()})")

    def close(self) -> None:
        if self.process.poll() is None:
            with suppress(OSError):
                self.process.stdin.write("quit\n")
                self.process.stdin.close()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


@contextmanager
def rss_peak(server: Server) -> Iterator[list[float]]:
    """The highest RSS sum (with children) seen while the block runs, sampled every 0.25 s."""
    peak = [0.0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            with suppress(Exception):  # a child that has just exited
                peak[0] = max(peak[0], server.rss()[1])
            stop.wait(0.25)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield peak
    finally:
        stop.set()
        thread.join(5)


# --- the phases --------------------------------------------------------------------------------


class Bench:
    def __init__(self, cfg: Config, stamp: str, results: Path = RESULTS) -> None:
        self.cfg = cfg
        self.rows = {row.key: row for row in plan(cfg)}
        self.stamp = stamp
        self.results = results
        self.logs = results / f"logs-{stamp}"
        self.failures: list[str] = []
        self.server_errors: list[str] = []
        self.load_start = os.getloadavg()[0]

    def row(self, key: str) -> Row:
        return self.rows[key]

    def section(self, name: str, prefixes: tuple[str, ...], work: Callable[[], None]) -> None:
        """Run one part; on failure mark its empty rows and go on with the rest."""
        print(f"[bench] {name} ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        try:
            work()
        except Exception as exc:
            traceback.print_exc()
            message = f"failed: {type(exc).__name__}: {str(exc).splitlines()[0][:120]}"
            self.failures.append(f"{name}: {message}")
            for row in self.rows.values():
                if row.key.startswith(prefixes) and not row.values and not row.note:
                    row.note = message
        print(
            f"[bench] {name} done in {time.perf_counter() - started:.0f} s",
            file=sys.stderr,
            flush=True,
        )

    def skip(self, prefixes: tuple[str, ...], note: str) -> None:
        for row in self.rows.values():
            if row.key.startswith(prefixes) and not row.values:
                row.note = note

    # 1 ------------------------------------------------------------------------------------------

    def first_chart(self, browser, app: Server, bare: Server) -> None:
        targets = [("bare", f"{bare.url}/", CHART_DRAWN)] + [
            (
                page,
                f"{app.url}/{path(page)}",
                TABLE_DRAWN if page == "data_sources" else CHART_DRAWN,
            )
            for page in PAGES
        ]
        # Untimed visits first, so imports, the snapshot load and static files are warm: one to
        # each server; each view's own figures are then built on its first timed visit, which
        # the median of the runs leaves out.
        for _, url, selector in targets[:2]:
            self._first_drawn(browser, url, selector)
        # Interleaved, so a slow moment of the machine hits every target alike.
        for _ in range(self.cfg.runs):
            for name, url, selector in targets:
                self.row(f"first.{name}").values.append(self._first_drawn(browser, url, selector))
        bare_median = self.row("first.bare").median
        for page in PAGES:
            row = self.row(f"first.{page}")
            row.ratio = row.median / bare_median
            row.met = row.ratio <= FIRST_CHART_RATIO

    @staticmethod
    def _first_drawn(browser, url: str, selector: str) -> float:
        """Seconds from navigation start (a new visitor: fresh context) to the selector."""
        page = new_page(browser)
        try:
            page.goto(url, wait_until="commit", timeout=ACTION_MS)
            drawn = page.wait_for_function(
                "sel => document.querySelector(sel) ? performance.now() : false",
                arg=selector,
                polling="raf",
                timeout=ACTION_MS,
            )
            return drawn.json_value() / 1000
        finally:
            close(page)

    # 2 and 7 ------------------------------------------------------------------------------------

    def script_times(self, data_dir: Path, snapshots: tuple[str, ...]) -> None:
        result = worker(
            "script-times",
            data_dir,
            "--snapshots",
            ",".join(snapshots),
            "--runs",
            str(self.cfg.runs),
        )
        for snap, found in result.items():
            if "load_s" in found and snap == SCALE:
                self.row("scale.load").values.append(found["load_s"])
            for page, entry in found["pages"].items():
                row = self.row(f"script.{snap}.{page}")
                row.values = entry["times"]
                if entry.get("error"):
                    row.note = f"the page raised an exception (that run {entry['times'][0]:.1f} s)"
                limit = (SCRIPT_SCALE_MS if snap == SCALE else SCRIPT_MS) / 1000
                row.met = bool(row.values) and row.median <= limit and not entry.get("error")

    # 3 and 7 ------------------------------------------------------------------------------------

    def drill(
        self,
        browser,
        app: Server,
        prefix: str,
        map_snap: str,
        bar_snap: str,
        load_ms: float = ACTION_MS,
    ) -> None:
        cases = (
            ("map", MAP_PAGE, map_snap, MAP_DISTRICT, lambda page: map_click(page)),
            ("bar", BAR_PAGE, bar_snap, BAR_DISTRICT, lambda page: bar_click(page, BAR_CODE)),
        )
        for kind, view, snap, district, target in cases:
            query = "" if snap == DEFAULT else f"?snapshot={snap}"
            page = new_page(browser, f"{app.url}/{view}{query}", timeout=load_ms)
            text = CRUMB.format(district)
            try:
                timed(page, target(page), text, True)  # untimed: the first rerun warms up
                timed(page, back_click(page), text, False)
                for _ in range(self.cfg.runs):
                    act = target(page)
                    cpu = app.cpu_seconds()
                    crumb, done, answer = timed(page, act, text, True)
                    if answer is not None:
                        self.row(f"{prefix}.{kind}.answer").values.append(answer)
                    self.row(f"{prefix}.{kind}.cpu").values.append(app.cpu_seconds() - cpu)
                    self.row(f"{prefix}.{kind}.crumb").values.append(crumb)
                    self.row(f"{prefix}.{kind}.done").values.append(done)
                    timed(page, back_click(page), text, False)
            finally:
                close(page)
            row = self.row(f"{prefix}.{kind}.done")
            row.met = row.median <= DRILL_S

    # 4 ------------------------------------------------------------------------------------------

    def exports(self, data_dir: Path) -> None:
        cfg = self.cfg
        for _ in range(cfg.runs):
            started = time.perf_counter()
            cold = worker("png-cold", data_dir)
            self.row("png.cold_process").values.append(time.perf_counter() - started)
            self.row("png.cold_call").values.append(cold["call_s"])
        warm = worker(
            "exports", data_dir, "--runs", str(cfg.runs), "--pack-charts", str(cfg.pack_charts)
        )
        self.row("png.warm").values = warm["warm_s"]
        self.row("png.cached").values = warm["cached_s"]
        self.row("png.warm").met = self.row("png.warm").median <= PNG_WARM_S
        plain = worker("plain-to-image", data_dir, "--charts", str(cfg.plain_charts))
        self.row("plain.per_chart").values = plain["per_chart_s"]
        self.row("plain.total").values = [sum(plain["per_chart_s"])]
        self.row("plain.total").note = "one pass (each call is itself one of the per-chart runs)"
        per_chart_total = sum(plain["per_chart_s"]) / len(plain["per_chart_s"])
        for fmt in PACK_FORMATS:
            row = self.row(f"pack.{fmt}")
            entry = warm["packs"].get(fmt)
            if not entry or not entry.get("times"):
                row.note = (entry or {}).get("error") or "n/a (briefing pack not available)"
                continue
            row.values = entry["times"]
            # Against plain to_image for the same number of charts.
            row.ratio = per_chart_total * cfg.pack_charts / row.median
            if fmt == "pptx":
                row.met = row.median <= PPTX_S and row.ratio >= PPTX_SPEEDUP
                if cfg.pack_charts != cfg.plain_charts:
                    row.note = f"ratio against {cfg.plain_charts} plain calls, scaled per chart"

    # 5, 6 and 7 ---------------------------------------------------------------------------------

    def memory(
        self, browser, server: Server, prefix: str, snap: str, load_ms: float = ACTION_MS
    ) -> None:
        """Server memory idle and with 1, 10, 20 sessions open that have each clicked once: the
        sessions replay a browser's requests over the websocket, without drawing."""
        cfg = self.cfg
        query = "" if snap == DEFAULT else f"?snapshot={snap}"
        time.sleep(2)
        self._sample_rss(server, f"{prefix}.idle")
        page = new_page(browser, f"{server.url}/{MAP_PAGE}{query}", timeout=load_ms)
        try:
            self._export_once(page, prefix)
            requests = record_requests(page, load_ms)
        finally:
            close(page)
        with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
            client = SessionsClient(server.url, requests, Path(tmp))
            try:
                opened = 0
                for count in cfg.sessions:
                    with rss_peak(server) as peak:
                        client.command(f"open {count - opened}")
                        opened = count
                        client.command("rounds 1")
                    self._sample_rss(server, f"{prefix}.{count}")
                    self.row(f"{prefix}.{count}.total").note += f"; peak RSS sum {peak[0]:.0f} MiB"
            finally:
                client.close()
        top = self.row(f"{prefix}.{max(cfg.sessions)}.total")
        top.met = top.median <= RSS_LIMIT_MIB

    def _export_once(self, page, prefix: str) -> None:
        """One PNG download, so the server's kaleido Chromium is running for the RSS figures."""
        try:
            page.get_by_test_id("stPopoverButton").filter(has_text=DOWNLOAD).first.click()
            with page.expect_download(timeout=ACTION_MS) as download:
                page.get_by_role("button", name=PNG_BUTTON).first.click()
            download.value.path()
            page.keyboard.press("Escape")
        except Exception as exc:  # the figures are still worth having; say why Chromium is absent
            self.row(f"{prefix}.idle.total").note = f"export to start Chromium failed: {exc}"[:120]

    def _sample_rss(self, server: Server, key: str) -> None:
        sums = []
        for _ in range(RSS_SAMPLES if not self.cfg.quick else 2):
            own, summed = server.rss()
            self.row(f"{key}.server").values.append(own)
            self.row(f"{key}.total").values.append(server.pss())
            sums.append(summed)
            time.sleep(1)
        self.row(f"{key}.total").note = f"RSS sum {statistics.median(sums):.0f} MiB"

    # 6 ------------------------------------------------------------------------------------------

    def concurrency(self, browser, data_dir: Path, workers: int) -> None:
        """Sessions clicking at once through nginx in front of `workers` workers. Each worker is
        pinned to a core of its own and the sessions client to another where there is one, so
        the load never takes the server's CPU (with 2 workers on 2 cores the client shares)."""
        from deploy.serve import Cluster

        cores = sorted(os.sched_getaffinity(0))
        server_cores = cores[-workers:] if len(cores) > workers else cores
        client_cores = [c for c in cores if c not in server_cores]
        with (
            tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp,
            Cluster(
                workers,
                free_port(),
                host="127.0.0.1",
                run_dir=Path(tmp),
                env={"DASHBOARD_DATA_DIR": str(data_dir)},
            ) as cluster,
        ):
            for worker, core in zip(cluster.pool, cycle(server_cores), strict=False):
                os.sched_setaffinity(worker.process.pid, {core})
            page = new_page(browser, f"{cluster.url}/{MAP_PAGE}")
            try:
                requests = record_requests(page)
            finally:
                close(page)
            client = SessionsClient(
                cluster.url, requests, Path(tmp), ",".join(map(str, client_cores))
            )
            try:
                self._sessions_at_once(client, cluster, workers)
            finally:
                client.close()
                logs = self.logs / f"serve-{workers}"
                shutil.copytree(Path(tmp) / "logs", logs, dirs_exist_ok=True)
                for log in sorted(logs.glob("worker-*.log")):
                    text = log.read_text(encoding="utf-8", errors="replace")
                    self.server_errors += [
                        line for line in text.splitlines() if "Traceback" in line
                    ]
            pinned = "client on its own core" if client_cores else "client shares the cores"
            self.row(
                f"conc.{workers}.cpu"
            ).note = f"workers on cores {server_cores}, {pinned}; nginx unpinned"

    def _sessions_at_once(self, client: SessionsClient, cluster, workers: int) -> None:
        import psutil

        procs = [psutil.Process(w.process.pid) for w in cluster.pool]

        def cpu() -> float:
            return sum(p.cpu_times().user + p.cpu_times().system for p in procs)

        # Untimed: every worker builds its figures once (sessions are spread by a random route).
        client.command(f"open {2 * workers}")
        client.command("rounds 1")
        opened, spent, clicks, errors = 2 * workers, 0.0, 0, []
        capacity = 0
        for count in self.cfg.conc_sessions:
            if count > opened:
                client.command(f"open {count - opened}")
                opened = count
            # Enough rounds for 20 samples where there are few sessions, so p95 is defined.
            rounds = max(self.cfg.rounds, -(-10 // count))
            before = cpu()
            result = client.command(f"rounds {rounds} {count}")
            used = cpu() - before
            row = self.row(f"conc.{workers}.{count}")
            row.values = result["latencies"]
            row.note = (
                f"{opened} sessions open; {len(result['latencies'])} clicks; server CPU "
                f"{used / len(result['latencies']) * 1000:.0f} ms/click; "
                f"{result['bytes_per_click'] / 1024:.0f} KiB/answer"
            )
            spent += used
            clicks += len(result["latencies"])
            errors += result["errors"]
            target = P95_BY_WORKERS.get((workers, count))
            p95 = row.p95 if row.p95 is not None else max(row.values)
            if target:
                row.met = p95 <= target
            if p95 <= P95_S:
                capacity = max(capacity, count)
        cpu_row = self.row(f"conc.{workers}.cpu")
        cpu_row.values = [spent / clicks]
        cpu_row.met = cpu_row.values[0] <= CPU_PER_CLICK_S
        cap = self.row(f"conc.{workers}.capacity")
        cap.values = [capacity / workers]
        cap.note = (
            f"largest tested count at p95 ≤{P95_S:g} s, per worker core; CPU alone would allow "
            f"{1 / (spent / clicks):.0f} clicks per core-second"
        )
        if errors:
            raise RuntimeError(f"{len(errors)} session errors, first: {errors[0]}")

    # 7 ------------------------------------------------------------------------------------------

    def build_scale(self, data_dir: Path) -> None:
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "dashboard", "sample", "--scale", "community"],
            cwd=REPO,
            env={**os.environ, "DASHBOARD_DATA_DIR": str(data_dir)},
            check=True,
            timeout=1800,
            capture_output=True,
        )
        self.row("scale.build").values.append(time.perf_counter() - started)


# --- workers: measurements in a fresh process --------------------------------------------------


def worker(name: str, data_dir: Path, *args: str) -> dict:
    """Run `run.py --worker NAME` with DASHBOARD_DATA_DIR; its last stdout line is JSON."""
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--worker", name, *args],
        cwd=REPO,
        env={**os.environ, "DASHBOARD_DATA_DIR": str(data_dir), "BROWSER_PATH": CHROMIUM},
        capture_output=True,
        text=True,
        timeout=3600,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise RuntimeError(f"worker {name} failed: {' | '.join(tail)}")
    return json.loads(lines[-1].removeprefix("RESULT "))


def emit(result: dict) -> None:
    print("RESULT " + json.dumps(result), flush=True)


def work_script_times(args: argparse.Namespace) -> None:
    import logging

    from streamlit.testing.v1 import AppTest

    from dashboard.snapshot import load_snapshot

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    out = {}
    for snap in args.snapshots.split(","):
        started = time.perf_counter()
        load_snapshot(snap)
        found = {"load_s": time.perf_counter() - started, "pages": {}}
        for page in PAGES:
            at = AppTest.from_file(
                str(REPO / "pages" / f"{page}.py"), default_timeout=SCRIPT_TIMEOUT_S
            )
            at.session_state["snapshot"] = snap
            entry = {"times": [], "error": None}
            try:
                started = time.perf_counter()
                at.run()  # warm: the first run of a page builds what later runs reuse
                entry["first_s"] = time.perf_counter() - started
                if at.exception:  # a page that fails is reported, not timed again and again
                    entry["error"] = at.exception[0].value
                    entry["times"] = [entry["first_s"]]
                for _ in range(args.runs if not at.exception else 0):
                    started = time.perf_counter()
                    at.run()
                    entry["times"].append(time.perf_counter() - started)
                if at.exception and not entry["error"]:
                    entry["error"] = at.exception[0].value
            except Exception as exc:
                entry["error"] = f"{type(exc).__name__}: {exc}"
            found["pages"][page] = entry
        out[snap] = found
    emit(out)


def work_png_cold(_: argparse.Namespace) -> None:
    from dashboard import catalog, export
    from dashboard.snapshot import load_snapshot

    snapshot = load_snapshot(DEFAULT)
    started = time.perf_counter()
    data = export.render_spec(snapshot, catalog.View(), PNG_CHART)
    emit({"call_s": time.perf_counter() - started, "bytes": len(data)})


def _clear_image_cache() -> None:
    from dashboard import export

    export._images = export._ImageCache(export.IMAGE_CACHE_ENTRIES)


def work_exports(args: argparse.Namespace) -> None:
    import importlib

    from dashboard import catalog, export
    from dashboard.snapshot import load_snapshot

    snapshot, view = load_snapshot(DEFAULT), catalog.View()
    export.render_spec(snapshot, view, PNG_CHART)  # starts the one warm Chromium
    out = {"warm_s": [], "cached_s": [], "packs": {}}
    for _ in range(args.runs):
        _clear_image_cache()
        started = time.perf_counter()
        export.render_spec(snapshot, view, PNG_CHART)
        out["warm_s"].append(time.perf_counter() - started)
        started = time.perf_counter()
        export.render_spec(snapshot, view, PNG_CHART)
        out["cached_s"].append(time.perf_counter() - started)
    try:
        briefing = importlib.import_module("dashboard.briefing")
        build = briefing.build
    except (ImportError, AttributeError):
        emit(out)
        return
    charts = catalog.briefing_charts(snapshot)[: args.pack_charts]
    for fmt in PACK_FORMATS:
        entry = out["packs"][fmt] = {"times": [], "bytes": 0}
        try:
            # Only the PPTX pack has a target; one run of each of the others says enough.
            for _ in range(args.runs if fmt == "pptx" else 1):
                _clear_image_cache()
                started = time.perf_counter()
                entry["bytes"] = len(build(snapshot, view, charts, fmt))
                entry["times"].append(time.perf_counter() - started)
        except Exception as exc:
            entry["error"] = f"failed: {type(exc).__name__}: {exc}"[:120]
    emit(out)


def work_plain_to_image(args: argparse.Namespace) -> None:
    """Plotly's own `fig.to_image`: kaleido starts a Chromium for every call. MathJax is pointed
    at an empty local file, as kaleido would otherwise fetch it from a CDN (no network here)."""
    import plotly.io as pio

    from dashboard import catalog, export, render
    from dashboard.snapshot import load_snapshot

    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        empty = Path(tmp) / "no-mathjax.js"
        empty.write_text("", encoding="utf-8")
        pio.defaults.mathjax = str(empty)
        pio.defaults.plotlyjs = str(render.PLOTLY_JS)
        snapshot, view = load_snapshot(DEFAULT), catalog.View()
        times = []
        for chart_id in catalog.briefing_charts(snapshot)[: args.charts]:
            fig = export.export_figure(snapshot, view, chart_id)
            started = time.perf_counter()
            fig.to_image(format="png", width=1920, height=1080)
            times.append(time.perf_counter() - started)
    emit({"per_chart_s": times})


WORKERS = {
    "script-times": work_script_times,
    "png-cold": work_png_cold,
    "exports": work_exports,
    "plain-to-image": work_plain_to_image,
}


# --- the run -----------------------------------------------------------------------------------


def data_copy(root: Path) -> Path:
    """The shipped snapshots and boundaries, copied; generated scale snapshots are left out."""
    target = root / "data"
    shutil.copytree(
        REPO / "data" / "snapshots",
        target / "snapshots",
        ignore=shutil.ignore_patterns(".tmp-*", ".old-*", "scale-*"),
    )
    shutil.copytree(REPO / "data" / "geo", target / "geo")
    return target


def machine() -> dict:
    import psutil

    try:
        system = platform.freedesktop_os_release().get("PRETTY_NAME", platform.platform())
    except OSError:
        system = platform.platform()
    try:
        version = subprocess.run(
            [CHROMIUM, "--version"], capture_output=True, text=True, timeout=30
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        version = "chromium not found"
    packages = {}
    for name in ("streamlit", "plotly", "kaleido", "pandas", "pyarrow", "pandera"):
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = "?"
    return {
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "cores": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 1024**3, 1),
        "system": system,
        "python": platform.python_version(),
        "chromium": version,
        "packages": packages,
    }


def run(cfg: Config, results: Path = RESULTS, only: set[str] | None = None) -> int:
    """Every part in turn (or those of `only`: item numbers "1".."7")."""
    from playwright.sync_api import sync_playwright

    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    bench = Bench(cfg, stamp, results)
    wanted = only or set("1234567")
    started = time.perf_counter()

    def part(item: str, name: str, prefixes: tuple[str, ...], work: Callable[[], None]) -> None:
        if item in wanted:
            bench.section(name, prefixes, work)
            save(bench, time.perf_counter() - started, partial=True)
        else:
            bench.skip(prefixes, "not run (--only)")

    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        data = data_copy(Path(tmp) / "main")
        part(
            "2",
            "2 warm page scripts",
            ("script.2019", "script.sample"),
            lambda: bench.script_times(data, (DEFAULT, SAMPLE)),
        )
        part("4", "4 exports", ("png.", "pack.", "plain."), lambda: bench.exports(data))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            try:
                if wanted & {"1", "3"}:
                    with (
                        Server(REPO / "streamlit_app.py", data, bench.logs / "app.log") as app,
                        Server(BARE_APP, data, bench.logs / "bare.log") as bare,
                    ):
                        part(
                            "1",
                            "1 first chart",
                            ("first.",),
                            lambda: bench.first_chart(browser, app, bare),
                        )
                        part(
                            "3",
                            "3 drill-down",
                            ("drill.",),
                            lambda: bench.drill(browser, app, "drill", DEFAULT, SAMPLE),
                        )
                        bench.server_errors += app.errors()
                else:
                    bench.skip(("first.", "drill."), "not run (--only)")
                if "5" in wanted:
                    with Server(REPO / "streamlit_app.py", data, bench.logs / "memory.log") as app:
                        part(
                            "5",
                            "5 memory",
                            ("mem.",),
                            lambda: bench.memory(browser, app, "mem", DEFAULT),
                        )
                        bench.server_errors += app.errors()
                else:
                    bench.skip(("mem.",), "not run (--only)")
                for workers in cfg.conc_workers:
                    part(
                        "6",
                        f"6 sessions at once, {workers} worker(s) behind nginx",
                        (f"conc.{workers}.",),
                        lambda workers=workers: bench.concurrency(browser, data, workers),
                    )
                if cfg.scale and "7" in wanted:
                    scale_data = data_copy(Path(tmp) / "scale")
                    part(
                        "7",
                        "7 scale: build",
                        ("scale.build",),
                        lambda: bench.build_scale(scale_data),
                    )
                    part(
                        "7",
                        "7 scale: page scripts",
                        ("scale.load", f"script.{SCALE}"),
                        lambda: bench.script_times(scale_data, (SCALE,)),
                    )
                    with Server(
                        REPO / "streamlit_app.py", scale_data, bench.logs / "scale.log"
                    ) as app:
                        part(
                            "7",
                            "7 scale: memory",
                            ("scale.mem",),
                            lambda: bench.memory(browser, app, "scale.mem", SCALE, SCALE_LOAD_MS),
                        )
                        part(
                            "7",
                            "7 scale: drill-down",
                            ("scale.drill",),
                            lambda: bench.drill(
                                browser, app, "scale.drill", SCALE, SCALE, SCALE_LOAD_MS
                            ),
                        )
                        bench.server_errors += app.errors()
                else:
                    note = "skipped (--quick)" if not cfg.scale else "not run (--only)"
                    bench.skip(("scale.", f"script.{SCALE}"), note)
            finally:
                browser.close()
    elapsed = time.perf_counter() - started
    report(bench, elapsed)
    return 1 if bench.failures else 0


# --- the table ---------------------------------------------------------------------------------


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "ms":
        return f"{value * 1000:.0f} ms" if value >= 0.01 else f"{value * 1000:.2f} ms"
    if unit == "MiB":
        return f"{value:.0f} MiB"
    if unit == "n":
        return f"{value:g}"
    return f"{value:.2f} s"


def verdict(row: Row) -> str:
    if not row.target:
        return ""
    if row.met is None:
        return "–"
    return "met" if row.met else "MISSED"


def table(bench: Bench) -> list[str]:
    head = (
        f"{'measure':<78} {'median':>10} {'min':>10} {'max':>10} {'p95':>10} {'n':>4} "
        f"{'ratio':>7}  {'target':<18} {'':<6} note"
    )
    lines = [head, "-" * len(head)]
    for row in bench.rows.values():
        if not row.values:
            lines.append(f"{row.label:<78} {row.note or 'n/a'}")
            continue
        ratio = f"{row.ratio:.2f}x" if row.ratio is not None else ""
        lines.append(
            f"{row.label:<78} {fmt(row.median, row.unit):>10} {fmt(min(row.values), row.unit):>10} "
            f"{fmt(max(row.values), row.unit):>10} {fmt(row.p95, row.unit):>10} "
            f"{len(row.values):>4} {ratio:>7}  {row.target:<18} {verdict(row):<6} {row.note}"
        )
    return lines


def report(bench: Bench, elapsed: float) -> None:
    info = machine()
    mode = "quick" if bench.cfg.quick else "full"
    packages = " ".join(f"{k} {v}" for k, v in info["packages"].items())
    print(
        f"Benchmarks {bench.stamp} ({mode}, {elapsed / 60:.1f} min): {info['cores']} cores, "
        f"{info['memory_gib']} GiB, {info['system']}, Python {info['python']}, "
        f"{info['chromium']}; {packages}"
    )
    print(
        f"Load average (1 min) at start {bench.load_start:.1f}, at end {os.getloadavg()[0]:.1f}: "
        "anything else running on the machine shares its cores with these figures."
    )
    print(
        "Ratios: first chart against the bare app; packs against plain fig.to_image for the "
        "same number of charts."
    )
    for line in table(bench):
        print(line)
    for failure in bench.failures:
        print(f"FAILED {failure}")
    if bench.server_errors:
        print(f"server log errors: {len(bench.server_errors)} (see {bench.logs.name}/)")
    save(bench, elapsed, info=info)
    print(f"written: {bench.results.name}/bench-{bench.stamp}.json")


def save(bench: Bench, elapsed: float, partial: bool = False, info: dict | None = None) -> None:
    """The figures as JSON; after each part as `partial-*.json`, so an interrupted run keeps
    what it has measured."""
    mode = "quick" if bench.cfg.quick else "full"
    payload = {
        "stamp": bench.stamp,
        "mode": mode,
        "elapsed_s": round(elapsed, 1),
        "machine": info or {},
        "load_average_start": bench.load_start,
        "config": asdict(bench.cfg),
        "failures": bench.failures,
        "server_log_errors": bench.server_errors[:20],
        "rows": [
            {**asdict(row), "median": row.median, "p95": row.p95, "n": len(row.values)}
            for row in bench.rows.values()
        ],
    }
    text = json.dumps(payload, ensure_ascii=False, indent=1)
    bench.results.mkdir(parents=True, exist_ok=True)
    if partial:
        (bench.results / f"partial-{bench.stamp}.json").write_text(text, encoding="utf-8")
        return
    (bench.results / f"bench-{bench.stamp}.json").write_text(text, encoding="utf-8")
    (bench.results / f"latest-{mode}.json").write_text(text, encoding="utf-8")
    (bench.results / f"partial-{bench.stamp}.json").unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="1 run each, 2 sessions, no scale")
    parser.add_argument("--only", default=None, help="only these items, e.g. 1,6")
    parser.add_argument("--runs", type=int, default=None, help="runs per figure (default 3)")
    parser.add_argument(
        "--results", type=Path, default=RESULTS, help="folder for the JSON and the server logs"
    )
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--snapshots", default=DEFAULT, help=argparse.SUPPRESS)
    parser.add_argument("--pack-charts", type=int, default=20, help=argparse.SUPPRESS)
    parser.add_argument("--charts", type=int, default=20, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        args.runs = args.runs or 5
        WORKERS[args.worker](args)
        return 0
    if not Path(CHROMIUM).exists():
        print(f"Debian chromium is needed at {CHROMIUM}", file=sys.stderr)
        return 2
    only = set(args.only.replace(" ", "").split(",")) if args.only else None
    return run(make_config(args.quick, args.runs), args.results, only)


if __name__ == "__main__":
    sys.exit(main())
