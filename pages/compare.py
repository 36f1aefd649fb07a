"""快照对比 Compare snapshots: values added, removed and changed between two snapshots, by
indicator, place and period, with CSV and XLSX downloads."""

import streamlit as st

from dashboard import compare, ui
from dashboard.i18n import t
from dashboard.snapshot import SnapshotError, list_snapshots, load_snapshot

session = ui.current()
lang = session.lang
ui.page_header(session, "page.compare")

ids = list_snapshots()
if len(ids) < 2:
    st.info(t("compare.need_two", lang))
    st.stop()

# 1. Which two: by default the current snapshot and its base (or another), the older as "earlier"
old_default, new_default = compare.default_pair(session.snapshot, ids, load_snapshot)
left, right = st.columns(2)
old_id = left.selectbox(
    t("compare.old", lang),
    ids,
    index=ids.index(old_default),
    key="compare_old",
    format_func=lambda i: ui.snapshot_label(i, lang),
)
new_id = right.selectbox(
    t("compare.new", lang),
    ids,
    index=ids.index(new_default),
    key="compare_new",
    format_func=lambda i: ui.snapshot_label(i, lang),
)
if old_id == new_id:
    st.info(t("compare.same", lang))
    st.stop()

loaded = {}
for snapshot_id in (old_id, new_id):
    try:
        loaded[snapshot_id] = load_snapshot(snapshot_id)
    except SnapshotError as exc:
        st.error(
            t("compare.failed", lang, snapshot=snapshot_id, error=exc), icon=":material/error:"
        )
        st.stop()
old, new = loaded[old_id], loaded[new_id]

# 2. What changed, in words and counts, and the table with its columns named
changes = compare.diff_snapshots(old, new)
counts = compare.summary(changes)
st.caption(t("compare.caption", lang))
for column, kind in zip(st.columns(3), compare.CHANGES, strict=True):
    column.metric(t(f"compare.{kind}", lang), counts[kind])
st.markdown("\n".join(f"- {line}" for line in compare.describe(changes, old, new, lang)))
if changes.empty:
    st.success(t("compare.none", lang))
    st.stop()
table = compare.readable(changes, old, new, lang)
st.dataframe(table, hide_index=True, width="stretch", height=460)

# 3. Downloads (neutralised against spreadsheet formulas by export)
ui.table_downloads(
    table, f"{t('page.compare', lang)}_{old_id}_{new_id}", "compare", lang, sheet="compare"
)
