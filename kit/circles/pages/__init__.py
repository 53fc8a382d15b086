"""The Customer Circle workbooks' pages: the planner (04) and the session (05)."""
