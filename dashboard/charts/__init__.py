"""Pure chart builders: DataFrames in, plotly Figures out. Nothing here imports Streamlit, so the
same figure feeds the page, the image export, the briefing pack and the tests."""
