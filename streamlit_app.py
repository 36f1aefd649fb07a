"""Entrypoint: page config, session (link + sidebar), and the st.navigation router."""

import streamlit as st

from dashboard import ui
from dashboard.i18n import t

# url paths equal the file names, so a link reaches the same page whichever way Streamlit routes it.
PAGES = (
    ("pages/overview.py", "page.overview", "overview", ":material/dashboard:"),
    ("pages/ten_firsts.py", "page.ten_firsts", "ten_firsts", ":material/flag:"),
    ("pages/trends.py", "page.trends", "trends", ":material/timeline:"),
    ("pages/workforce.py", "page.workforce", "workforce", ":material/badge:"),
    ("pages/volunteers.py", "page.volunteers", "volunteers", ":material/volunteer_activism:"),
    ("pages/deliberation.py", "page.deliberation", "deliberation", ":material/forum:"),
    ("pages/grid_services.py", "page.grid_services", "grid_services", ":material/grid_on:"),
    ("pages/data_sources.py", "page.data_sources", "data_sources", ":material/table_view:"),
)

st.set_page_config(
    page_title="北京基层治理四十年 · Beijing community governance",
    layout="wide",
    page_icon=":material/location_city:",
)
session = ui.current()

pages = [
    st.Page(path, title=t(key, session.lang), url_path=url, icon=icon, default=(i == 0))
    for i, (path, key, url, icon) in enumerate(PAGES)
]
if session.present:
    navigation = st.navigation(
        [st.Page("pages/present.py", title=t("page.present", session.lang), url_path="present")],
        position="hidden",
    )
else:
    navigation = st.navigation(pages, position="sidebar")
navigation.run()
