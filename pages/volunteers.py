"""志愿服务 Volunteers: registered volunteers, groups, hours, people reporting to communities."""

import streamlit as st

from dashboard import catalog, ui

session = ui.current()
ui.page_header(session, "page.volunteers")

# 1. Headline tiles
ids = [
    "volunteers_registered",
    "volunteer_groups",
    "volunteer_service_hours",
    "party_members_reporting",
    "youth_league_members_reporting",
]
columns = st.columns(3)
for i, indicator_id in enumerate(ids):
    ui.tile(session, indicator_id, columns[i % 3])
ui.not_reported(session, "volunteers_registered")

# 2. Growth where sourced, and people reporting to their communities
left, right = st.columns(2)
with left:
    growth = catalog.trend_charts(session.snapshot, "volunteers")
    for spec in growth[:1] or [catalog.chart("trend-volunteers_registered")]:
        ui.chart(session, spec)
with right:
    ui.chart(session, catalog.chart("volunteers-reporting"))

# 3. Districts
ui.district_panel(session, ("volunteers",), key="volunteers")
