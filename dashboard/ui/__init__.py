"""Streamlit glue: session state and data access (`app`), the frame every page is
drawn in (`shell`), the pack's and charts' download buttons (`pack_ui`) and small
rendering helpers. The only room besides `app_pages/` that imports Streamlit."""
