"""The customer map (03): internal and external customers up the chain to the paying one.

``model``, ``logic`` (edits, checks and layout), ``files`` (CSV and JSON in
and out), ``views`` (HTML), ``charts`` (the drawn map) and ``pages``.
"""
