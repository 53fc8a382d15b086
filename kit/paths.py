"""Where the kit finds its workbooks, content and data, in a checkout or a wheel."""

from __future__ import annotations

import os
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
_BUNDLED = PACKAGE_DIR / "_bundled"
_CHECKOUT = PACKAGE_DIR.parent


def _shipped(name: str) -> Path:
    # A wheel carries the folders inside the package; a checkout (or an
    # editable install) has them beside it.
    bundled = _BUNDLED / name
    return bundled if bundled.is_dir() else _CHECKOUT / name


def data_dir() -> Path:
    """Return the content folder: ``KIT_DATA`` if set, else the kit's own ``data/``."""
    override = os.environ.get("KIT_DATA")
    return Path(override).expanduser() if override else _shipped("data")


def workbooks_dir() -> Path:
    """Return the folder holding the kit's workbooks."""
    return _shipped("workbooks")


def jupyter_share_dir() -> Path:
    """Return the folder to put on ``JUPYTER_PATH`` so Voilà finds the kit's template."""
    return PACKAGE_DIR / "share" / "jupyter"


def stylesheet_path() -> Path:
    """Return the kit's stylesheet, kept with the page template that includes it."""
    return jupyter_share_dir() / "voila" / "templates" / "kit" / "kit.css"


def default_store_path() -> Path:
    """Return the default SQLite file, in the user's data folder.

    It lives outside the working folder so answers survive wherever ``kit``
    is started from.
    """
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return base / "customer-value-kit" / "kit.sqlite3"
