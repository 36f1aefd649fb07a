"""演示 Presentation mode: one 16:9 scene at a time for a projector or big screen.

Arrow keys and Page Up / Page Down move between scenes, Esc leaves (back to the page the show was
started from). Speaker notes open in a popover, or in a second window that follows the scene.
"""

import dataclasses
import secrets
import time
from urllib.parse import urlencode

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard import catalog, presentation, ui
from dashboard.i18n import t

# Static CSS only; no data goes through st.html. Keys name the elements styled (st-key-*).
_CSS = """<style>
.block-container, [data-testid="stMainBlockContainer"] {padding: 0.3rem 1rem 0 1rem !important;}
.st-key-present_pgup, .st-key-present_pgdn {display: none !important;}
.st-key-present_prev button, .st-key-present_next button {min-height: 3rem; padding: 0 0.5rem;}
.st-key-present_prev button p, .st-key-present_next button p {font-size: 1.35rem;}
.st-key-present_counter p {font-size: 1.6rem; font-weight: 700; text-align: center;
  margin: 0.4rem 0;}
[data-testid="stMetricValue"] {font-size: 4.2rem !important; line-height: 1.15;}
[data-testid="stMetricLabel"] p {font-size: 1.5rem !important;}
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; height: auto !important;}
.st-key-present_scene h1 {font-size: 2.6rem !important; padding-top: 0.6rem;}
.st-key-present_scene [data-testid="stCaptionContainer"] p {font-size: 1.25rem;}
.st-key-present_milestones p {font-size: 1.5rem; line-height: 1.45; margin-bottom: 0.35rem;}
.st-key-present_notes p, .st-key-present_notes li {font-size: 1.35rem; line-height: 1.5;}
</style>"""
_DARK_CSS = """<style>
.stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] {background: #0B1220 !important;}
[data-testid="stMain"] h1, [data-testid="stMain"] h2, [data-testid="stMain"] h3,
[data-testid="stMain"] p, [data-testid="stMain"] li, [data-testid="stMain"] label,
[data-testid="stMain"] [data-testid="stMetricValue"],
[data-testid="stMain"] [data-testid="stMetricLabel"] {color: #F3F4F6 !important;}
[data-testid="stMain"] [data-testid="stCaptionContainer"] p {color: #CBD5E1 !important;}
[data-testid="stMain"] button, [data-testid="stMain"] a[data-testid="stBaseLinkButton-secondary"] {
  background: #1E293B !important; border-color: #475569 !important;}
[data-testid="stMain"] [data-testid="stVerticalBlockBorderWrapper"] {border-color: #334155;}
[data-testid="stMain"] [data-baseweb="select"] > div {background: #1E293B !important;
  border-color: #475569 !important; color: #F3F4F6 !important;}
[data-testid="stMain"] [data-baseweb="select"] svg {fill: #F3F4F6;}
</style>"""

SAMPLE_COLOUR = ":red"


def _md(text: object) -> str:
    """Text from the snapshot shown through markdown, with markdown's special characters escaped."""
    out = str(text)
    for ch in "\\`*_{}[]()#+-.!|<>~$":
        out = out.replace(ch, "\\" + ch)
    return out


def _go(delta: int, total: int) -> None:
    st.session_state["scene"] = presentation.step(st.session_state.get("scene", 1), total, delta)
    st.session_state["scene_started"] = time.monotonic()


def _leave() -> None:
    """Back to the view the show was started from: same page, language, snapshot and district."""
    ui._set_present(False)
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


def draw_headlines(snapshot, view, scene) -> None:
    figures = presentation.headline_figures(snapshot, view, scene)
    per_row = 3
    for start in range(0, len(figures), per_row):
        columns = st.columns(per_row)
        for column, figure in zip(columns, figures[start : start + per_row], strict=False):
            with column.container(border=True):
                st.metric(figure.label, figure.value)
                st.caption(figure.period)


def draw_milestones(snapshot, view) -> None:
    rows = presentation.milestone_rows(snapshot, view.lang)
    half = (len(rows) + 1) // 2
    with st.container(key="present_milestones"):
        columns = st.columns(2, gap="large")
        for column, part in zip(columns, (rows.iloc[:half], rows.iloc[half:]), strict=True):
            for row in part.itertuples():
                column.markdown(f"**{int(row.rank)}.** {_md(row.title)} · *{_md(row.year_text)}*")


def draw_scene(session, view, scene, number: int, total: int) -> None:
    snapshot, lang = session.snapshot, view.lang
    with st.container(key="present_scene"):
        if scene.kind == "chart":
            # Built once per process for this view and shared by every session (ui.built_chart),
            # so moving between scenes stays quick.
            scene_session = dataclasses.replace(session, view=view)
            spec = catalog.chart(scene.chart)
            fig = ui.built_chart(scene_session, spec, presentation.SCENE_HEIGHT)[0].figure
            st.plotly_chart(
                fig,
                theme=None,
                width="stretch",
                config={"displayModeBar": False, "responsive": True},
            )
            return
        st.title(scene.title(snapshot, view), anchor=False)
        place = catalog.place_label(snapshot, view)
        caption = f"{place} · {t('sidebar.as_of', lang, date=snapshot.as_of)}"
        if snapshot.is_sample:
            caption = f"{SAMPLE_COLOUR}[{t('sample.watermark', lang)}] · {caption}"
        st.caption(caption)
        if scene.kind == "headlines":
            draw_headlines(snapshot, view, scene)
        else:
            draw_milestones(snapshot, view)


def draw_notes(session, view, scene, number: int, total: int, scene_list) -> None:
    """What the presenter says: the scene's figures, the sources' own words, the sources."""
    snapshot, lang = session.snapshot, view.lang
    notes = presentation.scene_notes(snapshot, view, scene)
    with st.container(key="present_notes"):
        st.markdown(f"**{number} / {total} · {_md(scene.title(snapshot, view))}**")
        if number < total:
            st.caption(
                t("present.next_scene", lang, title=scene_list[number].title(snapshot, view))
            )
        else:
            st.caption(t("present.last_scene", lang))
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


def notes_link(number: int, token: str, theme: str) -> str:
    """This show's address (as the session keeps it) plus the notes switch and the follow token;
    keeping the session's own parameters means the notes window's first run leaves them as they
    are, so it still sees `notes` and `follow`."""
    params = st.query_params.to_dict()
    params.update({"present": "1", "scene": str(number), "notes": "1", "follow": token})
    params["theme"] = theme
    return "?" + urlencode(params)


def controls(session, view, scene_list, number: int, total: int, theme: str, token: str) -> None:
    lang = session.lang
    cols = st.columns([1.5, 0.9, 1.5, 1.4, 1.4, 1.0, 1.4, 1.6, 1.3], vertical_alignment="center")
    cols[0].button(
        f"◀ {t('present.prev', lang)}",
        key="present_prev",
        shortcut="Left",
        on_click=_go,
        args=(-1, total),
        disabled=number <= 1,
        width="stretch",
    )
    with cols[1].container(key="present_counter"):
        st.markdown(f"{number} / {total}")
    cols[2].button(
        f"{t('present.next', lang)} ▶",
        key="present_next",
        shortcut="Right",
        on_click=_go,
        args=(1, total),
        disabled=number >= total,
        width="stretch",
    )
    # Presenter clickers send Page Up / Page Down; these twins are hidden.
    cols[0].button("PageUp", key="present_pgup", shortcut="PageUp", on_click=_go, args=(-1, total))
    cols[2].button(
        "PageDown", key="present_pgdn", shortcut="PageDown", on_click=_go, args=(1, total)
    )
    cols[3].toggle(t("present.dark", lang), key="present_dark")
    cols[4].toggle(t("present.auto", lang), key="present_auto", on_change=_restart_timer)
    cols[5].selectbox(
        t("present.interval", lang),
        presentation.AUTO_INTERVALS,
        index=presentation.AUTO_INTERVALS.index(presentation.DEFAULT_INTERVAL),
        key="present_interval",
        label_visibility="collapsed",
        format_func=lambda s: f"{s} s",
        disabled=not st.session_state.get("present_auto"),
    )
    with cols[6].popover(t("present.notes", lang), width="stretch"):
        draw_notes(session, view, scene_list[number - 1], number, total, scene_list)
        st.caption(t("present.keys", lang))
    cols[7].link_button(
        t("present.notes_window", lang),
        notes_link(number, token, theme),
        width="stretch",
    )
    cols[8].button(
        t("present.exit", lang),
        key="present_exit",
        shortcut="Esc",
        on_click=_leave,
        width="stretch",
    )


def autoplay(number: int, total: int) -> None:
    """Move on every chosen interval, looping at the end (a kiosk screen)."""
    interval = int(st.session_state.get("present_interval", presentation.DEFAULT_INTERVAL))

    @st.fragment(run_every=interval)
    def tick() -> None:
        started = st.session_state.setdefault("scene_started", time.monotonic())
        if time.monotonic() - started >= interval - 0.5:
            st.session_state["scene"] = number % total + 1
            st.session_state["scene_started"] = time.monotonic()
            st.rerun(scope="app")

    tick()


def notes_window(session, view, scene_list, number: int, total: int) -> None:
    """A presenter view for a second screen, following the show by its token."""
    lang = session.lang
    token = st.session_state.get("present_follow", "")
    followed = presentation.BOARD.read(token)
    st.caption(t("present.notes_follow" if followed else "present.notes_alone", lang))
    draw_notes(session, view, scene_list[number - 1], number, total, scene_list)
    cols = st.columns([1, 1, 4])
    cols[0].button(f"◀ {t('present.prev', lang)}", key="notes_prev", on_click=_go, args=(-1, total))
    cols[1].button(f"{t('present.next', lang)} ▶", key="notes_next", on_click=_go, args=(1, total))

    if followed:

        @st.fragment(run_every=2)
        def follow() -> None:
            found = presentation.BOARD.read(token)
            if found and found[0] != st.session_state.get("scene"):
                st.session_state["scene"] = presentation.clamp(found[0], total)
                st.rerun(scope="app")

        follow()


session = ui.current()
lang = session.lang
snapshot = session.snapshot
st.html(_CSS)
_remember_return_page()

# Settings read once from the link: a notes window, and the show it follows.
if "present_notes_view" not in st.session_state:
    st.session_state["present_notes_view"] = st.query_params.get("notes") == "1"
    st.session_state["present_follow"] = st.query_params.get("follow", "")
st.session_state.setdefault("present_dark", st.session_state.get("theme", "dark") != "light")
theme = "dark" if st.session_state["present_dark"] else "light"
st.session_state["theme"] = theme
if theme == "dark":
    st.html(_DARK_CSS)

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
    presentation.BOARD.publish(token, number, snapshot.id, lang, session.view.district)
    draw_scene(session, view, scene_list[number - 1], number, total)
    controls(session, view, scene_list, number, total, theme, token)
    if st.session_state.get("present_auto"):
        autoplay(number, total)
