"""总览 Overview: headline figures with their sources, the ten firsts, forty years in numbers."""

import streamlit as st

from dashboard import catalog, ui
from dashboard.catalog import OVERVIEW_HEADLINES

session = ui.current()
ui.page_header(session, "page.overview")

# 1. Headline tiles
columns = st.columns(3)
for i, indicator_id in enumerate(OVERVIEW_HEADLINES):
    ui.tile(session, indicator_id, columns[i % 3])

# 2. Forty years in numbers and the ten firsts at a glance
left, right = st.columns(2)
with left:
    ui.chart(session, catalog.chart("forty-years"))
with right:
    ui.chart(session, catalog.chart("ten-firsts"))
