"""The store's errors, one type for callers to catch, and the guard that makes them."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class StoreError(RuntimeError):
    """The store cannot be opened or written; the message says what to do."""


class MapChangedError(StoreError):
    """A map was saved from another window since this one read it."""


def guarded(method: Callable[P, R]) -> Callable[P, R]:
    # Callers (pages, commands) handle one error type with one plain message;
    # a locked or damaged file must not surface as a sqlite3 traceback.
    # One call at a time per store: JupyterLab runs widget callbacks on a
    # kernel subshell's thread while cells run on the main one, and both
    # use the page's one connection.
    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        lock = getattr(args[0], "_lock", None) if args else None
        try:
            if lock is None:
                return method(*args, **kwargs)
            with lock:
                return method(*args, **kwargs)
        except sqlite3.Error as err:
            raise StoreError(f"the store could not be read or written ({err}); try again") from err

    return wrapper
