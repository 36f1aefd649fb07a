"""演示 Presentation mode: one 16:9 scene at a time for a projector or big screen.

The audience screen shows the scene and nothing else. Before the show starts, a ready screen
holds the settings (theme, auto-advance), the presenter window link and, for sample data, a
confirmation. During the show the presenter drives it by keyboard or clicker: → / PageDown /
Space next, ← / PageUp previous, Home / End first and last, B black screen, Esc leaves (back
to the page the show was started from). The presenter window (notes, next scene, clock, scene
list) follows the show and can move it.
"""

import secrets
import time
from urllib.parse import urlencode

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard import catalog, presentation, ui
from dashboard.i18n import t

STAGE_COLOURS = {
    "dark": ("#0B1220", "#F3F4F6", "#CBD5E1"),
    "light": ("#FFFFFF", "#1F2937", "#4B5563"),
}

# Static CSS only: no data goes through st.html. Keys name the elements styled (st-key-*).
# The stage is a 1280x720 box scaled to the window by the script below, so every scene is laid
# out once, at projector size, and grows with the screen.
_STAGE_CSS = """<style>
html, body, .stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] {
  overflow: hidden !important; background: {bg} !important;}
[data-testid="stMainBlockContainer"], .block-container {padding: 0 !important;
  max-width: none !important;}
[class*="st-key-present_stage"] {position: fixed !important; left: 0; top: 0; z-index: 5;
  width: 1280px !important; height: 720px !important; overflow: hidden; box-sizing: border-box;
  transform-origin: 0 0; background: {bg};
  transform: translate(var(--stage-x, 0px), var(--stage-y, 0px)) scale(var(--stage-scale, 1));}
.st-key-present_stage_text {padding: 28px {pad} 0 {pad}; gap: 0.9rem; flex-wrap: nowrap;}
.st-key-present_stage_chart {padding-left: {inset} !important;}
.st-key-present_stage_black {background: #000 !important;}
.st-key-present_keys, .st-key-present_script {display: none !important;}
.stale-element, [data-stale="true"] {opacity: 1 !important; transition: none !important;}
[class*="st-key-present_stage"] h1 {font-size: 44px !important; line-height: 1.2;
  padding: 0 !important; color: {text} !important;}
[class*="st-key-present_stage"] p, [class*="st-key-present_stage"] li,
[class*="st-key-present_stage"] [data-testid="stMetricValue"],
[class*="st-key-present_stage"] [data-testid="stMetricLabel"] {color: {text} !important;}
.st-key-present_place p {font-size: 20px !important; color: {muted} !important; margin: 0;}
[class*="st-key-present_stage"] [data-testid="stVerticalBlockBorderWrapper"],
[class*="st-key-present_stage"] [data-testid="stVerticalBlock"][class*="st-key-present_card"] {
  border-color: {muted}55 !important;}
[class*="st-key-present_card"] {padding: 14px 18px !important;}
[class*="st-key-present_stage"] [data-testid="stMetricValue"] {font-size: 60px !important;
  line-height: 1.15;}
[class*="st-key-present_card_long"] [data-testid="stMetricValue"] {font-size: 46px !important;}
[class*="st-key-present_stage"] [data-testid="stMetricValue"] *,
[class*="st-key-present_stage"] [data-testid="stMetricLabel"],
[class*="st-key-present_stage"] [data-testid="stMetricLabel"] * {white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; height: auto !important;}
[class*="st-key-present_stage"] [data-testid="stMetricLabel"] p {font-size: 22px !important;
  line-height: 1.3;}
[class*="st-key-present_period"] p {font-size: 18px !important; color: {muted} !important;}
[class*="st-key-present_card"] {min-height: 236px; justify-content: center;}
[class*="st-key-present_milestones"] {margin-top: 12px;}
[class*="st-key-present_milestones"] p {font-size: 27px !important; line-height: 1.35;
  margin: 0 0 26px 0;}
/* The Chinese titles are short: larger type fills the screen as the English ones do. */
.st-key-present_milestones_zh p {font-size: 30px !important; margin-bottom: 30px;}
.st-key-present_undated p {font-size: 18px !important; color: {muted} !important;}
.st-key-present_source {position: fixed !important; left: {pad}; bottom: 22px;
  width: 1192px !important;}
.st-key-present_source p {font-size: 16px !important; line-height: 1.35;
  color: {muted} !important; margin: 0;}
.st-key-present_counter {position: fixed !important; width: 1px; height: 1px; overflow: hidden;
  clip-path: inset(50%); white-space: nowrap;}
.st-key-present_watermark {position: fixed !important; inset: 0; z-index: 20;
  pointer-events: none; display: flex; align-items: center; justify-content: center;}
.st-key-present_watermark p {font-size: 110px !important; font-weight: 800;
  color: rgba(220, 38, 38, 0.30) !important; transform: rotate(-29deg); white-space: nowrap;
  margin: 0; letter-spacing: 0.04em;}
</style>"""

# Fits the stage to the window (kept on resize), names the tab and the page's language.
_STAGE_SCRIPT = """<script>
(() => {
  const root = document.documentElement;
  root.lang = %(lang)s;
  // The pages' title keeper (dashboard/ui.py) puts back whatever dashboardTitle holds.
  window.dashboardTitle = %(title)s;
  document.title = window.dashboardTitle;
  if (window.presentStageFit) return;
  window.presentStageFit = () => {
    const scale = Math.min(innerWidth / %(w)d, innerHeight / %(h)d);
    root.style.setProperty("--stage-scale", scale);
    root.style.setProperty("--stage-x", (innerWidth - %(w)d * scale) / 2 + "px");
    root.style.setProperty("--stage-y", (innerHeight - %(h)d * scale) / 2 + "px");
  };
  window.presentStageFit();
  addEventListener("resize", window.presentStageFit);
})();
</script>"""

# The presenter's clock: time since the show began, ticking in the browser between reruns.
_CLOCK = """<div class="present-clock" role="timer" aria-label=%(label)s>--:--</div>
<script>
(() => {
  const started = Date.now() - %(elapsed)d * 1000;
  clearInterval(window.presentClock);
  const tick = () => {
    const s = Math.max(0, Math.floor((Date.now() - started) / 1000));
    const two = n => String(n).padStart(2, "0");
    const text = two(Math.floor(s / 60)) + ":" + two(s %% 60);
    document.querySelectorAll(".present-clock").forEach(e => { e.textContent = text; });
  };
  tick();
  window.presentClock = setInterval(tick, 1000);
})();
</script>
<style>.present-clock {font-size: 2.4rem; font-weight: 700; font-variant-numeric: tabular-nums;}
</style>"""

# Longer values than this are set smaller on a headline card.
LONG_VALUE_CHARS = 13

# Keys the presenter (and a clicker) uses; each is a button nobody sees.
KEYS = (
    ("present_prev", "Left", -1),
    ("present_next", "Right", 1),
    ("present_pgup", "PageUp", -1),
    ("present_pgdn", "PageDown", 1),
    ("present_up", "Up", -1),
    ("present_down", "Down", 1),
    ("present_space", "Space", 1),
)


def _md(text: object) -> str:
    """Text from the snapshot shown through markdown, with markdown's special characters escaped."""
    out = str(text)
    for ch in "\\`*_{}[]()#+-.!|<>~$":
        out = out.replace(ch, "\\" + ch)
    return out


def _token() -> str:
    return st.session_state.get("present_token") or st.session_state.get("present_follow", "")


def _show_scene(number: int) -> None:
    """Move this window to a scene and tell the other window of the same show."""
    st.session_state["scene"] = number
    st.session_state["scene_started"] = time.monotonic()
    presentation.BOARD.move(_token(), number)


def _go(delta: int, total: int) -> None:
    _show_scene(presentation.step(st.session_state.get("scene", 1), total, delta))


def _jump(number: int, total: int) -> None:
    _show_scene(presentation.clamp(number, total))


def _toggle_black() -> None:
    st.session_state["present_black"] = not st.session_state.get("present_black", False)


def _start() -> None:
    st.session_state["present_started"] = True
    st.session_state["present_black"] = False
    st.session_state["scene_started"] = time.monotonic()


def _leave() -> None:
    """Back to the view the show was started from: same page, language, snapshot and district."""
    ui._set_present(False)
    for key in ("present_started", "present_black"):
        st.session_state.pop(key, None)
    target = st.session_state.pop("present_return", None)
    ctx = get_script_run_ctx()
    if target and ctx:
        # The page the browser asked for when the show began; the rerun that follows resolves to
        # it instead of the default page (what st.switch_page does for a page it can see).
        ctx.pages_manager.set_script_intent(*target)


def _restart_timer() -> None:
    st.session_state["scene_started"] = time.monotonic()


def _remember_return_page() -> None:
    if "present_return" in st.session_state:
        return
    ctx = get_script_run_ctx()
    manager = ctx.pages_manager if ctx else None
    if manager is not None:
        page = (manager.intended_page_script_hash or "", manager.intended_page_name or "")
        st.session_state["present_return"] = page


def page_script(lang: str, title: str) -> None:
    with st.container(key="present_script"):
        st.html(
            _STAGE_SCRIPT
            % {
                "lang": ui.script_json("zh-CN" if lang == "zh" else "en"),
                "title": ui.script_json(title),
                "w": presentation.STAGE_WIDTH,
                "h": presentation.STAGE_HEIGHT,
            }
            + ui.streamlit_words(),
            unsafe_allow_javascript=True,
        )


def stage_css(theme: str) -> str:
    bg, text, muted = STAGE_COLOURS[theme]
    css = _STAGE_CSS
    values = {
        "{bg}": bg,
        "{text}": text,
        "{muted}": muted,
        "{pad}": f"{presentation.STAGE_PAD}px",
        "{inset}": f"{presentation.CHART_INSET}px",
    }
    for name, value in values.items():
        css = css.replace(name, value)
    return css


# --- the audience screen -----------------------------------------------------------------------


def draw_headlines(snapshot, view, scene) -> None:
    figures = presentation.headline_figures(snapshot, view, scene)
    per_row = 3
    for start in range(0, len(figures), per_row):
        columns = st.columns(per_row, gap="medium")
        for column, figure in zip(columns, figures[start : start + per_row], strict=False):
            # A long value ("> 300 million h") takes a smaller size so it stays on one line.
            size = "long" if len(figure.value) > LONG_VALUE_CHARS else "short"
            key = f"present_card_{size}_{start}_{figure.label}"[:60]
            with column.container(border=True, key=key):
                st.metric(figure.label, figure.value)
                with st.container(key=f"present_period_{start}_{figure.label}"[:60]):
                    st.markdown(_md(figure.period))


def draw_milestones(snapshot, view) -> None:
    rows = presentation.milestone_rows(snapshot, view.lang)
    half = (len(rows) + 1) // 2
    with st.container(key=f"present_milestones_{view.lang}"):
        columns = st.columns(2, gap="medium")
        for column, part in zip(columns, (rows.iloc[:half], rows.iloc[half:]), strict=True):
            for row in part.itertuples():
                # No break before the year: it stays with the title's last word.
                year = f"\u00a0·\u00a0**{_md(row.year_text)}**" if row.year_text else ""
                column.markdown(f"**{int(row.rank)}.** {_md(row.title)}{year}")
    if (rows["year_text"] == "").any():
        with st.container(key="present_undated"):
            st.markdown(_md(t("present.undated_note", view.lang)))


def draw_scene(session, view, scene) -> None:
    snapshot, lang = session.snapshot, view.lang
    if scene.kind == "chart":
        with st.container(key="present_stage_chart"):
            st.image(
                presentation.scene_svg(snapshot, view, scene),
                width=presentation.CHART_WIDTH,
                alt=presentation.scene_alt(snapshot, view, scene),
            )
            watermark(snapshot, lang)
        return
    with st.container(key="present_stage_text"):
        st.title(scene.title(snapshot, view), anchor=False)
        with st.container(key="present_place"):
            place = catalog.place_label(snapshot, view)
            st.markdown(_md(f"{place} · {t('sidebar.as_of', lang, date=snapshot.as_of)}"))
        if scene.kind == "headlines":
            draw_headlines(snapshot, view, scene)
        else:
            draw_milestones(snapshot, view)
        with st.container(key="present_source"):
            st.markdown(_md(presentation.source_line(snapshot, view, scene)))
        watermark(snapshot, lang)


def watermark(snapshot, lang: str) -> None:
    """Across the whole screen on every scene of a sample show."""
    if snapshot.is_sample:
        with st.container(key="present_watermark"):
            st.markdown(_md(t("sample.watermark", lang)))


def keys(total: int, number: int) -> None:
    """The presenter's keys, as buttons nobody sees (Streamlit's shortcuts need a button)."""
    lang = st.session_state.get("lang", "zh")
    with st.container(key="present_keys"):
        for key, shortcut, delta in KEYS:
            st.button(key, key=key, shortcut=shortcut, on_click=_go, args=(delta, total))
        st.button("Home", key="present_home", shortcut="Home", on_click=_jump, args=(1, total))
        st.button("End", key="present_end", shortcut="End", on_click=_jump, args=(total, total))
        st.button("B", key="present_blank", shortcut="B", on_click=_toggle_black)
        st.button(t("present.exit", lang), key="present_exit", shortcut="Esc", on_click=_leave)


def follow_board(total: int) -> None:
    """Follow the presenter window (and move on by itself when auto-advance is on)."""
    interval = int(st.session_state.get("present_interval", presentation.DEFAULT_INTERVAL))
    auto = bool(st.session_state.get("present_auto"))

    @st.fragment(run_every=1)
    def poll() -> None:
        found = presentation.BOARD.read(_token())
        number = st.session_state.get("scene", 1)
        if found and found.scene != number:
            st.session_state["scene"] = presentation.clamp(found.scene, total)
            st.session_state["scene_started"] = time.monotonic()
            st.rerun(scope="app")
        started = st.session_state.setdefault("scene_started", time.monotonic())
        if auto and time.monotonic() - started >= interval - 0.5:
            _show_scene(number % total + 1)
            st.rerun(scope="app")

    poll()


def show(session, view, scene_list, number: int, total: int) -> None:
    snapshot = session.snapshot
    scene = scene_list[number - 1]
    page_script(view.lang, f"{number}/{total} · {scene.title(snapshot, view)}")
    if st.session_state.get("present_black"):
        st.container(key="present_stage_black").empty()
    else:
        draw_scene(session, view, scene)
    with st.container(key="present_counter"):
        st.markdown(f"{number} / {total}")
    keys(total, number)
    follow_board(total)


# --- before the show: the ready screen ---------------------------------------------------------


def presenter_link(number: int, token: str, theme: str) -> str:
    """This show's address plus the presenter switch and the follow token."""
    params = st.query_params.to_dict()
    params.update({"present": "1", "scene": str(number), "notes": "1", "follow": token})
    params["theme"] = theme
    return "?" + urlencode(params)


def ready_screen(session, view, scene_list, number: int, theme: str, token: str) -> None:
    lang, snapshot = session.lang, session.snapshot
    page_script(lang, f"{t('present.ready_title', lang)} · {t('app.title', lang)}")
    st.html(ui.READABLE_CSS)
    st.title(t("present.ready_title", lang), anchor=False)
    place = catalog.place_label(snapshot, view)
    st.caption(
        f"{ui.snapshot_label(snapshot.id, lang)} · {place} · "
        + t("present.scene_count", lang, count=len(scene_list))
    )
    confirmed = True
    if snapshot.is_sample:
        st.error(t("sample.banner", lang), icon=":material/science:")
        confirmed = st.checkbox(t("present.sample_confirm", lang), key="present_sample_ok")
    cols = st.columns(3, vertical_alignment="center")
    cols[0].toggle(t("present.dark", lang), key="present_dark")
    cols[1].toggle(t("present.auto", lang), key="present_auto", on_change=_restart_timer)
    cols[2].selectbox(
        t("present.interval", lang),
        presentation.AUTO_INTERVALS,
        index=presentation.AUTO_INTERVALS.index(presentation.DEFAULT_INTERVAL),
        key="present_interval",
        format_func=lambda s: t("present.seconds", lang, n=s),
        disabled=not st.session_state.get("present_auto"),
    )
    st.markdown(t("present.keys", lang))
    cols = st.columns(3)
    cols[0].button(
        t("present.start", lang),
        key="present_start",
        type="primary",
        on_click=_start,
        disabled=not confirmed,
        icon=":material/play_arrow:",
        width="stretch",
    )
    cols[1].link_button(
        t("present.notes_window", lang),
        presenter_link(number, token, theme),
        icon=":material/open_in_new:",
        width="stretch",
    )
    cols[2].button(
        t("present.exit", lang),
        key="present_exit",
        shortcut="Esc",
        on_click=_leave,
        width="stretch",
    )
    st.caption(t("present.notes_hint", lang))
    st.markdown(
        "\n".join(f"{i}. {_md(s.title(snapshot, view))}" for i, s in enumerate(scene_list, start=1))
    )


# --- the presenter window ----------------------------------------------------------------------


def draw_notes(session, view, scene) -> None:
    """What the presenter says: the scene's figures, the sources' own words, the sources."""
    snapshot, lang = session.snapshot, view.lang
    notes = presentation.scene_notes(snapshot, view, scene)
    with st.container(key="present_notes"):
        if notes.figures:
            st.markdown(f"**{t('pack.figures', lang)}**")
            st.markdown("\n".join(f"- {_md(f)}" for f in notes.figures))
        st.markdown(f"**{t('pack.quotes', lang)}**")
        if notes.quotes:
            st.markdown("\n".join(f"- {_md(x)}" for x in notes.quotes))
        else:
            st.caption(t("present.no_quotes", lang))
        if notes.sources:
            st.markdown(f"**{t('pack.sources', lang)}**")
            lines = [
                f"- {_md(s.label())}" + (f"  \n  `{s.url}`" if s.url else "") for s in notes.sources
            ]
            st.markdown("\n".join(lines))


def notes_window(session, view, scene_list, number: int, total: int) -> None:
    """A presenter view for a second screen: follows the show by its token and can move it."""
    lang, snapshot = session.lang, session.snapshot
    token = st.session_state.get("present_follow", "")
    found = presentation.BOARD.read(token)
    scene = scene_list[number - 1]
    page_script(lang, f"{t('present.notes', lang)} · {number}/{total}")
    st.html(ui.READABLE_CSS)
    st.caption(t("present.notes_follow" if found else "present.notes_alone", lang))
    head = st.columns([4, 1, 1, 1.2], vertical_alignment="center")
    with head[0].container(key="present_counter"):
        st.markdown(f"**{number} / {total}** · {_md(scene.title(snapshot, view))}")
    head[1].button(
        f"◀ {t('present.prev', lang)}",
        key="notes_prev",
        on_click=_go,
        args=(-1, total),
        disabled=number <= 1,
        width="stretch",
    )
    head[2].button(
        f"{t('present.next', lang)} ▶",
        key="notes_next",
        on_click=_go,
        args=(1, total),
        disabled=number >= total,
        width="stretch",
    )
    elapsed = int(time.time() - found.started) if found else 0
    with head[3]:
        st.html(
            _CLOCK % {"elapsed": int(elapsed), "label": ui.script_json(t("present.clock", lang))},
            unsafe_allow_javascript=True,
        )
    left, right = st.columns([2, 1], gap="large")
    with left:
        draw_notes(session, view, scene)
    with right:
        if number < total:
            st.markdown(
                t("present.next_scene", lang, title=_md(scene_list[number].title(snapshot, view)))
            )
        else:
            st.markdown(t("present.last_scene", lang))
        st.markdown(f"**{t('present.scene_list', lang)}**")
        for i, item in enumerate(scene_list, start=1):
            st.button(
                f"{i}. {item.title(snapshot, view)}",
                key=f"notes_jump_{i}",
                on_click=_jump,
                args=(i, total),
                type="primary" if i == number else "secondary",
                width="stretch",
            )

    if found:

        @st.fragment(run_every=1)
        def follow() -> None:
            now = presentation.BOARD.read(token)
            if now and now.scene != st.session_state.get("scene"):
                st.session_state["scene"] = presentation.clamp(now.scene, total)
                st.rerun(scope="app")

        follow()


session = ui.current()
lang = session.lang
snapshot = session.snapshot
_remember_return_page()

# Settings read once from the link: a presenter window, and the show it follows.
if "present_notes_view" not in st.session_state:
    st.session_state["present_notes_view"] = st.query_params.get("notes") == "1"
    st.session_state["present_follow"] = st.query_params.get("follow", "")
st.session_state.setdefault("present_dark", st.session_state.get("theme", "dark") != "light")
theme = "dark" if st.session_state["present_dark"] else "light"
st.session_state["theme"] = theme

view = catalog.View(lang=lang, district=session.view.district, theme=theme, medium="present")
scene_list = presentation.scenes(snapshot)
total = len(scene_list)
number = presentation.clamp(st.session_state.get("scene", 1), total)
if number != session.scene:
    st.session_state["scene"] = session.scene = number
    ui.sync_link(session)
if st.query_params.get("theme") != theme:
    st.query_params["theme"] = theme

if not scene_list:
    st.info(t("present.no_scenes", lang))
    st.button(t("present.exit", lang), key="present_exit", shortcut="Esc", on_click=_leave)
elif st.session_state["present_notes_view"]:
    notes_window(session, view, scene_list, number, total)
else:
    token = st.session_state.setdefault("present_token", secrets.token_urlsafe(12))
    if not presentation.BOARD.read(token):
        presentation.BOARD.publish(token, number, snapshot.id, lang, session.view.district)
    if st.session_state.get("present_started"):
        st.html(stage_css(theme))
        show(session, view, scene_list, number, total)
    else:
        ready_screen(session, view, scene_list, number, theme, token)
