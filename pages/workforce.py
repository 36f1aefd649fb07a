"""社区工作者 Community workforce: size, age, education, certification, pay, district pay rules."""

import streamlit as st

from dashboard import catalog, ui

session = ui.current()
ui.page_header(session, "page.workforce")

# 1. Headline tiles
ids = [
    "community_workers",
    "community_worker_avg_age",
    "community_workers_college_share",
    "certified_social_workers",
    "community_worker_annual_pay",
    "districts_pay_rules_issued",
]
columns = st.columns(3)
for i, indicator_id in enumerate(ids):
    ui.tile(session, indicator_id, columns[i % 3])
ui.not_reported(session, "community_workers")

# 2. Charts. The two charts of separate panels (groups, bases) take the page's width: at half of
# a projector's width their panels would crowd each other.
ui.chart(session, catalog.chart("workforce-profile"), height=420)
ui.chart(session, catalog.chart("workforce-shares"), height=380)
left, right = st.columns(2)
with left:
    ui.chart(session, catalog.chart("workforce-age"), columns=2)
with right:
    ui.chart(session, catalog.chart("workforce-pay"), columns=2)

# 3. Which districts had issued their pay rules (click a district to drill down)
ui.chart(session, catalog.chart("pay-rules-map"), height=720)
ui.district_panel(session, ("workforce",), key="workforce")
