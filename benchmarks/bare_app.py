"""The comparison baseline of `benchmarks/run.py`: a bare Streamlit app with one Plotly chart.

Started exactly like the dashboard (same interpreter, flags and `.streamlit/config.toml`), so the
ratio of the two "first chart visible" times shows what the dashboard adds to Streamlit itself.
"""

import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="bare", layout="wide")
st.title("Bare app")
figure = go.Figure(go.Bar(x=["a", "b", "c", "d"], y=[3, 1, 4, 1]))
st.plotly_chart(figure, theme=None)
