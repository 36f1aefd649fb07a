"""Server-side figure rendering through kaleido with one warm Chromium per process.

kaleido's own sync server shares one result queue between callers, so two sessions rendering at
once could receive each other's image. Here a private event loop owns the browser and every call
gets its own future: results cannot cross, and each call has a timeout.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import threading
from pathlib import Path

import plotly
import plotly.graph_objects as go

from dashboard.charts.districts import OFFLINE_TOPOJSON_URL

log = logging.getLogger(__name__)

# Debian's package; kaleido looks for a browser through BROWSER_PATH.
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
# A chart renders in well under a second warm; the first call also starts the browser.
RENDER_TIMEOUT_SECONDS = 60
# Tabs of the one browser: a briefing pack renders this many charts at once (each call still
# gets its own tab and its own future, so results cannot cross).
RENDER_TABS = 2
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


class RenderError(Exception):
    """An image could not be produced; the message says why in terms an operator can act on."""


def chromium_path() -> str | None:
    configured = os.environ.get("BROWSER_PATH")
    if configured and Path(configured).is_file():
        return configured
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    return shutil.which("chromium")


def _handing_back_early(kaleido_class: type) -> type:
    """kaleido reloads a tab after every image, to start the next one clean, and makes the caller
    wait for it: the reload parses plotly.js again, most of a warm render's time. This subclass
    hands the image back first and reloads after; the tab rejoins the pool once it is fresh, so
    isolation between renders is kept. (kaleido is pinned: this overrides one private method.)"""

    reloading: set[asyncio.Task] = set()  # held here: the event loop keeps only weak references

    class HandingBackEarly(kaleido_class):
        async def _return_kaleido_tab(self, tab) -> None:
            task = asyncio.get_running_loop().create_task(super()._return_kaleido_tab(tab))
            reloading.add(task)
            task.add_done_callback(reloaded)

    def reloaded(task: asyncio.Task) -> None:
        reloading.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("an image tab could not be reloaded: %s", task.exception())

    return HandingBackEarly


class Renderer:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido = None

    def _start(self) -> None:
        browser = chromium_path()
        if not browser:
            raise RenderError(
                "no Chromium found: install the Debian package 'chromium' to export images"
            )
        os.environ["BROWSER_PATH"] = browser
        import kaleido

        loop = asyncio.new_event_loop()
        threading.Thread(target=loop.run_forever, name="kaleido-loop", daemon=True).start()
        engine = _handing_back_early(kaleido.Kaleido)(
            n=RENDER_TABS, timeout=RENDER_TIMEOUT_SECONDS, plotlyjs=str(PLOTLY_JS), mathjax=False
        )
        try:
            asyncio.run_coroutine_threadsafe(engine.__aenter__(), loop).result(
                RENDER_TIMEOUT_SECONDS
            )
        except Exception as exc:
            loop.call_soon_threadsafe(loop.stop)
            raise RenderError(f"Chromium could not be started for image export: {exc}") from exc
        self._loop, self._kaleido = loop, engine
        log.info("kaleido renderer started with %s", browser)

    def render(
        self, fig: go.Figure, fmt: str, width: int, height: int, scale: float = 1.0
    ) -> bytes:
        with self._lock:
            if self._loop is None:
                self._start()
        opts = {"format": fmt, "width": width, "height": height, "scale": scale}
        future = asyncio.run_coroutine_threadsafe(
            self._kaleido.calc_fig(fig, opts=opts, topojson=OFFLINE_TOPOJSON_URL), self._loop
        )
        try:
            return future.result(RENDER_TIMEOUT_SECONDS)
        except TimeoutError as exc:
            future.cancel()
            raise RenderError(f"rendering took longer than {RENDER_TIMEOUT_SECONDS} s") from exc
        except RenderError:
            raise
        except Exception as exc:
            raise RenderError(f"rendering failed: {exc}") from exc


_renderer = Renderer()


def render(
    fig: go.Figure, fmt: str = "png", width: int = 1920, height: int = 1080, scale: float = 1.0
) -> bytes:
    return _renderer.render(fig, fmt, width, height, scale)
