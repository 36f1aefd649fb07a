"""四十年 Forty-year trends: one chart per indicator with more than one dated value."""

import streamlit as st

from dashboard import catalog, queries, ui
from dashboard.i18n import t

session = ui.current()
lang = session.lang
ui.page_header(session, "page.trends")

specs = catalog.trend_charts(session.snapshot)
if not specs:
    st.info(t("chart.no_data", lang))
    st.stop()

# 1. Year range
years = session.snapshot.indicators["year"].dropna().astype(int)
first, last = int(years.min()), int(years.max())
year_range = st.slider(t("chart.year", lang), first, last, (first, last), key="trends_years") if first < last else None

# 2. One chart per indicator, two to a row; a district's values overlay the city's when present
columns = st.columns(2)
for i, spec in enumerate(specs):
    indicator_id = spec.id.removeprefix("trend-")
    with columns[i % 2]:
        result = catalog.trend(indicator_id)(session.snapshot, session.view, year_range=year_range)
        ui.chart(session, spec, result, height=420)
        if session.view.drilled and not queries.series(session.snapshot, indicator_id, [session.view.district]).shape[0]:
            st.caption(t("district.not_reported", lang))
