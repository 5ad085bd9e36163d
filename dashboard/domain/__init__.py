"""Pure rules and words of the mission that SQL does badly or that are not data:
the states' words, the scoring's weights and sensitivity draws, the stakeholders'
map geometry, the sites' texts. No Streamlit, no files."""
