"""十个一 Ten firsts: a timeline by year and category; selecting a milestone shows its summary,
quote and source."""

import streamlit as st

from dashboard import catalog, queries, ui
from dashboard.i18n import t

session = ui.current()
lang = session.lang
ui.page_header(session, "page.ten_firsts")
milestones = session.snapshot.milestones

# 1. Which milestone is selected (by click on the timeline or from the list)
ranks = [int(r) for r in milestones["rank"]]
titles = dict(zip(ranks, milestones[f"title_{lang}"], strict=True))
selected = st.session_state.get("ten_firsts_rank", ranks[0])


def _on_timeline_select() -> None:
    points = (st.session_state.get("chart_ten-firsts") or {}).get("selection", {}).get("points", [])
    for point in points:
        rank = point.get("customdata")
        if isinstance(rank, int) and rank in ranks:
            st.session_state["ten_firsts_rank"] = rank


# Its height follows its wrapped row labels.
ui.chart(
    session,
    catalog.chart("ten-firsts"),
    height=None,
    on_select=_on_timeline_select,
    selected_rank=selected,
)

# 2. The selected milestone in full
st.radio(
    t("page.ten_firsts", lang),
    ranks,
    key="ten_firsts_rank",
    horizontal=True,
    format_func=lambda r: f"{r}. {titles[r]}",
)
row = milestones[milestones["rank"] == st.session_state["ten_firsts_rank"]].iloc[0]
with st.container(border=True):
    st.subheader(f"{int(row['rank'])}. {row[f'title_{lang}']}")
    year = (
        f"{int(row['year'])}"
        if row["year"] is not None and str(row["year"]) != "<NA>"
        else t("prov.period_unstated", lang)
    )
    st.caption(f"{t('prov.period', lang)}: {row['date'] or year}")
    st.write(row[f"summary_{lang}"])
    st.markdown(f"**{t('prov.quote', lang)}**")
    st.text(f"“{row['quote']}”")
    st.caption(
        f"{t('prov.source', lang)}: "
        f"{queries.source_label(session.snapshot, row['source_id'], lang)}"
    )
