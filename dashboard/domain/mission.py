"""Settings of the mission the dashboard steers (not data: how to read the data)."""

# The event the overview counts down to: the task whose name starts like this.
EVENT_PATTERN = "mois noir%"
# How the event is named on charts (the data's own name for it).
EVENT_LABEL = "Mois noir"
