"""Entrypoint: page config, session (link + sidebar), and the st.navigation router."""

import streamlit as st

from dashboard import ui
from dashboard.i18n import t
from dashboard.settings import load_settings

# url paths equal the file names, so a link reaches the same page whichever way Streamlit routes it.
# No page icons: Streamlit turns the active page's icon into a favicon fetched from a CDN.
PAGES = (
    ("pages/overview.py", "page.overview", "overview"),
    ("pages/forty_years.py", "page.forty_years", "forty_years"),
    ("pages/ten_firsts.py", "page.ten_firsts", "ten_firsts"),
    ("pages/trends.py", "page.trends", "trends"),
    ("pages/workforce.py", "page.workforce", "workforce"),
    ("pages/volunteers.py", "page.volunteers", "volunteers"),
    ("pages/deliberation.py", "page.deliberation", "deliberation"),
    ("pages/grid_services.py", "page.grid_services", "grid_services"),
    ("pages/communities.py", "page.communities", "communities"),
    ("pages/data_sources.py", "page.data_sources", "data_sources"),
    ("pages/compare.py", "page.compare", "compare"),
)
# Shown only where an administrator has turned uploads on.
UPLOAD_PAGE = ("pages/import_data.py", "page.import", "import_data")

# No page_icon: a Material icon favicon comes from a CDN, which an intranet cannot reach.
st.set_page_config(page_title="北京基层治理四十年 · Beijing community governance", layout="wide")
session = ui.current()


def routes(entries: tuple[tuple[str, str, str], ...], title_of) -> list:
    """One st.Page per (script, title key, url path); the first is the default, served at "/".
    Streamlit answers the default page's own name with a "Page not found" dialog, so the first
    script is also routed, unlisted, at its name: a link to /overview opens the overview."""
    (first, first_key, first_url), rest = entries[0], entries[1:]
    return [
        st.Page(first, title=title_of(first_key), url_path=f"{first_url}-root", default=True),
        st.Page(first, title=title_of(first_key), url_path=first_url, visibility="hidden"),
    ] + [st.Page(path, title=title_of(key), url_path=url) for path, key, url in rest]


settings = load_settings()
ui.apply_upload_limit(settings)
listed = PAGES + ((UPLOAD_PAGE,) if settings.allow_upload else ())
if session.present:
    # The show answers at every page's address, so /<page>?present=1 opens it too.
    show = tuple(("pages/present.py", "page.present", url) for _, _, url in listed)
    st.navigation(routes(show, lambda key: t(key, session.lang)), position="hidden").run()
else:
    st.navigation(routes(listed, lambda key: t(key, session.lang)), position="sidebar").run()
