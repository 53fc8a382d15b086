"""Shared fixtures. Every test, and every kernel a test starts, uses a throw-away store."""

from __future__ import annotations

import itertools
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from kit.database import Store, open_store
from kit.instruments.content import get_instrument
from kit.instruments.model import Instrument
from tests.postgres import Cluster, start_cluster

ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    # Kernels started by nbval and papermill inherit this, so no test ever
    # writes to the real default store in the user's data folder.
    folder = tempfile.mkdtemp(prefix="kit-tests-")
    os.environ["KIT_STORE"] = str(Path(folder) / "session.sqlite3")
    os.environ.pop("QUERY_STRING", None)


@pytest.fixture(scope="session")
def postgres() -> Iterator[Cluster]:
    """A throwaway PostgreSQL cluster for the run (tests/postgres.py); fails where none is installed."""
    cluster = start_cluster()
    cluster.create_database("kit_template")
    # A store's location carries no password; the kit's other processes (a
    # voter, a report's kernel) read it from this file, as a deployment's do.
    os.environ["KIT_STORE_PASSWORD_FILE"] = str(cluster.folder / "pw")
    yield cluster
    cluster.remove()


_databases = itertools.count(1)


def fresh_postgres_url(cluster: Cluster) -> str:
    """A new, empty database of the test cluster (copied from an empty template: fast)."""
    name = f"kit_{next(_databases)}"
    cluster.sql(f'CREATE DATABASE "{name}" TEMPLATE kit_template OWNER kit')
    return cluster.url(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh store: a SQLite file in a temporary folder, then a new PostgreSQL database."""
    if request.param == "sqlite":
        the_store = open_store(str(tmp_path / "kit.sqlite3"))
    else:
        the_store = open_store(fresh_postgres_url(request.getfixturevalue("postgres")))
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
