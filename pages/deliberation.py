"""议事协商 Deliberation coverage: community deliberation halls in urban and rural communities."""

import streamlit as st

from dashboard import catalog, ui

session = ui.current()
ui.page_header(session, "page.deliberation")

# 1. Headline tiles
# Urban halls are shown as the speaker said it (全面建立 in 3,177 communities), not as a percentage.
columns = st.columns(2)
for i, indicator_id in enumerate(["deliberation_halls_urban", "deliberation_coverage_rural"]):
    ui.tile(session, indicator_id, columns[i])
ui.not_reported(session, "deliberation_coverage_rural")

# 2. Urban against rural coverage
ui.chart(session, catalog.chart("deliberation-coverage"), height=380)

# 3. Choropleth and ranked bars of the selected measure; a click drills down
ui.district_panel(session, ("deliberation",), key="deliberation")
