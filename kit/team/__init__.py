"""Team sessions seen from the coach's side: the team's picture, its anonymity gate, the dashboard.

``anonymity`` (what may be shown, and to whom), ``picture`` (the team's
figures from the store), ``views`` (HTML) and ``pages`` (the coach
dashboard). Joining a session is every page's business, so it lives in the
shared ``kit/store/sessions.py`` and ``kit/ui/person.py``.
"""
