"""Entry point: page config, then the navigation the visitor's role allows."""

import streamlit as st

from dashboard.ui import shell

st.set_page_config(page_title="ALL · Pilotage", page_icon="🍟", layout="wide")
shell.navigation().run()
