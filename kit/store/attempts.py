"""Rate limits on guessing: wrong codes and joins, counted per client address in the store.

Every page runs in its own kernel, and a person (or a script) can open many,
so the count lives in the store that all of them share, not in a page.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager

from kit.store.engine import Db
from kit.store.errors import guarded

# What a person may do per client address: a mistyped code now and then, a
# room's worth of joins from one venue's address; not a script's thousands.
WRONG_CODES = ("wrong code", 10, 60.0)  # kind, how many, in how many seconds
JOINS = ("join", 30, 600.0)
KEPT_SECONDS = 3600.0
# What a person reads when WRONG_CODES has tripped for their address.
TOO_MANY_CODES = (
    "Too many wrong codes came from this network address in the last minute, so this one was not "
    "looked up. Wait a minute, then check the code against the one you noted."
)


class Attempts:
    """Store methods that count attempts; mixed into :class:`kit.store.Store`."""

    _db: Db
    _write: Callable[[], AbstractContextManager[Db]]

    @guarded
    def too_many(self, client: str, rule: tuple[str, int, float]) -> bool:
        """True when ``client`` has already used up ``rule`` (kind, limit, seconds).

        A client of '' (JupyterLab, papermill: one person's own kernel) is never limited.
        """
        kind, limit, seconds = rule
        if not client:
            return False
        count = self._db.execute(
            "SELECT count(*) FROM attempts WHERE client = ? AND kind = ? AND at > ?",
            (client, kind, time.time() - seconds),
        ).fetchone()[0]
        return count >= limit

    @guarded
    def note_attempt(self, client: str, rule: tuple[str, int, float]) -> None:
        """Count one attempt of ``rule``'s kind for ``client``."""
        if not client:
            return
        now = time.time()
        with self._write() as db:
            db.execute("DELETE FROM attempts WHERE at < ?", (now - KEPT_SECONDS,))
            db.execute("INSERT INTO attempts VALUES (?, ?, ?)", (client, rule[0], now))
