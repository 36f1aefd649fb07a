"""数字走势 Figures over time: one chart per indicator with more than one dated value, by topic;
each chart spans only the years of its own points."""

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

# 1. Topic, and what the figures really cover
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
# Each chart spans only the years its own points cover: a common year slider suggested a series
# from the first census to today that no source published.
st.caption(catalog.yearly_statement(session.snapshot, lang))

# 2. One chart per indicator, two to a row; a district's values overlay the city's when present
columns = st.columns(2)
for i, spec in enumerate(by_topic[topic]):
    indicator_id = spec.id.removeprefix("trend-")
    with columns[i % 2]:
        ui.chart(session, spec, height=420, columns=2)
        if session.view.drilled and not queries.has_series(
            session.snapshot, indicator_id, session.view.district
        ):
            st.caption(t("district.not_reported", lang))
