"""演示 Presentation mode (placeholder until the presentation issue lands)."""

import streamlit as st

from dashboard import ui
from dashboard.i18n import t

session = ui.current()
st.button(t("sidebar.present", session.lang), on_click=ui._set_present, args=(False,))
