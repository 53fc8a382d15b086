"""The store's one clock: every time stamp in the same form, so they compare as text."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> str:
    """Return the current UTC time as ISO 8601 text, to the second.

    >>> len(now()), now().endswith("+00:00")
    (25, True)
    """
    return datetime.now(UTC).replace(microsecond=0).isoformat()
