"""社区与村 Communities and villages: every district's committees and townships in each edition
of the statistics bureau's division codes, 2016-2023."""

import streamlit as st

from dashboard import catalog, queries, ui
from dashboard.formatting import format_value
from dashboard.i18n import t

session = ui.current()
lang = session.lang
snapshot = session.snapshot
ui.page_header(session, "page.communities")
st.caption(t("divisions.intro", lang))

available = [i for i in catalog.DIVISION_MEASURES if queries.has_district_data(snapshot, i)]
if not available:
    st.info(t("district.not_reported", lang), icon=":material/info:")
    st.stop()

# 1. The place's move from villages to communities, and the check against the press conference
ui.chart(session, catalog.chart("communities-shift"), height=460)
# The 2018 edition (cut-off 2018-10-31) is the one nearest the press conference of 2019-01-09.
EDITION_2018, PRESS_DAY = "2018-10-31", "2019-01-09"


def value_on(indicator_id: str, period: str) -> str | None:
    rows = queries.series(snapshot, indicator_id)
    rows = rows[rows["period"] == period]
    return format_value(rows["value"].iloc[0], "count", lang) if len(rows) else None


check = {
    "villagers": value_on("division_villagers_committees", EDITION_2018),
    "residents": value_on("division_residents_committees", EDITION_2018),
    "press_villagers": value_on("village_committees", PRESS_DAY),
    "press_residents": value_on("residents_committees", PRESS_DAY),
}
if all(check.values()):
    st.caption(t("divisions.check_2018", lang, **check))

# 2. The latest edition by district: map and ranked bars of the chosen kind; a click drills down
chosen = st.selectbox(
    t("divisions.measure", lang),
    available,
    key="communities_measure",
    format_func=lambda i: queries.indicator_name(snapshot, i, lang),
)
st.caption(t("district.click_hint", lang))
left, right = st.columns(2)
with left:
    ui.chart(session, catalog.chart(f"district-map-{chosen}"), height=620, columns=2)
with right:
    ui.chart(session, catalog.chart(f"district-bar-{chosen}"), columns=2)

# 3. A line per district over the editions, the selected district in its own colour
left, right = st.columns(2)
with left:
    ui.chart(session, catalog.chart("communities-lines-residents"), height=460, columns=2)
with right:
    ui.chart(session, catalog.chart("communities-lines-villagers"), height=460, columns=2)
