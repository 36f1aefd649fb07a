"""The briefing-pack panel: choose charts and a format, build the pack for the current snapshot,
language and district, then download it. A page calls `briefing_panel(session)`."""

from __future__ import annotations

import logging
import time

import streamlit as st

from dashboard import briefing, catalog
from dashboard import queries as q
from dashboard.i18n import t
from dashboard.render import RenderError

log = logging.getLogger(__name__)
# Rebuilt packs stay in the session only until a different one is built.
_PACK_KEY = "briefing_pack"
_REQUEST_KEY = "briefing_requested"


def chart_options(snapshot) -> list[str]:
    """Every chart a pack can hold: the default selection first, then the other trends."""
    default = catalog.briefing_charts(snapshot)
    others = [c.id for c in catalog.CHARTS if c.id not in default]
    trends = [c.id for c in catalog.trend_charts(snapshot) if c.id not in default]
    return default + others + trends


_labels: dict[tuple, str] = {}


def chart_label(snapshot, chart_id: str, lang: str) -> str:
    """The chart's own title (built once per snapshot and language), or its indicator's name."""
    key = (snapshot.id, snapshot.fingerprint, chart_id, lang)
    if key not in _labels:
        if chart_id.startswith("trend-"):
            label = q.indicator_name(snapshot, chart_id.removeprefix("trend-"), lang)
        else:
            figure = catalog.chart(chart_id).build(snapshot, catalog.View(lang=lang)).figure
            label = briefing.plain_title(figure) or chart_id
        if len(_labels) > 2000:
            _labels.clear()
        _labels[key] = label
    return _labels[key]


def _request_build() -> None:
    st.session_state[_REQUEST_KEY] = True


def _size(data: bytes) -> str:
    return f"{len(data) / 1024 / 1024:.1f} MB" if len(data) > 1 << 20 else f"{len(data) // 1024} KB"


def briefing_panel(session) -> None:
    lang, snapshot, view = session.lang, session.snapshot, session.view
    st.subheader(t("brief.heading", lang))
    st.caption(t("brief.intro", lang, snapshot=snapshot.id,
                 place=catalog.place_label(snapshot, view)))  # fmt: skip
    options = chart_options(snapshot)
    default = catalog.briefing_charts(snapshot)
    with st.form(f"briefing_form_{snapshot.id}_{lang}", border=True):
        chosen = st.multiselect(
            t("brief.charts", lang),
            options,
            default=default,
            format_func=lambda c: chart_label(snapshot, c, lang),
            key=f"briefing_charts_{snapshot.id}_{lang}",
        )
        fmt = st.radio(
            t("brief.format", lang),
            briefing.FORMATS,
            format_func=lambda f: t(f"brief.format.{f}", lang),
            horizontal=True,
            key="briefing_format",
        )
        # A flag set by the callback survives a rerun that the button's return value would not.
        st.form_submit_button(t("brief.generate", lang), type="primary", key="briefing_build",
                              on_click=_request_build)  # fmt: skip
    request = (snapshot.id, snapshot.fingerprint, lang, view.district, fmt, tuple(chosen))
    if st.session_state.pop(_REQUEST_KEY, False):
        if not chosen:
            st.warning(t("brief.none", lang))
            return
        _build(snapshot, view, chosen, fmt, request)
    pack = st.session_state.get(_PACK_KEY)
    if not pack:
        return
    if pack["request"] != request:
        st.info(t("brief.stale", lang))
        return
    st.success(t("brief.done", lang, name=pack["name"], n=len(chosen), size=_size(pack["data"]),
                 seconds=f"{pack['seconds']:.1f}"))  # fmt: skip
    st.download_button(
        t("brief.download", lang),
        pack["data"],
        pack["name"],
        briefing.MIME[fmt],
        key="briefing_download",
        on_click="ignore",
        type="primary",
        icon=":material/download:",
    )


def _build(snapshot, view, chosen: list[str], fmt: str, request: tuple) -> None:
    lang = view.lang
    bar = st.progress(0.0, text=t("brief.working", lang))

    def progress(done: int, total: int) -> None:
        bar.progress(done / total, text=t("brief.progress", lang, done=done, total=total))

    started = time.perf_counter()
    try:
        data = briefing.build(snapshot, view, chosen, fmt, progress)
    except (RenderError, KeyError, ValueError, OSError) as exc:
        log.exception("briefing pack failed")
        bar.empty()
        st.error(t("brief.failed", lang, error=exc))
        return
    bar.empty()
    st.session_state[_PACK_KEY] = {
        "request": request,
        "data": data,
        "name": briefing.file_name(snapshot, view, fmt),
        "seconds": time.perf_counter() - started,
    }
