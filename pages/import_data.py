"""导入数据 Import data: a district table uploaded in the browser becomes a new snapshot.

Off unless an administrator sets allow_upload (dashboard/settings.py). When on, the file is
size-limited and goes through the same checks and the same atomic write as
`python -m dashboard import`; when anything is wrong, nothing is written and every problem is shown.
"""

import datetime as dt

import streamlit as st

from dashboard import settings, ui
from dashboard.i18n import t
from dashboard.pipeline import importer
from dashboard.snapshot import list_snapshots, listed_manifest

session = ui.current()
lang = session.lang
ui.page_header(session, "page.import")

config = settings.load_settings()
ui.apply_upload_limit(config)
if not config.allow_upload:
    st.info(t("import.disabled", lang), icon=":material/lock:")
    st.stop()


def _importable(snapshot_id: str) -> bool:
    """From the manifest: listing the bases never loads every snapshot."""
    manifest = listed_manifest(snapshot_id)
    return manifest is not None and manifest["kind"] != "sample"


bases = [i for i in list_snapshots() if _importable(i)]
if not bases:
    st.warning(t("import.no_base", lang))
    st.stop()

st.caption(t("import.intro", lang, limit=config.max_upload_mb))
c1, c2, _ = st.columns([1, 1, 3])
c1.download_button(
    t("import.download_template_xlsx", lang),
    lambda: importer.template_xlsx_bytes(session.snapshot),
    "district_table_template.xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="import_template_xlsx",
    on_click="ignore",
)
c2.download_button(
    t("import.download_template_csv", lang),
    importer.template_csv_bytes(),
    "district_table_template.csv",
    "text/csv",
    key="import_template_csv",
    on_click="ignore",
)

with st.form("import_form"):
    upload = st.file_uploader(
        t("import.file", lang),
        type=["xlsx", "csv"],
        key="import_file",
        max_upload_size=config.max_upload_mb,
    )
    left, right = st.columns(2)
    new_id = left.text_input(
        t("import.snapshot_id", lang),
        max_chars=64,
        key="import_snapshot_id",
        help=t("import.snapshot_id_help", lang),
    )
    base_id = right.selectbox(
        t("import.base", lang),
        bases,
        key="import_base",
        format_func=lambda i: ui.snapshot_label(i, lang),
    )
    as_of = left.date_input(
        t("import.as_of", lang),
        value=dt.date.today(),
        key="import_as_of",
        min_value=dt.date(1949, 10, 1),
        max_value=dt.date(2100, 12, 31),
    )
    source = right.text_input(
        t("import.source", lang),
        max_chars=importer.MAX_SOURCE_CHARS,
        key="import_source",
        help=t("import.source_help", lang),
    )
    skip_invalid = st.checkbox(t("import.skip_invalid", lang), key="import_skip_invalid")
    submitted = st.form_submit_button(t("import.submit", lang), icon=":material/upload:")

if submitted:
    if upload is None or not new_id.strip():
        st.warning(t("import.need_file", lang))
        st.stop()
    try:
        outcome = importer.import_file(
            upload.getvalue(),
            upload.name,
            new_id.strip(),
            base_id=base_id,
            as_of=as_of.isoformat() if isinstance(as_of, dt.date) else None,
            source=source.strip() or None,
            skip_invalid=skip_invalid,
            max_bytes=config.max_upload_bytes,
            limits=importer.UPLOAD_LIMITS,
        )
    except importer.ImportFailed as exc:
        st.error(t("import.refused", lang, count=len(exc.problems)), icon=":material/block:")
        st.dataframe(importer.problems_frame(exc.problems, lang), hide_index=True, width="stretch")
    else:
        st.success(
            t(
                "import.done",
                lang,
                snapshot=outcome.snapshot_id,
                rows=outcome.rows,
                base=outcome.base_id,
            ),
            icon=":material/check_circle:",
        )
        if outcome.skipped:
            st.warning(t("import.skipped", lang, count=outcome.skipped_rows))
            st.dataframe(
                importer.problems_frame(outcome.skipped, lang), hide_index=True, width="stretch"
            )
        if len(outcome.replaced):
            st.info(t("import.replaced", lang, count=len(outcome.replaced)))
            st.dataframe(outcome.replaced, hide_index=True, width="stretch")
        if outcome.warnings:
            st.caption(t("import.warnings", lang))
            st.dataframe(
                importer.problems_frame(outcome.warnings, lang), hide_index=True, width="stretch"
            )
