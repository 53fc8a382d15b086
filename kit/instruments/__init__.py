"""The questionnaires: hidden-leader traits (01), focus and attitude (02), the openness pulse (06).

``model`` (instruments, scores, placements), ``content`` (the TOML files in
``data/instruments/``), ``scoring``, ``trait_scores`` (the store's kept
scores), ``views`` (HTML), ``charts``, and ``pages/`` (one per workbook, on
the shared :class:`~kit.instruments.pages.instrument.InstrumentApp`).
"""
