"""The store every page opens: the core plus each feature's queries, and how to choose it.

The store is chosen by ``--store PATH_OR_URL``, else ``KIT_STORE``, else a
SQLite file in the user's data folder. A URL names its engine so a larger
deployment can point at another database later; today only SQLite is built.

:class:`Store` is assembled here, above the features, because one person's
answers file crosses them all; the core (:mod:`kit.store.core`) knows none
of them, and each feature's queries live in its own folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from kit.exchange import ExchangeQueries
from kit.paths import default_store_path
from kit.store.errors import StoreError


class Store(ExchangeQueries):
    """Answers, maps, circles, people and sessions in one SQLite file.

    Parameters
    ----------
    path : str or Path
        The database file; its folder is created when missing.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "kit.sqlite3")
    >>> person = store.create_participant()
    >>> store.save_answer(person.id, "hidden_leader", "a1", "4") > ""
    True
    >>> store.answers(person.id, "hidden_leader")
    {'a1': '4'}
    >>> store.close()
    """


def store_location(store: str | None = None) -> str:
    """Return the store to use: ``store`` if given, else ``KIT_STORE``, else the default file."""
    return store or os.environ.get("KIT_STORE") or str(default_store_path())


def open_store(store: str | None = None) -> Store:
    """Open the store named by a path or URL (see :func:`store_location`).

    Parameters
    ----------
    store : str, optional
        A file path, ``sqlite:///relative.db`` or ``sqlite:////absolute.db``.

    Raises
    ------
    StoreError
        For an engine the kit does not support yet, or a file it cannot use.
    """
    location = store_location(store)
    if "://" in location:
        scheme, _, rest = location.partition("://")
        if scheme != "sqlite":
            raise StoreError(
                f"the store '{location}' uses '{scheme}', which this kit does not support yet; "
                "give a file path or a sqlite:/// URL"
            )
        location = rest[1:] if rest.startswith("/") else rest
        if not location:
            raise StoreError("a sqlite:/// URL needs a file path after it")
    return Store(Path(location))
