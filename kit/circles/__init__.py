"""Customer Circles: the planner (04) and the live session (05).

``model``, ``planning`` (members, cadence, agenda), ``ical`` (meeting dates),
``backlog`` (factors, ideas, votes, actions), ``sessions`` (their queries in
the store), ``files`` (a circle in a kit file), ``exports`` (agenda and
minutes), ``content`` (the agenda template), ``charts`` and ``pages/``.
"""
