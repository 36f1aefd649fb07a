"""Entrypoint: page config, session (link + sidebar), and the st.navigation router."""

import streamlit as st

from dashboard import ui
from dashboard.i18n import t
from dashboard.settings import load_settings

# url paths equal the file names, so a link reaches the same page whichever way Streamlit routes it.
# No page icons: Streamlit turns the active page's icon into a favicon fetched from a CDN.
PAGES = (
    ("pages/overview.py", "page.overview", "overview"),
    ("pages/ten_firsts.py", "page.ten_firsts", "ten_firsts"),
    ("pages/trends.py", "page.trends", "trends"),
    ("pages/workforce.py", "page.workforce", "workforce"),
    ("pages/volunteers.py", "page.volunteers", "volunteers"),
    ("pages/deliberation.py", "page.deliberation", "deliberation"),
    ("pages/grid_services.py", "page.grid_services", "grid_services"),
    ("pages/data_sources.py", "page.data_sources", "data_sources"),
    ("pages/compare.py", "page.compare", "compare"),
)
# Shown only where an administrator has turned uploads on.
UPLOAD_PAGE = ("pages/import_data.py", "page.import", "import_data")

# No page_icon: a Material icon favicon comes from a CDN, which an intranet cannot reach.
st.set_page_config(page_title="北京基层治理四十年 · Beijing community governance", layout="wide")
session = ui.current()

listed = PAGES + ((UPLOAD_PAGE,) if load_settings().allow_upload else ())
pages = [
    st.Page(path, title=t(key, session.lang), url_path=url, default=(i == 0))
    for i, (path, key, url) in enumerate(listed)
]
if session.present:
    # The show answers at every page's address, so /<page>?present=1 opens it too.
    title = t("page.present", session.lang)
    show = [
        st.Page("pages/present.py", title=title, url_path=url, default=(i == 0))
        for i, (_, _, url) in enumerate(listed)
    ]
    st.navigation(show, position="hidden").run()
else:
    st.navigation(pages, position="sidebar").run()
