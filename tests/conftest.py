"""Shared fixtures. Every test, and every kernel a test starts, uses a throw-away store."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from kit.database import Store, open_store
from kit.instruments.content import get_instrument
from kit.instruments.model import Instrument

ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    # Kernels started by nbval and papermill inherit this, so no test ever
    # writes to the real default store in the user's data folder.
    folder = tempfile.mkdtemp(prefix="kit-tests-")
    os.environ["KIT_STORE"] = str(Path(folder) / "session.sqlite3")
    os.environ.pop("QUERY_STRING", None)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """A fresh SQLite store in a temporary folder."""
    the_store = open_store(str(tmp_path / "kit.sqlite3"))
    yield the_store
    the_store.close()


@pytest.fixture
def db(tmp_path: Path) -> str:
    """The path of a store that does not exist yet: a page or command opens it."""
    return str(tmp_path / "kit.sqlite3")


@pytest.fixture
def hidden_leader() -> Instrument:
    """The hidden-leader instrument as shipped in data/."""
    return get_instrument("hidden_leader")


def answers_for(instrument: Instrument, pattern: dict[str, int] | None = None) -> dict[str, str]:
    """Answers to every item: 3 unless ``pattern`` gives a trait's value."""
    pattern = pattern or {}
    return {item.id: str(pattern.get(t.id, 3)) for t in instrument.traits for item in t.items}
