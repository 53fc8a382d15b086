"""A throwaway PostgreSQL server for the tests and benches: Debian's own, in a temp folder, on localhost.

``initdb`` and ``pg_ctl`` from the machine's PostgreSQL packages make a
cluster in a fresh folder under /tmp and start it on a free port of
127.0.0.1 only, with a password for the kit's role. PostgreSQL refuses to run
as root, so under root (CI) the folder belongs to the ``postgres`` user the
package created, and the commands run as that user.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PASSWORD = "kit-test-pw"  # a throwaway cluster on 127.0.0.1, deleted after the run


def find_bin() -> Path | None:
    """The folder of Debian's PostgreSQL server programs (the newest version), or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: p.parts[-3])
    return found[-1].parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    """One running cluster: where it lives, its port, and how to stop or restart it."""

    bin: Path
    folder: Path
    port: int
    # Off for tests (a throwaway cluster need not survive a power cut); on for
    # benches, which compare it with SQLite writing each commit to disk.
    fsync: bool = False

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = "kit") -> str:
        """A store URL for one database of this cluster, as the kit's users write one."""
        return f"postgresql://kit:{PASSWORD}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=check, timeout=120)

    def start(self) -> None:
        """Start the server and wait until it takes connections."""
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "log"),
            "-w",
            "-o",
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
            f" -c fsync={'on' if self.fsync else 'off'} -c max_connections=300",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``fast`` ends every connection; ``immediate`` is a crash)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def restart(self) -> None:
        """Stop the server, ending every connection, and start it again."""
        self.stop()
        self.start()

    def sql(self, statement: str, database: str = "postgres") -> str:
        """Run one statement as the cluster's owner, over its socket; return what psql printed."""
        return self._run(
            "psql",
            "-h",
            str(self.folder),
            "-p",
            str(self.port),
            "-d",
            database,
            "-v",
            "ON_ERROR_STOP=1",
            "-At",
            "-c",
            statement,
        ).stdout

    def create_database(self, name: str) -> str:
        """Create an empty database owned by the kit's role; return its URL."""
        self.sql(f'CREATE DATABASE "{name}" OWNER kit')
        return self.url(name)

    def remove(self) -> None:
        """Stop the server and delete its folder."""
        self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


def start_cluster(fsync: bool = False) -> Cluster:
    """Make and start a cluster with a ``kit`` role (a password, no superuser) and database.

    Raises
    ------
    RuntimeError
        When the machine has no PostgreSQL server programs.
    """
    bin_ = find_bin()
    if bin_ is None:
        raise RuntimeError(
            "PostgreSQL is not installed: apt-get install -y postgresql (scripts/test does it)"
        )
    folder = Path(tempfile.mkdtemp(prefix="kit-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    cluster = Cluster(bin_, folder, _free_port(), fsync)
    (folder / "pw").write_text(PASSWORD + "\n")
    if os.geteuid() == 0:
        shutil.chown(folder / "pw", "postgres", "postgres")
    cluster._run("initdb", "-D", str(cluster.data), "-A", "trust", "-U", "postgres", "-E", "UTF8")
    # Connections over TCP need the password; only the owner's socket is trusted.
    (cluster.data / "pg_hba.conf").write_text(
        "local all postgres trust\nhost all all 127.0.0.1/32 scram-sha-256\n"
    )
    cluster.start()
    for _ in range(50):
        try:
            cluster.sql(f"CREATE ROLE kit LOGIN PASSWORD '{PASSWORD}'")
            break
        except subprocess.CalledProcessError:
            time.sleep(0.1)
    cluster.create_database("kit")
    return cluster
