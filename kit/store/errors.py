"""The store's errors, one type for callers to catch, and the guard that makes them."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import SQLAlchemyError

P = ParamSpec("P")
R = TypeVar("R")


class StoreError(RuntimeError):
    """The store cannot be opened or written; the message says what to do."""


class MapChangedError(StoreError):
    """A map was saved from another window since this one read it."""


class StoreUnreachable(StoreError):
    """The store's database server cannot be reached just now; the next call tries again."""


class DatabaseUnreachable(Exception):
    """Raised by the dialect layer when the server has gone (it restarted, or is down).

    :func:`guarded` turns it into :class:`StoreUnreachable` for callers.
    """


RECONNECTING = "the store's database cannot be reached just now ({}); reconnecting"


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
        except DatabaseUnreachable as err:
            raise StoreUnreachable(RECONNECTING.format(err)) from err
        except (sqlite3.Error, SQLAlchemyError) as err:
            raise StoreError(
                f"the store could not be read or written ({driver_message(err)}); try again"
            ) from err

    return wrapper


def driver_message(err: BaseException) -> str:
    """The database's own words for an error, without SQLAlchemy's statement and web link.

    Examples
    --------
    >>> import sqlite3
    >>> from sqlalchemy.exc import DBAPIError
    >>> driver_message(DBAPIError("SELECT 1", (), sqlite3.OperationalError("database is locked")))
    'database is locked'
    """
    text = str(getattr(err, "orig", None) or err).strip()
    return text.splitlines()[0] if text else type(err).__name__
