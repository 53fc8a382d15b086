"""Looking after a store file: where a store URL points, backups, and schema upgrades.

``kit store backup`` and ``kit store upgrade`` run these. A backup is taken
with SQLite's own online backup API, so it is a consistent copy even while
``kit serve`` and its pages write to the file (WAL mode lets them go on),
and it is written beside its final name first, so a backup that fails half
way leaves no file that looks whole.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from kit.store.errors import StoreError


def redacted(location: str) -> str:
    """Return a store path or URL fit to print: any password in it is replaced by ``***``.

    Examples
    --------
    >>> redacted("postgresql://kit:s3cret@db.example:5432/kit")
    'postgresql://kit:***@db.example:5432/kit'
    >>> redacted("postgresql://kit:pa/ss?w#rd@db/kit")
    'postgresql://kit:***@db/kit'
    >>> redacted("/home/coach/kit.sqlite3")
    '/home/coach/kit.sqlite3'
    """
    scheme, found, rest = location.partition("://")
    # The last "@" ends the user's part, whatever the password holds ("/",
    # "?" and "#" included, which a URL parser would take for the path).
    userinfo, at, host = rest.rpartition("@")
    if not found or not at or ":" not in userinfo:
        return location
    return f"{scheme}://{userinfo.partition(':')[0]}:***@{host}"


def without_password(location: str) -> str:
    """Return a store URL with any password taken out (a path comes back as it is).

    Examples
    --------
    >>> without_password("postgresql://kit:s3cret@db:5432/kit")
    'postgresql://kit@db:5432/kit'
    >>> without_password("/home/coach/kit.sqlite3")
    '/home/coach/kit.sqlite3'
    """
    return redacted(location).replace(":***@", "@", 1)


def with_known_password(url: str) -> str:
    """Return a PostgreSQL URL with its password filled in from the environment, when it has none.

    The password comes from ``KIT_STORE`` (the same URL with a password),
    else from the file ``KIT_STORE_PASSWORD_FILE`` names (a container's
    secret); else the URL stays as it is, and libpq looks in ``PGPASSWORD``
    and ``~/.pgpass``. A report's kernel reopens the store from its
    password-free :attr:`~kit.store.core.StoreCore.location` this way.

    Examples
    --------
    >>> import os, tempfile
    >>> secret = os.path.join(tempfile.mkdtemp(), "pw")
    >>> _ = open(secret, "w").write("s3cret")
    >>> os.environ["KIT_STORE_PASSWORD_FILE"] = secret
    >>> redacted(with_known_password("postgresql://kit@db/kit"))
    'postgresql://kit:***@db/kit'
    >>> del os.environ["KIT_STORE_PASSWORD_FILE"]
    """
    scheme, _, rest = url.partition("://")
    userinfo, at, host = rest.rpartition("@")
    if ":" in userinfo or not at:
        return url
    given = os.environ.get("KIT_STORE", "")
    if given and given != url and without_password(given) == url:
        return given  # the same URL, with its password
    secret = os.environ.get("KIT_STORE_PASSWORD_FILE", "")
    if not secret:
        return url
    try:
        password = Path(secret).read_text(encoding="utf-8").strip()
    except OSError as err:
        raise StoreError(
            f"cannot read the database password from KIT_STORE_PASSWORD_FILE ({err.strerror})"
        ) from None
    return f"{scheme}://{userinfo}:{quote(password, safe='')}@{host}"


def sqlite_path(location: str) -> Path:
    """Return the SQLite file a store path or URL names; a clear :class:`StoreError` otherwise.

    A plain path is a file. ``sqlite:///kit.db`` is relative to the current
    folder and ``sqlite:////srv/kit.db`` absolute, as in SQLAlchemy. Options
    after ``?`` are refused rather than read as part of the file's name.

    Examples
    --------
    >>> sqlite_path("sqlite:////srv/kit/kit.sqlite3")
    PosixPath('/srv/kit/kit.sqlite3')
    >>> sqlite_path("sqlite:////srv/kit.db?mode=ro")
    Traceback (most recent call last):
    ...
    kit.store.errors.StoreError: the store 'sqlite:////srv/kit.db?mode=ro' has options after '?', \
which the kit does not take; give the file alone: sqlite:////srv/kit.db
    """
    if "://" not in location:
        return Path(location)
    scheme, _, rest = location.partition("://")
    if scheme != "sqlite":
        raise StoreError(
            f"the store '{redacted(location)}' uses '{scheme}', which the kit does not support; "
            "give a file path, a sqlite:/// URL or a postgresql:// URL"
        )
    path, question, _ = rest.partition("?")
    if question:
        raise StoreError(
            f"the store '{location}' has options after '?', which the kit does not take; "
            f"give the file alone: sqlite://{path}"
        )
    path = path[1:] if path.startswith("/") else path
    if not path:
        raise StoreError("a sqlite:/// URL needs a file path after it")
    return Path(path)


def schema_version(path: Path) -> int:
    """The schema version a store file is at (0 for a new or empty file), read without changing it."""
    if not path.exists():
        return 0
    try:
        with closing(sqlite3.connect(path)) as db:
            return int(db.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.DatabaseError as err:
        raise StoreError(f"cannot read {path} as the kit's store ({err})") from None


def table_counts(db: sqlite3.Connection) -> dict[str, int]:
    """Rows in each of the store's tables, by table name."""
    names = [
        name
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name"
        )
    ]
    # The names come from the file's own catalogue, quoted: no caller's text.
    return {name: db.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names}


@dataclass(frozen=True)
class Backup:
    """A finished backup: where it is, and what it holds."""

    path: Path
    counts: dict[str, int]

    def summary(self) -> str:
        """One line for people: the file, its people and its answers."""
        people = self.counts.get("participants", 0)
        answers = self.counts.get("answers", 0)
        return f"{self.path} ({people} people, {answers} answers, {len(self.counts)} tables)"


def default_backup_path(source: Path, when: datetime | None = None) -> Path:
    """A new file beside ``source``, named for the moment.

    Examples
    --------
    >>> default_backup_path(Path("/data/kit.sqlite3"), datetime(2026, 12, 7, 9, 30, 5))
    PosixPath('/data/kit-backup-20261207-093005.sqlite3')
    """
    stamp = (when or datetime.now()).strftime("%Y%m%d-%H%M%S")
    return source.with_name(f"{source.stem}-backup-{stamp}{source.suffix or '.sqlite3'}")


def _place(partial: Path, dest: Path) -> None:
    # A link fails if a file took the name meanwhile, where a rename would
    # replace it. A disk with no hard links (a FAT stick) gets the rename,
    # after one more look.
    try:
        os.link(partial, dest)
    except FileExistsError:
        raise
    except OSError:
        if dest.exists():
            raise FileExistsError(dest) from None
        os.replace(partial, dest)


def backup(source: Path, dest: Path) -> Backup:
    """Copy the store ``source`` to the new file ``dest``, consistently, while others may write.

    Raises
    ------
    StoreError
        When ``source`` is missing, ``dest`` exists already or is ``source``,
        or the copy fails its integrity check (nothing is left at ``dest``).
    """
    source, dest = source.expanduser().resolve(), dest.expanduser().resolve()
    if not source.is_file():
        raise StoreError(f"there is no store at {source} to back up")
    if dest == source:
        raise StoreError("the backup must go to another file than the store itself")
    if dest.exists():
        raise StoreError(f"{dest} exists already; choose a new file for the backup")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise StoreError(f"cannot create the folder {dest.parent} ({err.strerror})") from None
    partial = dest.with_name(f".{dest.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        with closing(sqlite3.connect(source, timeout=10)) as src:
            target = sqlite3.connect(partial)
            try:
                # One step: in WAL mode it reads one snapshot while writers go
                # on; a step at a time would start again at every write.
                src.backup(target)
                check = target.execute("PRAGMA integrity_check").fetchone()[0]
                counts = table_counts(target)
            finally:
                target.close()
        if check != "ok":
            raise StoreError(f"the backup of {source} failed its check ({check})")
        # As private as the store: it holds the same answers.
        os.chmod(partial, stat.S_IMODE(source.stat().st_mode))
        _place(partial, dest)
    except sqlite3.DatabaseError as err:
        raise StoreError(f"cannot back up {source} ({err})") from None
    except FileExistsError:
        raise StoreError(f"{dest} exists already; choose a new file for the backup") from None
    except OSError as err:
        raise StoreError(f"cannot write the backup {dest} ({err.strerror})") from None
    finally:
        partial.unlink(missing_ok=True)
    return Backup(dest, counts)
