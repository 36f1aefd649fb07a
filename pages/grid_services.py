"""网格与服务 Grid and services: grids and grid workers, 15-minute service circles, community
homes, the 350 m² office standard, committees with legal-person status."""

import streamlit as st

from dashboard import catalog, ui

SERVICE_TRENDS = (
    "trend-fifteen_minute_circles",
    "trend-fifteen_minute_circle_coverage",
    "trend-community_homes",
    "trend-grid_cells",
)

session = ui.current()
ui.page_header(session, "page.grid_services")

# 1. Headline tiles
ids = [
    "grid_cells",
    "grid_workers",
    "fifteen_minute_circles",
    "fifteen_minute_circle_coverage",
    "community_homes",
    "legal_person_committees",
]
columns = st.columns(3)
for i, indicator_id in enumerate(ids):
    ui.tile(session, indicator_id, columns[i % 3])
ui.not_reported(session, "grid_cells")

# 2. Charts
left, right = st.columns(2)
with left:
    ui.chart(session, catalog.chart("grid-workers"), columns=2)
with right:
    ui.chart(session, catalog.chart("office-space"), columns=2)
# Growth of the service network, where more than one year is sourced
growth = {s.id: s for s in catalog.trend_charts(session.snapshot, "grid_services")}
columns = st.columns(2)
for i, chart_id in enumerate(c for c in SERVICE_TRENDS if c in growth):
    with columns[i % 2]:
        ui.chart(session, growth[chart_id], columns=2)

# 3. Districts
ui.district_panel(session, ("grid_services", "trends"), key="grid")
