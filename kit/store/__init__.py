"""The store's core, shared by every feature: connection, transactions, migrations, people, sessions.

- :mod:`kit.store.core`: the connection, one transaction per save, the numbered
  migrations in ``migrations/``, people;
- :mod:`kit.store.sessions`: team sessions, joining, upload batches;
- :mod:`kit.store.records`: the kit's answer file format (JSON and CSV);
- :mod:`kit.store.codes`, :mod:`kit.store.attempts`, :mod:`kit.store.clock`,
  :mod:`kit.store.errors`: codes, guessing limits, time stamps, errors.

Each feature's own queries sit in its folder (``kit/<feature>/storage.py``);
:mod:`kit.database` puts them together into the store a page opens.
"""
