"""志愿服务 Volunteers: registered volunteers, groups, hours, people reporting to communities."""

import streamlit as st

from dashboard import catalog, ui

# The growth chart draws registered volunteers themselves (in any one registry's count), not
# groups or projects.
GROWTH_CHARTS = "trend-volunteers_registered"

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

# 2. Growth of registered volunteers, only where a later source gives a second year (the tile
# above already answers "how many"; an empty frame beside it would say nothing), and people
# reporting to their communities
growth = [
    s
    for s in catalog.trend_charts(session.snapshot, "volunteers")
    if s.id.startswith(GROWTH_CHARTS)
][:1]
charts = [*growth, catalog.chart("volunteers-reporting")]
for column, spec in zip(st.columns(len(charts)), charts, strict=True):
    with column:
        ui.chart(session, spec, columns=len(charts))

# 3. Districts
ui.district_panel(session, ("volunteers",), key="volunteers")
