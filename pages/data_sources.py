"""数据与来源 Data and sources: every value with its status, source, grade and quote; filters;
the manifest and the source registry; downloads of the filtered table."""

import importlib.util

import streamlit as st

from dashboard import export, queries, schema, ui
from dashboard.i18n import t

session = ui.current()
lang = session.lang
snapshot = session.snapshot
ui.page_header(session, "page.data_sources")

# 1. Filters
table = queries.values_table(snapshot, lang)
cols = st.columns(3)
topics = cols[0].multiselect(
    t("data.filter_topic", lang),
    list(schema.TOPICS),
    key="data_topics",
    placeholder=t("data.filter_all", lang),
    format_func=lambda x: t(f"topic.{x}", lang),
)
statuses = cols[1].multiselect(
    t("data.filter_status", lang),
    list(schema.STATUSES),
    key="data_statuses",
    placeholder=t("data.filter_all", lang),
    format_func=lambda x: t(f"status.{x}", lang),
)
places = cols[2].multiselect(
    t("data.filter_district", lang),
    list(schema.GEO_CODES),
    key="data_places",
    placeholder=t("data.filter_all", lang),
    default=[session.view.district] if session.view.drilled else [],
    format_func=lambda c: queries.geo_name(snapshot, c, lang),
)
if topics:
    table = table[table["topic"].isin(topics)]
if statuses:
    table = table[table["status"].isin(statuses)]
if places:
    table = table[table["geo_code"].isin(places)]

# 2. The values, with provenance, and their downloads: a reader's table in the chosen language
if len(table) > ui.TABLE_ROWS_SHOWN:
    st.caption(t("data.count_capped", lang, n=f"{len(table):,}", shown=f"{ui.TABLE_ROWS_SHOWN:,}"))
else:
    st.caption(t("data.count", lang, n=len(table)))
shown = ui.shown_table(
    snapshot,
    ("values", lang, tuple(topics), tuple(statuses), tuple(places), ui.TABLE_ROWS_SHOWN),
    lambda: export.reader_table(snapshot, table.head(ui.TABLE_ROWS_SHOWN), lang),
)
st.dataframe(shown, hide_index=True, width="stretch", height=460)
ui.table_downloads(
    table,
    f"{t('page.data_sources', lang)}_{snapshot.id}",
    "data",
    lang,
    reader=lambda frame: export.reader_table(snapshot, frame, lang),
)
st.caption(t("data.left_out", lang))

# 3. Source registry and manifest
with st.expander(t("data.sources", lang)):
    st.dataframe(export.registry_table(snapshot, lang), hide_index=True, width="stretch")
with st.expander(t("data.manifest", lang)):
    st.dataframe(export.manifest_table(snapshot, lang), hide_index=True, width="stretch")

# 4. Briefing pack and templates, when those parts are installed
if importlib.util.find_spec("dashboard.briefing_ui"):
    from dashboard.briefing_ui import briefing_panel

    briefing_panel(session)
