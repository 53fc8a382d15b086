"""Alembic's environment for the kit's store: run inside the store's own write transaction.

:func:`kit.store.core.migrate` hands Alembic the store's connection, in the
middle of the transaction that holds the write lock (``Db.write``), so the
migrations and the version they leave are one commit with the rest of the
upgrade, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from alembic import context

from kit.store.tables import METADATA

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=METADATA)
with context.begin_transaction():  # the caller's transaction: nothing is committed here
    context.run_migrations()
