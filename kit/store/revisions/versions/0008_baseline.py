"""The schema as kit 0.3 writes it (schema 8): where Alembic's history of the store begins.

Nothing to do: a new store gets this schema whole from ``kit/store/tables.py``,
and a SQLite file from before schema 8 takes the numbered SQL steps in
``kit/store/migrations/`` first. Both are then stamped with this revision.

Revision ID: 0008
Revises:
Create Date: 2026-12-08
"""

from __future__ import annotations

revision = "0008"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
