"""四十年的故事 The forty-year story: the eras and turning points the speaker names, the dated ten
firsts and every dated figure on one time axis, each with its quote and source, and a plain
statement of what was never published as a yearly series."""

import streamlit as st

from dashboard import catalog, queries, ui
from dashboard.i18n import t

session = ui.current()
lang, snapshot = session.lang, session.snapshot
ui.page_header(session, "page.forty_years")

# 1. The story on one axis; its subtitle says what was never published as a yearly series.
# Its height follows its rows, so it is drawn at its own height.
result = ui.chart(session, catalog.chart("forty-year-story"), height=None)

# 2. Every era and turning point in the speaker's words
rows = result.data
title = f"title_{lang}"


def source_line(source_id: str) -> str:
    row = queries.source_row(snapshot, source_id)
    label = queries.source_label(snapshot, source_id, lang)
    return t("story.source", lang, source=label, title=row["title"] if row is not None else "")


story = snapshot.story.set_index("key")
left, right = st.columns(2)
with left:
    st.subheader(t("story.eras_heading", lang))
    for key, era in story[story["kind"] == "era"].iterrows():
        end = "" if era["end_year"] is None or str(era["end_year"]) == "<NA>" else era["end_year"]
        with st.container(border=True, key=f"story_{key}"):
            st.markdown(f"**{era['year']}—{end or t('story.to_date', lang)} · {era[title]}**")
            st.write(era[f"summary_{lang}"])
            st.text(f"“{era['quote']}”")
            st.caption(f"{era[f'year_note_{lang}']} · {source_line(era['source_id'])}")
with right:
    st.subheader(t("story.points_heading", lang))
    points = story[story["kind"] == "turning_point"]
    for key, point in points.iterrows():
        end = point["end_year"]
        years = f"{point['year']}" + ("" if str(end) == "<NA>" else f"—{end}")
        with st.container(border=True, key=f"story_{key}"):
            st.markdown(f"**{years} · {point[title]}**")
            st.text(f"“{point['quote']}”")
            note = point[f"year_note_{lang}"] or t(f"story.year_basis.{point['year_basis']}", lang)
            st.caption(f"{note} · {source_line(point['source_id'])}")
