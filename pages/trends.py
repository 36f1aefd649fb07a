"""四十年 Forty-year trends: one chart per indicator with more than one dated value, by topic."""

import streamlit as st

from dashboard import catalog, queries, schema, ui
from dashboard.i18n import t

session = ui.current()
lang = session.lang
ui.page_header(session, "page.trends")

specs = catalog.trend_charts(session.snapshot)
if not specs:
    st.info(t("chart.no_data", lang))
    st.stop()

# 1. Topic and year range
topics_of = session.snapshot.indicator_meta.set_index("indicator_id")["topic"]
by_topic: dict[str, list] = {}
for spec in specs:
    by_topic.setdefault(topics_of[spec.id.removeprefix("trend-")], []).append(spec)
topics = [topic for topic in schema.TOPICS if topic in by_topic]
topic = (
    st.segmented_control(
        t("data.filter_topic", lang),
        topics,
        default=topics[0],
        key="trends_topic",
        format_func=lambda x: f"{t(f'topic.{x}', lang)} ({len(by_topic[x])})",
    )
    or topics[0]
)
first, last = queries.year_span(session.snapshot)
year_range = (
    st.slider(t("chart.year", lang), first, last, (first, last), key="trends_years")
    if first < last
    else None
)

# 2. One chart per indicator, two to a row; a district's values overlay the city's when present
columns = st.columns(2)
for i, spec in enumerate(by_topic[topic]):
    indicator_id = spec.id.removeprefix("trend-")
    with columns[i % 2]:
        ui.chart(session, spec, height=420, year_range=year_range)
        if (
            session.view.drilled
            and queries.series(session.snapshot, indicator_id, [session.view.district]).empty
        ):
            st.caption(t("district.not_reported", lang))
