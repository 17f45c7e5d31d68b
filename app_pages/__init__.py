"""Streamlit pages (one thin module per page) and the Streamlit-side helpers they share."""
