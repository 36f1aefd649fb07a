"""Shared Streamlit pieces: the session (snapshot, language, district from the sidebar and the
link), the chart frame with its table and downloads, headline tiles with their provenance, and
the notices that say plainly when data is missing or synthetic."""

from __future__ import annotations

import dataclasses
import functools
import logging
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import streamlit as st
from streamlit import config as streamlit_config
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard import catalog, export, queries, schema, state
from dashboard.charts.base import fitted_height
from dashboard.charts.districts import OFFLINE_TOPOJSON_URL, selected_district
from dashboard.formatting import format_value, reader_note
from dashboard.i18n import LANGS, STREAMLIT_ZH, plotly_locale, t
from dashboard.settings import Settings
from dashboard.snapshot import (
    DEFAULT_SNAPSHOT,
    Snapshot,
    SnapshotError,
    listed_manifest,
    load_snapshot,
    scan_snapshots,
)

log = logging.getLogger(__name__)
DISTRICT_OPTIONS = (schema.CITY_CODE, *schema.DISTRICT_CODES)


@dataclass
class FirstPaint:
    """The first run of an opened link or a reload (a new session), before the browser has said
    how wide the page is.
    Streamlit's browser side fetches each kind of element's script on first sight, six at a time,
    and mounts every chart of a run in one go: the sidebar's widgets alone cost some thirty
    fetches queued ahead of Plotly's, and a page of eleven charts drew all eleven before the first
    showed. So this run sends the page's words, its tiles and its first chart; the sidebar, the
    other charts and the download menus follow in the run the width report starts a moment later.
    """

    charts: int = 0  # charts this run has met so far


@dataclass
class Session:
    snapshot: Snapshot
    view: catalog.View
    present: bool = False
    scene: int = 1
    notices: list[str] = field(default_factory=list)
    # Snapshot folders left out of the sidebar's list, each naming its file and the reason.
    left_out: list[str] = field(default_factory=list)
    # On screen, once the browser has said: the width (in steps) of a chart in 1, 2, 3... columns
    # side by side; the first is the main column's, the view's own width.
    column_widths: tuple[int, ...] = ()
    first_paint: FirstPaint | None = None

    @property
    def lang(self) -> str:
        return self.view.lang


def _load_with_fallback(requested: str, ids: list[str]) -> tuple[Snapshot | None, str | None]:
    """The requested snapshot, or the last good one with a message saying why."""
    try:
        snapshot = load_snapshot(requested)
        st.session_state["last_good_snapshot"] = snapshot.id
        return snapshot, None
    except SnapshotError as exc:
        log.error("snapshot refused: %s", exc)
        error = str(exc)
    candidates = [st.session_state.get("last_good_snapshot"), DEFAULT_SNAPSHOT, *ids]
    for candidate in dict.fromkeys(c for c in candidates if c and c != requested):
        try:
            return load_snapshot(candidate), error
        except SnapshotError as exc:
            log.error("snapshot refused: %s", exc)
    return None, error


def _init_from_link(ids: list[str]) -> state.LinkState:
    params = {k: st.query_params.get_all(k) for k in st.query_params}
    link = state.parse_link(params, ids)
    st.session_state.setdefault("lang", link.lang)
    st.session_state.setdefault("district", link.district)
    st.session_state.setdefault(
        "snapshot", link.snapshot or (DEFAULT_SNAPSHOT if DEFAULT_SNAPSHOT in ids else ids[0])
    )
    st.session_state.setdefault("present", link.present)
    st.session_state.setdefault("scene", link.scene)
    st.session_state.setdefault("theme", link.theme)
    return link


def plain(text: object) -> str:
    """Text from a file or a user, for a place that renders Markdown (help tooltips, captions,
    notices, labels): the characters that start Markdown, HTML or Streamlit's directives escaped,
    so a link, an image or a tag is shown as the characters it is made of and never becomes a
    link, a request or markup. Ordinary punctuation (a colon before a space, parentheses, dots)
    is left as written."""
    out = str(text).replace("\n", " ").replace("\r", " ")
    for ch in MARKDOWN_SPECIALS:
        out = out.replace(ch, "\\" + ch)
    out = DIRECTIVE.sub(r"\\:", out)
    # Escapes do not stop GitHub-style autolinks (found in the text after parsing): a zero-width
    # space inside "://" and "www." and before "@" does, and shows nothing.
    out = AUTOLINK.sub(lambda m: m.group(0)[:-1] + "\u200b" + m.group(0)[-1], out)
    return LINE_START.sub(_escape_marker, out, count=1)


# Links and images need [ ], emphasis * _ ~, code `, HTML and entities < > &, LaTeX $, headings #.
MARKDOWN_SPECIALS = "\\`*_[]<>~$&#"
# Streamlit's directives and shortcodes (:red[...], :material/icon:, :smile:) start with a colon
# before a letter.
DIRECTIVE = re.compile(r":(?=\w)")
AUTOLINK = re.compile(r":/|www\.|\w@", re.IGNORECASE)
# A list or heading marker at the start: "- x", "+ x", "= x", "1. x" ("#" and ">" are escaped).
LINE_START = re.compile(r"^(\s*)([-+=])|^(\s*\d{1,9})([.)])(?=\s|$)")


def _escape_marker(match: re.Match) -> str:
    lead, marker = (match.group(1), match.group(2)) if match.group(2) else match.group(3, 4)
    return f"{lead}\\{marker}"


def apply_upload_limit(settings: Settings) -> None:
    """Streamlit's upload route obeys one process-wide limit, read on every upload: 0 (every file
    refused before a byte is kept) unless an administrator has turned uploads on. The shipped
    .streamlit/config.toml says 0, so the route is closed before the first page has run."""
    limit = settings.max_upload_mb if settings.allow_upload else 0
    if streamlit_config.get_option("server.maxUploadSize") != limit:
        streamlit_config.set_option("server.maxUploadSize", limit, "dashboard_settings.toml")


_logged_left_out: set[str] = set()


def start_session() -> Session | None:
    """Read the link once, draw the sidebar, load the snapshot; None when nothing can be shown."""
    listing = scan_snapshots()
    for problem in set(listing.problems) - _logged_left_out:  # once per process, not per click
        log.error("snapshot left out: %s", problem)
        _logged_left_out.add(problem)
    ids = listing.ids
    if not ids:
        lang = st.session_state.get("lang", "zh")
        st.error(t("notice.no_snapshot", lang))
        for problem in listing.problems:
            st.warning(plain(t("notice.snapshot_left_out", lang, problem=problem)))
        return None
    if "lang" not in st.session_state:  # the session's first run: the link sets the view
        st.session_state[LINK_REJECTED_KEY] = _init_from_link(ids).rejected
    if st.session_state["snapshot"] not in ids:
        st.session_state["snapshot"] = DEFAULT_SNAPSHOT if DEFAULT_SNAPSHOT in ids else ids[0]
    lang = st.session_state["lang"]
    column_widths = tuple(st.session_state.get("page_width") or ())
    present = st.session_state["present"]
    first_paint = wants_first_paint(present, column_widths)
    # The link's refused parameters are said until the whole page has been drawn once (after a
    # first paint, in the full view too), not again on every later click.
    rejected = (
        st.session_state.get(LINK_REJECTED_KEY, [])
        if first_paint
        else st.session_state.pop(LINK_REJECTED_KEY, [])
    )
    notices = [t("notice.bad_param", lang, name=name) for name in rejected]
    snapshot, error = _load_with_fallback(st.session_state["snapshot"], ids)
    if snapshot is None:
        st.error(plain(t("notice.no_snapshot", lang) + f" ({error})"))
        return None
    if DEFAULT_SNAPSHOT not in ids:
        notices.append(t("notice.default_missing", lang, snapshot=DEFAULT_SNAPSHOT))
    if error:
        notices.append(
            t(
                "notice.snapshot_failed",
                lang,
                snapshot=st.session_state["snapshot"],
                error=error,
                fallback=snapshot.id,
            )
        )
    session = Session(
        snapshot=snapshot,
        view=catalog.View(
            lang=lang,
            district=st.session_state["district"],
            width=column_widths[0] if column_widths else None,
        ),
        column_widths=column_widths,
        first_paint=FirstPaint() if first_paint else None,
        present=present,
        scene=st.session_state["scene"],
        notices=notices,
        left_out=listing.problems,
    )
    st.session_state["_session"] = session
    return session


def wants_first_paint(present: bool, column_widths: tuple[int, ...]) -> bool:
    """Only a browser that will report its width gets a first paint (the show draws no probe;
    a test harness has no browser), and only until the first full run."""
    return (
        not present
        and not column_widths
        and not st.session_state.get(FULL_VIEW_KEY)
        and browser_connected()
    )


def browser_connected() -> bool:
    return bool(st.context.headers)


def sidebar(session: Session, ids: list[str]) -> None:
    lang = session.lang
    with st.sidebar:
        st.radio(
            t("sidebar.language", lang),
            LANGS,
            key="lang",
            horizontal=True,
            format_func=lambda code: "中文" if code == "zh" else "English",
        )
        st.selectbox(
            t("sidebar.snapshot", lang),
            ids,
            key="snapshot",
            format_func=lambda i: snapshot_label(i, lang),
        )
        st.selectbox(
            t("sidebar.district", lang),
            DISTRICT_OPTIONS,
            key="district",
            format_func=lambda c: district_label(session.snapshot, c, lang),
        )
        st.caption(t("sidebar.as_of", lang, date=session.snapshot.as_of))
        for problem in session.left_out:
            st.warning(plain(t("notice.snapshot_left_out", lang, problem=problem)))
        st.button(
            t("sidebar.present", lang),
            key="enter_present",
            on_click=_set_present,
            args=(True,),
            icon=":material/slideshow:",
        )


def _set_present(on: bool) -> None:
    st.session_state["present"] = on
    st.session_state["scene"] = 1


def snapshot_label(snapshot_id: str, lang: str) -> str:
    """From the manifest alone: drawing a label never loads a snapshot's tables."""
    manifest = listed_manifest(snapshot_id)
    if manifest is None:
        return snapshot_id
    title = manifest[f"title_{lang}"]
    return (
        t("sidebar.sample_label", lang, title=title)
        if manifest["kind"] == "sample"
        else f"{snapshot_id} · {title}"
    )


def district_label(snapshot: Snapshot, code: str, lang: str) -> str:
    return (
        t("geo.city", lang) if code == schema.CITY_CODE else queries.geo_name(snapshot, code, lang)
    )


def sync_link(session: Session) -> None:
    """Keep the address bar a faithful copy of the view, so a copied link reopens it."""
    wanted = {
        "lang": session.lang if session.lang != "zh" else None,
        "district": session.view.district if session.view.drilled else None,
        "snapshot": session.snapshot.id if session.snapshot.id != DEFAULT_SNAPSHOT else None,
        "present": "1" if session.present else None,
        "scene": str(session.scene) if session.present else None,
        # A presenter window's own switch and the show it follows stay in its address.
        "notes": st.query_params.get("notes") if session.present else None,
        "follow": st.query_params.get("follow") if session.present else None,
    }
    current = {k: st.query_params.get(k) for k in wanted}
    if current != wanted:
        st.query_params.from_dict({k: v for k, v in wanted.items() if v is not None})


def current() -> Session:
    """The session of this script run, started here when a page runs without the entrypoint
    (Streamlit runs a `pages/` script directly for some URLs and in AppTest)."""
    if PagesManager.uses_pages_directory:
        # A `pages/` folder beside the entrypoint puts a fresh server's first run in Streamlit's
        # legacy folder mode, which skips our navigation; switch it off and rerun through it.
        PagesManager.uses_pages_directory = False
        st.rerun()
    ctx = get_script_run_ctx()
    run_marker = ctx.cursors if ctx else None  # a fresh dict on every script run
    if st.session_state.get("_session_run") is run_marker and "_session" in st.session_state:
        return st.session_state["_session"]
    session = start_session()
    if session is None:
        st.stop()
    if session.present:
        hide_chrome()
    elif session.first_paint:
        page_width_probe()
    else:
        sidebar(session, scan_snapshots().ids)
        page_width_probe()
    sync_link(session)
    page_timer(session)
    st.session_state["_session_run"] = run_marker
    return session


# Streamlit's browser side asks for a new run after its websocket reconnects only when the page
# holds a fragment that reruns on a timer. Behind nginx with several workers, a viewer whose
# worker died is reconnected to another one, which knows nothing of the page until it runs it;
# this (hourly, empty) fragment makes the page run there at once, rebuilt from its link.
RECONNECT_RERUN_EVERY_S = 3600
# A first paint whose width report never comes (the probe's frame blocked) is followed by the
# full view this many seconds later all the same.
FIRST_PAINT_FALLBACK_S = 4
FULL_VIEW_KEY = "_full_view"
LINK_REJECTED_KEY = "_link_rejected"


def page_timer(session: Session) -> None:
    """The page's one timed fragment: hourly, or soon after a first paint. Both are the same
    fragment, so the full run's hourly timer replaces the first paint's."""
    every = FIRST_PAINT_FALLBACK_S if session.first_paint else RECONNECT_RERUN_EVERY_S
    st.fragment(run_every=every)(_on_page_timer)()


def _on_page_timer() -> None:
    ctx = get_script_run_ctx()
    timer_fired = ctx is not None and bool(ctx.fragment_ids_this_run)  # not the page's own run
    widths = tuple(st.session_state.get("page_width") or ())
    if timer_fired and wants_first_paint(st.session_state.get("present", False), widths):
        st.session_state[FULL_VIEW_KEY] = True
        st.rerun(scope="app")


# --- on every page --------------------------------------------------------------------------------


# Names the page for screen readers and the browser tab: the document's language, and a title
# naming the view and the place. Static script; the two values are JSON-encoded strings.
# Streamlit writes its own title into the tab on every rerun (page config), after this script
# has run once, so the script keeps the wanted title in a global and puts it back whenever the
# <title> changes; each page's script replaces the global.
# The script's text holds no "<" before a letter or "/": Streamlit's sanitizer drops such a script.
_PAGE_META = """<script>
document.documentElement.lang = %(lang)s;
window.dashboardTitle = %(title)s;
document.title = window.dashboardTitle;
document.documentElement.dataset.view = %(view)s;
// Streamlit fetches and parses its Plotly bundle (4.7 MB) only when the first chart arrives,
// after the sidebar and the headline tiles; asking for the same module now, as the page starts,
// overlaps that work with theirs. The browser keeps one copy of a module, so the chart uses it.
// In a block of its own: the script runs again whenever the title changes, in the same global
// scope, where a second top-level `const` of the same name would stop the whole script.
{
  const plotlyModule = %(plotly)s;
  const entry = document.querySelector('script[type="module"][src*="/index."]');
  if (plotlyModule && entry && !window.dashboardPlotly) {
    window.dashboardPlotly = import(new URL("./" + plotlyModule, entry.src).href).catch(() => null);
  }
}
if (!window.dashboardTitleKeeper) {
  window.dashboardTitleKeeper = new MutationObserver(() => {
    if (document.title !== window.dashboardTitle) document.title = window.dashboardTitle;
  });
  window.dashboardTitleKeeper.observe(document.head, {subtree: true, childList: true,
                                                      characterData: true});
}
if (!window.dashboardPopoverKeys) {
  // A popover (sources, downloads) opens in a layer at the end of the page: the keyboard follows
  // it in, and Escape brings the focus back to the button that opened it.
  window.dashboardPopoverKeys = true;
  document.addEventListener("keydown", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const trigger = target && target.closest('[data-testid="stPopoverButton"]');
    if (trigger && (event.key === "Enter" || event.key === " ")) {
      // The menu's content arrives a moment after the layer: look for it for up to two seconds.
      let tries = 20;
      const follow = () => {
        const body = document.querySelector('[data-testid="stPopoverBody"]');
        const first = body && body.querySelector(
          'button, a[href], input, select, textarea, [tabindex]:not([tabindex="-1"])');
        if (first && !body.contains(document.activeElement)) {
          window.dashboardPopoverTrigger = trigger;
          first.focus();
        }
        if (!(body && body.contains(document.activeElement)) && --tries > 0) {
          setTimeout(follow, 100);
        }
      };
      setTimeout(follow, 100);
    } else if (event.key === "Escape" && target
               && target.closest('[data-testid="stPopoverBody"]')) {
      const back = window.dashboardPopoverTrigger;
      setTimeout(() => { if (back && back.isConnected) back.focus(); }, 100);
    }
  });
}
</script>"""
# Streamlit's own English words said in the reader's language, on every page and in the show: the
# swap follows the document's language, which each page's script sets first.
_STREAMLIT_WORDS = """<script>
// Streamlit's own English words (its table toolbar, uploader button, list and screen-reader
// texts) said in Chinese while the page is Chinese: text, title, aria-label and placeholder that
// match a phrase exactly, as they appear. The app's own words and the charts are left alone; a
// switch back to English puts the originals back.
window.dashboardWords = %(words)s;
if (!window.dashboardWordKeeper) {
  const attrs = ["title", "aria-label", "placeholder", "data-title"];
  const appText = '[data-testid="stMarkdownContainer"], [data-testid="stHtml"], .js-plotly-plot,'
    + ' [data-testid="stCode"], [data-testid="stMetricValue"], input, textarea';
  const swapped = [];
  const chinese = () => document.documentElement.lang.startsWith("zh");
  // Streamlit's own inside those: a tooltip, a button's label, its button in a chart's toolbar.
  const streamlits = '[data-testid="stTooltipContent"], button, .modebar';
  const own = (el) => !el || !el.closest(appText) || !!el.closest(streamlits);
  // "Fullscreen: (the chart)" or "year, (the date's label)" names a control and what it belongs
  // to; only the first part is Streamlit's.
  const said = (text, labelled) => {
    const words = window.dashboardWords, key = text.trim();
    if (!key || key.length > 60) return null;
    if (Object.hasOwn(words, key)) return text.replace(key, words[key]);
    const cut = labelled ? key.search(/[:,] /) : -1;
    const head = key.slice(0, cut);
    return cut > 0 && Object.hasOwn(words, head)
      ? words[head] + (key[cut] === ":" ? ":" : ",") + key.slice(cut + 2) : null;
  };
  const swapText = (node) => {
    const now = said(node.data, false);
    if (now !== null && own(node.parentElement)) {
      swapped.push([node, null, node.data]);
      node.data = now;
    }
  };
  const swapAttr = (el, name) => {
    const value = el.getAttribute(name);
    const now = value && said(value, name === "aria-label");
    if (now && own(el)) {
      swapped.push([el, name, value]);
      el.setAttribute(name, now);
    }
  };
  const swapIn = (root) => {
    if (root.nodeType === Node.TEXT_NODE) return swapText(root);
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    for (const el of [root, ...root.querySelectorAll("[title], [aria-label], [placeholder]")]) {
      for (const name of attrs) if (el.hasAttribute(name)) swapAttr(el, name);
    }
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) swapText(node);
  };
  const restore = () => {
    for (const [node, name, value] of swapped.splice(0)) {
      if (name === null) node.data = value; else node.setAttribute(name, value);
    }
  };
  let lastLang = document.documentElement.lang;
  window.dashboardWordKeeper = new MutationObserver((records) => {
    if (document.documentElement.lang !== lastLang) {
      lastLang = document.documentElement.lang;
      if (chinese()) swapIn(document.body); else restore();
      return;
    }
    if (!chinese()) return;
    for (const record of records) {
      if (record.type === "childList") record.addedNodes.forEach(swapIn);
      else if (record.type === "characterData") swapText(record.target);
      else if (record.type === "attributes" && record.target !== document.documentElement) {
        swapAttr(record.target, record.attributeName);
      }
    }
    // Forget what React has since taken away.
    if (swapped.length > 2000) {
      const kept = swapped.filter(([node]) => node.isConnected);
      swapped.splice(0, swapped.length, ...kept);
    }
  });
  window.dashboardWordKeeper.observe(document.documentElement, {
    subtree: true, childList: true, characterData: true, attributes: true,
    attributeFilter: [...attrs, "lang"],
  });
  if (chinese()) swapIn(document.body);
}
</script>"""


def streamlit_words() -> str:
    """The script that says Streamlit's own words in Chinese on a Chinese page."""
    return _STREAMLIT_WORDS % {"words": script_json(STREAMLIT_ZH)}


# Caption and help text at >= 4.5:1 on the page and the sidebar (Streamlit fades them to ~3.9:1).
READABLE_CSS = """<style>
.st-key-page_meta, .st-key-page_width_probe {display: none;}
[data-testid="stCaptionContainer"] {opacity: 1 !important;}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p,
[data-testid="stSidebar"] [data-testid="stCaptionContainer"] p {color: #4B5563 !important;}
[data-testid="stWidgetLabel"] p {color: #1F2937;}
kbd {color: #4B5563 !important; opacity: 1 !important;}
/* A keyboard user always sees where they are: the sidebar's page links, radio buttons and
   switches show no focus of their own. The primary colour keeps 3:1 on white and the sidebar. */
a:focus-visible, button:focus-visible, summary:focus-visible, [role="tab"]:focus-visible,
[data-testid="stSidebarNavLink"]:focus-visible {outline: 2px solid #0072B2 !important;
  outline-offset: 2px;}
label:has(input[type="radio"]:focus-visible), label:has(input[type="checkbox"]:focus-visible) {
  outline: 2px solid #0072B2; outline-offset: 2px; border-radius: 4px;}
/* A tile's name and value wrap rather than end in "…": a figure read from a podium is whole. */
[data-testid="stMetricValue"], [data-testid="stMetricValue"] *, [data-testid="stMetricLabel"] *
  {white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  overflow-wrap: anywhere; height: auto !important; line-height: 1.15;}
/* A table's toolbar shows on hover; it shows too while a keyboard user is in it. */
[data-testid="stElementToolbar"]:focus-within {opacity: 1 !important;}
/* Streamlit's own English hints the page says in the reader's language (see below). */
[data-testid="InputInstructions"], [data-testid="stFileUploaderDropzoneInstructions"],
[data-testid="stStatusWidget"] button {display: none !important;}
</style>"""
# The last rule hides Streamlit's own English hints that the page says in the reader's language:
# a form's "Press Enter to submit form" (its submit button is in view) and the file uploader's
# "Drag and drop file here · Limit … per file" (the import page's intro states types and limit);
# and the "Stop" beside the running figure while a view is drawn (a reader waits, never stops).


def script_json(value: object) -> str:
    """A value as a JavaScript literal that cannot end the <script> holding it: JSON with < > &
    written as \\u escapes (a title naming a place from a snapshot may hold "</script>")."""
    import json

    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# Views without a chart: there the Plotly bundle would only compete with the table for the CPU.
PAGES_WITHOUT_CHARTS = ("page.data_sources", "page.compare", "page.import")


@functools.lru_cache(maxsize=1)
def plotly_module() -> str | None:
    """The file name of Streamlit's Plotly chunk (it changes with each Streamlit release)."""
    folder = Path(st.__file__).resolve().parent / "static" / "static" / "js"
    found = sorted(p.name for p in folder.glob("PlotlyChart.*.js"))
    return found[0] if len(found) == 1 else None


def page_meta(lang: str, title: str, charts: bool = True, first_paint: bool = False) -> None:
    """The page's language and tab title, set in the browser; on a view with charts, Plotly's
    bundle asked for at once; and whether the page is a first paint or the full view."""
    with st.container(key="page_meta"):
        st.html(
            _PAGE_META
            % {
                "lang": script_json("zh-CN" if lang == "zh" else "en"),
                "title": script_json(title),
                "plotly": script_json(plotly_module() if charts else None),
                "view": script_json("first" if first_paint else "full"),
            }
            + streamlit_words(),
            unsafe_allow_javascript=True,
        )
    st.html(READABLE_CSS)


def page_header(session: Session, title_key: str) -> None:
    title = t(title_key, session.lang)
    place = catalog.place_label(session.snapshot, session.view)
    page_meta(
        session.lang,
        f"{title} · {place} · {t('app.title', session.lang)}",
        charts=title_key not in PAGES_WITHOUT_CHARTS,
        first_paint=session.first_paint is not None,
    )
    st.title(title)
    for notice in session.notices:
        st.warning(plain(notice), icon=":material/warning:")
    if session.snapshot.is_sample:
        st.error(t("sample.banner", session.lang), icon=":material/science:")
    # The breadcrumb has a place of its own, empty on the city's view: what follows keeps its
    # position when a district is clicked, so the browser updates the charts it has drawn in
    # place (and leaves the city's own charts as they are) instead of mounting them again.
    with st.container():
        breadcrumb(session)


PROFILE_INDICATORS = ("resident_population", "district_area", "population_density")


def breadcrumb(session: Session) -> None:
    """北京市 › 朝阳区, a way back, and the district's own figures beside the city's."""
    if not session.view.drilled:
        return
    cols = st.columns([4, 1])
    cols[0].markdown(f"**{catalog.place_label(session.snapshot, session.view)}**")
    # Whose numbers these are, in type as large as the figures themselves.
    own, rest = catalog.drill_summary(session.snapshot, session.view)
    with st.container(key="drill_summary"):
        st.markdown(f"## {own}")
        st.markdown(f"## {rest}")
    cols[1].button(
        t("breadcrumb.back", session.lang),
        key="back_to_city",
        on_click=_select_district,
        args=(schema.CITY_CODE,),
        icon=":material/arrow_back:",
    )
    district_profile(session)


def district_profile(session: Session) -> None:
    lang, snap, code = session.lang, session.snapshot, session.view.district
    columns = st.columns(len(PROFILE_INDICATORS) + 1)
    geo = snap.geography.set_index("geo_code")
    columns[0].metric(t("district.zone", lang), geo.at[code, f"zone_{lang}"] or "–")
    for column, indicator_id in zip(columns[1:], PROFILE_INDICATORS, strict=True):
        value = queries.latest(snap, indicator_id, code)
        if value is None:
            column.metric(
                queries.indicator_name(snap, indicator_id, lang),
                "–",
                help=t("district.not_reported", lang),
            )
            continue
        # A district's figure is set beside the city's of the same period only: the 2020 census
        # of a district beside the 2010 census of the city would read as one count.
        city = queries.at_period(snap, indicator_id, value.period) if value.period else None
        column.metric(
            queries.indicator_name(snap, indicator_id, lang),
            format_value(value.value, value.unit, lang, value.qualifier),
            help=plain(
                f"{t('prov.period', lang)}: {value.period or t('prov.period_unstated', lang)} · "
                f"{t('prov.status', lang)}: {t('status.' + value.status, lang)} · "
                f"{t('prov.source', lang)}: {queries.source_label(snap, value.source_id, lang)}"
            ),
        )
        period = value.period or t("prov.period_unstated", lang)
        if city is None:
            column.caption(t("district.city_value_unsourced", lang, period=period))
        else:
            city_text = format_value(city.value, city.unit, lang, city.qualifier)
            column.caption(
                t("district.city_value_same_period", lang, period=period, value=city_text)
            )


def _select_district(code: str) -> None:
    st.session_state["district"] = code


def _on_chart_select(chart_key: str) -> None:
    code = selected_district(st.session_state.get(chart_key), set(schema.DISTRICT_CODES))
    if code:
        st.session_state["district"] = code


def plotly_config(spec_id: str, session: Session) -> dict:
    return {
        "displaylogo": False,
        "toImageButtonOptions": {
            "format": "png",
            "filename": export.file_stem(spec_id, session.view.district, session.snapshot.id),
            "width": 1920,
            "height": 1080,
            "scale": 1,
        },
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
        # The SVG district map's world-outline request is answered in the page (no other host).
        "topojsonURL": OFFLINE_TOPOJSON_URL,
        # Plotly's toolbar tips in the reader's language.
        **plotly_locale(session.lang),
    }


def chart(
    session: Session,
    spec: catalog.ChartSpec,
    height: int | None = 480,
    *,
    on_select=None,
    columns: int = 1,
    **options,
) -> catalog.ChartResult | None:
    """A chart with its table alternative and download buttons, drill-down when selectable;
    None for a chart a first paint leaves for the full run (see FirstPaint).
    `height` None keeps the height the builder gave the figure (charts whose height follows their
    rows and width); `on_select` replaces
    the district drill-down of a selectable chart; `columns` says the chart is one of that many
    in st.columns side by side, so it is laid out for its share of the page's width; `options`
    go to the chart's builder (the trends' year range, the selected milestone)."""
    paint = session.first_paint
    if paint is not None:
        paint.charts += 1
        if paint.charts > 1:
            # Its place is held at its height, so the page does not jump when it arrives.
            st.container(height=height or DEFERRED_CHART_PX, border=False)
            return None
    built = _built(in_columns(session, columns), spec, height, **options)
    key = f"chart_{spec.id}"
    if on_select is None and spec.selectable:
        on_select = lambda: _on_chart_select(key)  # noqa: E731
    selection = {"on_select": on_select, "selection_mode": "points"} if on_select else {}
    # The line saying a drilled view's chart shows the city's figures has a place of its own, held
    # (empty) on the city's view too: the chart after it keeps its position, so the browser keeps
    # the chart it has drawn instead of mounting it again.
    note = st.empty()
    if built.city_note:
        note.markdown(f"**{plain(built.city_note)}**")
    st.plotly_chart(
        built.sent,
        key=key,
        theme=None,
        config=built.config,
        alt=built.alt,
        **selection,
    )
    if paint is None:
        downloads(session, spec, built.result, built.table)
    return built.result


# The places held for what a first paint leaves for the full run: a chart of its own height,
# and a district panel (its measure, its hint and its map beside its bars).
DEFERRED_CHART_PX = 480
DEFERRED_PANEL_PX = 620


def in_columns(session: Session, columns: int) -> Session:
    """The session with its view as wide as one of `columns` charts side by side."""
    widths = session.column_widths
    if columns <= 1 or not widths:
        return session
    width = widths[min(columns, len(widths)) - 1]
    return dataclasses.replace(session, view=dataclasses.replace(session.view, width=width))


def chart_alt(session: Session, result: catalog.ChartResult, limit: int = 900) -> str:
    """The chart in words for a screen reader: title, what it shows, its values."""
    from dashboard import briefing

    notes = briefing.chart_notes(session.snapshot, result.data, session.lang)
    head = ". ".join(
        x
        for x in (briefing.plain_title(result.figure), briefing.plain_subtitle(result.figure))
        if x
    )
    text = f"{head}. {'; '.join(notes.figures)}".strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def downloads(
    session: Session,
    spec: catalog.ChartSpec,
    result: catalog.ChartResult,
    table: pd.DataFrame | None = None,
) -> None:
    """Image and data downloads in one menu, the table alternative beside it."""
    if table is None:
        table = export.provenance_table(session.snapshot, result.data, session.lang)
    _download_row(session, spec, result, table)


@st.fragment
def _download_row(
    session: Session, spec: catalog.ChartSpec, result: catalog.ChartResult, table: pd.DataFrame
) -> None:
    """A fragment: opening the menu or the table reruns this row only, not the page. The
    menu's buttons exist only while it is open (five buttons under every chart were a third of
    each rerun), and each is made again whenever the row or the page runs, so a button shown
    always points at a file the server still holds."""
    lang = session.lang
    left, right = st.columns([1, 3])
    menu = left.popover(
        t("download.button", lang),
        icon=":material/download:",
        key=f"dl_menu_{spec.id}",
        on_change="rerun",
    )
    if menu.open:
        with menu:
            download_buttons(session, spec, result, table)
    # The table alternative is drawn when asked for: a data grid on every chart made each view
    # load the grid's scripts beside Plotly's and slowed the first chart for everyone.
    if right.toggle(t("chart.table", lang), key=f"table_{spec.id}"):
        st.dataframe(table, hide_index=True, width="stretch")


def download_buttons(
    session: Session, spec: catalog.ChartSpec, result: catalog.ChartResult, table: pd.DataFrame
) -> None:
    """PNG (16:9, 4:3), SVG, CSV and XLSX of one chart; each file is made when its button is
    pressed."""
    snap, view = session.snapshot, session.view
    stem = export.chart_file_stem(result.figure, catalog.place_label(snap, view), snap.id)
    for label, fmt, aspect, suffix, mime in IMAGE_DOWNLOADS:
        st.download_button(
            label,
            lambda f=fmt, a=aspect: export.render_spec(snap, view, spec.id, f, aspect=a),
            f"{stem}{suffix}",
            mime,
            key=f"dl_{fmt}_{aspect}_{spec.id}",
            on_click="ignore",
            width="stretch",
        )
    st.download_button(
        "CSV",
        lambda: export.csv_bytes(table),
        f"{stem}.csv",
        "text/csv",
        key=f"dl_csv_{spec.id}",
        on_click="ignore",
        width="stretch",
    )
    st.download_button(
        "XLSX",
        lambda: export.xlsx_bytes(table),
        f"{stem}.xlsx",
        XLSX_MIME,
        key=f"dl_xlsx_{spec.id}",
        on_click="ignore",
        width="stretch",
    )


# --- built charts, shared by every session --------------------------------------------------------
# Building a chart (its queries, then plotly validating every property) is most of a page's script
# time, and one chart for one snapshot, place, language, height and options is the same for every
# session. So each is built once per process and the figure itself is shared: Streamlit only reads
# it (to serialise it), and nothing here changes a figure after it is built. The key holds the
# snapshot's fingerprint, so a changed snapshot is rebuilt; the boundaries file and the code are
# taken as fixed for the life of the process. A map is 0.1-0.3 MiB, so the bound keeps the cache
# under about 100 MiB even if every entry were a map.
CHART_CACHE_ENTRIES = 256


@dataclass(frozen=True)
class _Built:
    result: catalog.ChartResult  # read-only: shared by every session
    table: pd.DataFrame  # the provenance table (also read-only)
    alt: str = ""  # the chart in words, for screen readers
    sent: go.Figure | None = None  # the figure as Streamlit sends it (see _SentFigure)
    config: dict = field(default_factory=dict)  # plotly.js options: modebar, image file name
    # On a drilled view, for a chart of the city's figures only: the chart on screen is the
    # city's own (sent, alt, config), unchanged by the click, and this line says whose it is.
    city_note: str = ""


class _SentFigure(go.Figure):
    """A built figure as Streamlit reads it: `st.plotly_chart` asks a figure for `to_dict()` on
    every rerun, a deep copy with every array encoded again (about 40% of a rerun's time). This
    one made its dict once, when the chart was built, and hands out that same dict: Streamlit
    only reads it (to write the JSON it sends), and the dict, like the figure, is never changed
    after the build."""

    def __init__(self, figure: go.Figure) -> None:
        super().__init__()
        self._sent_dict = figure.to_dict()

    def to_dict(self) -> dict:
        return self._sent_dict


class _BuiltCharts:
    def __init__(self, size: int) -> None:
        self._items: OrderedDict[tuple, _Built] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, key: tuple) -> _Built | None:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return None

    def put(self, key: tuple, value: _Built) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_built_charts = _BuiltCharts(CHART_CACHE_ENTRIES)


def built_chart(
    session: Session, spec: catalog.ChartSpec, height: int, **options
) -> tuple[catalog.ChartResult, pd.DataFrame]:
    """The chart at this height (shared: not to be changed) and its provenance table."""
    built = _built(session, spec, height, **options)
    return built.result, built.table


def _built(session: Session, spec: catalog.ChartSpec, height: int | None, **options) -> _Built:
    snap, view = session.snapshot, session.view
    key = (snap.id, snap.fingerprint, spec.id, view, height, tuple(sorted(options.items())))
    built = _built_charts.get(key)
    if built is None:
        built = _build(session, spec, height, **options)
        _built_charts.put(key, built)
    return built


def _build(session: Session, spec: catalog.ChartSpec, height: int | None, **options) -> _Built:
    snap, view = session.snapshot, session.view
    result = spec.build(snap, view, **options)
    if height is not None:
        # Taller than asked where text wrapped on a narrow screen would squeeze the plot.
        result.figure.update_layout(height=fitted_height(result.figure, height))
    table = export.provenance_table(snap, result.data, view.lang)
    if view.drilled and catalog.whose_numbers(snap, view, result.data) == "city":
        # The same chart as on the city's view, so a district click leaves it as drawn; the
        # drilled result (its title and file names say whose figures these are) is downloaded.
        city = _built(_city_session(session), spec, height, **options)
        district = queries.geo_name(snap, view.district, view.lang)
        note = t(catalog.DRILL_TITLE_KEYS["city"], view.lang, district=district).rstrip(" ·")
        return _Built(result, table, city.alt, city.sent, city.config, note)
    config = plotly_config(spec.id, session)
    config["toImageButtonOptions"]["filename"] = export.chart_file_stem(
        result.figure, catalog.place_label(snap, view), snap.id
    )
    return _Built(result, table, chart_alt(session, result), _SentFigure(result.figure), config)


def _city_session(session: Session) -> Session:
    view = dataclasses.replace(session.view, district=schema.CITY_CODE)
    return Session(snapshot=session.snapshot, view=view)


# Tables shown on the data view, one per snapshot, language and filter choice: making the
# reader's table of 10,000 rows (and Arrow's copy of it) was most of that view's rerun.
TABLE_CACHE_ENTRIES = 32
_shown_tables = _BuiltCharts(TABLE_CACHE_ENTRIES)


def shown_table(snapshot: Snapshot, key: tuple, make) -> pa.Table:
    """The table `make()` returns, as the Arrow table Streamlit sends, made once per process for
    this snapshot and `key` (shared: not to be changed)."""
    full_key = (snapshot.id, snapshot.fingerprint, *key)
    table = _shown_tables.get(full_key)
    if table is None:
        table = pa.Table.from_pandas(make(), preserve_index=False)
        _shown_tables.put(full_key, table)
    return table


# A table on screen shows at most this many rows: a community-scale snapshot has millions, which
# would take most of a minute to send and could exceed the largest message the browser accepts.
TABLE_ROWS_SHOWN = 10_000

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_downloads(
    frame: pd.DataFrame,
    stem: str,
    key: str,
    lang: str,
    sheet: str = "data",
    columns: list[str] | None = None,
    reader=None,
) -> None:
    """CSV (UTF-8 with BOM) and XLSX of a table (these columns of it, or as `reader` makes it
    for a reader), neutralised against spreadsheet formulas. Nothing is copied or encoded until
    a button is pressed."""
    stem = export.readable_name(stem)

    def data() -> pd.DataFrame:
        if reader is not None:
            return reader(frame)
        return frame[columns] if columns else frame

    first, second, _ = st.columns([1, 1, 4])
    first.download_button(
        t("data.download_csv", lang),
        lambda: export.csv_bytes(data()),
        f"{stem}.csv",
        "text/csv",
        key=f"{key}_csv",
        on_click="ignore",
    )
    second.download_button(
        t("data.download_xlsx", lang),
        lambda: export.xlsx_bytes(data(), sheet),
        f"{stem}.xlsx",
        XLSX_MIME,
        key=f"{key}_xlsx",
        on_click="ignore",
    )


IMAGE_DOWNLOADS = (
    ("PNG 16:9 (1920×1080)", "png", "16:9", ".png", "image/png"),
    ("PNG 4:3 (1920×1440)", "png", "4:3", "_4x3.png", "image/png"),
    ("SVG", "svg", "16:9", ".svg", "image/svg+xml"),
)


def tile(session: Session, indicator_id: str, container=None) -> None:
    """A headline number with its unit, qualifier and period; source, status and quote on click."""
    target = container or st
    lang = session.lang
    geo = session.view.district if session.view.drilled else schema.CITY_CODE
    value = queries.latest(session.snapshot, indicator_id, geo)
    label = queries.indicator_name(session.snapshot, indicator_id, lang)
    if value is None and geo != schema.CITY_CODE:
        value = queries.latest(session.snapshot, indicator_id)
        label = f"{label} ({t('district.city_value', lang)})"
    definition = _definition(session, indicator_id)
    if value is None:
        target.metric(label, "–", help=f"{definition}\n\n{t('chart.no_data', lang)}".strip())
        return
    with target.container(border=True):
        period = value.period or t("prov.period_unstated", lang)
        st.metric(
            label,
            format_value(value.value, value.unit, lang, value.qualifier),
            help=f"{definition}\n\n{t('prov.period', lang)}: {period}".strip(),
        )
        provenance_popover(session, value)


def _definition(session: Session, indicator_id: str) -> str:
    """What a figure measures, in plain words (the indicator's description)."""
    meta = queries.meta(session.snapshot, indicator_id)
    return str(meta.get(f"description_{session.lang}", "") or "")


def _markdown_text(text: str) -> str:
    """Snapshot text shown through markdown, its special characters escaped."""
    for ch in "\\`*_{}[]()#+-.!|<>~$":
        text = text.replace(ch, "\\" + ch)
    return text


def provenance_popover(session: Session, value: queries.Value) -> None:
    """Source (a link where it has an address), status, period, the source's words, and a note
    written for the reader in the reader's language."""
    lang = session.lang
    with st.popover(t("prov.details", lang), icon=":material/info:"):
        st.markdown(f"**{t('prov.source', lang)}**")
        label = queries.source_label(session.snapshot, value.source_id, lang)
        row = queries.source_row(session.snapshot, value.source_id)
        url = str(row["url"]) if row is not None and row["url"] else ""
        if url.startswith(("https://", "http://")):
            st.markdown(f"[{_markdown_text(label)}]({url.replace(')', '%29')})")
        else:
            st.text(label)
        st.markdown(f"**{t('prov.status', lang)}**")
        st.text(t(f"status.{value.status}", lang))
        st.markdown(f"**{t('prov.period', lang)}**")
        st.text(value.period or t("prov.period_unstated", lang))
        if value.quote:
            st.markdown(f"**{t('prov.quote', lang)}**")
            st.text(f"“{value.quote}”")
        note = reader_note(
            {
                "note": value.note,
                "note_zh": getattr(value, "note_zh", ""),
                "note_en": getattr(value, "note_en", ""),
            },
            lang,
        )
        if note:
            st.markdown(f"**{t('prov.note', lang)}**")
            st.text(note)


def not_reported(session: Session, indicator_id: str) -> bool:
    """Say in place that an indicator has no district values; True when that is the case."""
    slot = st.empty()  # held on every view, so what follows keeps its place
    if session.view.drilled and not queries.latest(
        session.snapshot, indicator_id, session.view.district
    ):
        slot.info(
            f"{queries.indicator_name(session.snapshot, indicator_id, session.lang)}: "
            f"{t('district.not_reported', session.lang)}",
            icon=":material/info:",
        )
        return True
    return False


def district_panel(session: Session, topics: tuple[str, ...], key: str) -> None:
    """Map and ranked bars of one chosen measure, or a plain statement that none is by district."""
    lang = session.lang
    ids = catalog.district_indicators(session.snapshot, topics)
    if not ids:
        st.info(
            t("district.none_comparable", lang, n=queries.MIN_DISTRICTS_TO_COMPARE),
            icon=":material/info:",
        )
        return
    if session.first_paint and session.first_paint.charts:
        st.container(height=DEFERRED_PANEL_PX, border=False)  # the full run draws it here
        return
    chosen = st.selectbox(
        t("chart.value", lang),
        ids,
        key=f"{key}_measure",
        format_func=lambda i: queries.indicator_name(session.snapshot, i, lang),
    )
    st.caption(t("district.click_hint", lang))
    left, right = st.columns(2)
    with left:
        chart(session, catalog.chart(f"district-map-{chosen}"), columns=2)
    with right:
        chart(session, catalog.chart(f"district-bar-{chosen}"), columns=2)


def frame_table(frame: pd.DataFrame) -> None:
    st.dataframe(frame, hide_index=True, width="stretch")


# Static CSS only (no data ever goes through here): hide Streamlit's header, toolbar, sidebar and
# footer for the press-conference screen.
_PRESENT_CSS = """<style>
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
footer {display: none !important;}
.block-container {padding-top: 0.5rem !important; padding-bottom: 0 !important;
  max-width: 100% !important;}
</style>"""


_page_width = None


def page_width_probe() -> None:
    """The main column's width from the browser (in steps); the next run wraps charts to it."""
    global _page_width
    if _page_width is None:
        import streamlit.components.v1 as components

        folder = Path(__file__).resolve().parent / "page_width"
        _page_width = components.declare_component("page_width", path=str(folder))
    # The session's id tells the probe to speak again in a new session (after a reconnect to
    # another worker), though the page's width has not changed.
    ctx = get_script_run_ctx()
    with st.container(key="page_width_probe"):
        width = _page_width(key="page_width_value", default=None, session=session_tag(ctx))
    # The main column's width and a chart's share of it in 2, 3... columns (steps, see the page).
    reported = isinstance(width, list) and width and all(isinstance(w, int) for w in width)
    if reported and width != st.session_state.get("page_width"):
        st.session_state["page_width"] = width
        st.rerun()


def session_tag(ctx) -> str:
    """A short tag of the session, not its id."""
    import hashlib

    return hashlib.sha256(ctx.session_id.encode()).hexdigest()[:12] if ctx else ""


def hide_chrome() -> None:
    st.html(_PRESENT_CSS)
