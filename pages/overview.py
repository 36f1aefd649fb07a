"""总览 Overview: headline figures with their sources, forty years in numbers, the ten firsts."""

import streamlit as st

from dashboard import catalog, ui
from dashboard.catalog import OVERVIEW_HEADLINES

session = ui.current()
ui.page_header(session, "page.overview")

# 1. Headline tiles
columns = st.columns(3)
for i, indicator_id in enumerate(OVERVIEW_HEADLINES):
    ui.tile(session, indicator_id, columns[i % 3])

# 2. Forty years in numbers and the ten firsts at a glance, one under the other at the main
# column's width: side by side each had half a laptop's column, too narrow for their labels.
# Each is as tall as its rows need at that width.
ui.chart(session, catalog.chart("forty-years"), height=None)
ui.chart(session, catalog.chart("ten-firsts"), height=None)
