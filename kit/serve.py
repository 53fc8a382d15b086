"""``kit serve``: Voilà over the workbooks, with the kit's template and settings.

The settings live here, in one place, so every way of starting the app (the
command, the tests, the benchmarks) serves the same thing.
"""

from __future__ import annotations

import dataclasses
import os
import socket
import threading
import webbrowser
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from kit.model import TeamSession
from kit.paths import PACKAGE_DIR, jupyter_share_dir, workbooks_dir
from kit.pools import DEFAULT_ROOM, MEMORY_BUDGET_MIB, Budget
from kit.store.upkeep import redacted, without_password
from kit.workbooks import DASHBOARD, START

START_PAGE = START
# A closed page's kernel goes after 10 idle minutes; a page still open is never
# culled (cull_connected stays False), however long its reader thinks.
CULL_IDLE_SECONDS = 600
CULL_INTERVAL_SECONDS = 60
# Kernels at once: some 55 MiB each, so 60 are about 3.3 GiB; a room of 30
# people moving between pages holds about 30 (a left page's kernel goes at once).
MAX_KERNELS = 60
MAX_KERNELS_PER_CLIENT = 10  # a coach's own tabs, or one phone going back and forth
UNCONNECTED_SECONDS = 60  # a page whose websocket never opened (a script's GET)
# Answer files are tens of kilobytes; a coach uploads a room's files at once.
WEBSOCKET_MAX_BYTES = 32 * 1024 * 1024
IOPUB_SECONDS = 60
# What the browser may load: only this server. Widgets need inline styles,
# eval (the widget manager) and data: images and links.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'self'"
)


# How Voilà shows a page, the same under `kit serve` and in a Jupyter server
# (Binder, kit.jupyter_extension).
VOILA_SETTINGS: dict[str, object] = {
    "template": "kit",
    "theme": "light",
    "strip_sources": True,
    "show_tracebacks": False,
}


class ServeError(RuntimeError):
    """The server cannot start; the message says what to change."""


@dataclass(frozen=True)
class ServeOptions:
    """How to run the server."""

    host: str = "127.0.0.1"
    port: int = 8866
    open_browser: bool = True
    root: Path | None = None
    cull_idle_seconds: int = CULL_IDLE_SECONDS
    cull_interval_seconds: int = CULL_INTERVAL_SECONDS
    max_kernels: int = MAX_KERNELS
    max_kernels_per_client: int = MAX_KERNELS_PER_CLIENT
    unconnected_seconds: float = UNCONNECTED_SECONDS
    abandoned_seconds: float = 120.0  # a page's websocket gone this long: its kernel may go
    trust_proxy: bool = False  # take visitors' addresses from X-Forwarded-For (kit.server)
    room: int = DEFAULT_ROOM  # people expected at once: warm kernels for them (kit.pools)
    preheat: bool = True  # keep warm kernels for the pages a room opens (kit.pools)
    memory_mib: int = MEMORY_BUDGET_MIB  # pages and warm kernels of this server, at most


def worker_options(options: ServeOptions, workers: int, port: int) -> ServeOptions:
    """One worker's share: its own port on 127.0.0.1, and 1/N of the room, memory and kernels.

    Examples
    --------
    >>> w = worker_options(ServeOptions(room=30, max_kernels=60), 4, 9001)
    >>> w.host, w.port, w.room, w.max_kernels, w.memory_mib, w.trust_proxy, w.open_browser
    ('127.0.0.1', 9001, 8, 15, 1024, True, False)
    """
    return dataclasses.replace(
        options,
        host="127.0.0.1",  # only the proxy reaches a worker
        port=port,
        open_browser=False,
        trust_proxy=True,  # each visitor's address comes in X-Forwarded-For
        room=-(-options.room // workers),  # shares rounded up
        max_kernels=-(-options.max_kernels // workers),
        memory_mib=options.memory_mib // workers,
    )


def port_is_free(host: str, port: int) -> bool:
    """True when ``port`` can be bound on ``host``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host if host not in ("", "0.0.0.0") else "0.0.0.0", port))
        except OSError:
            return False
    return True


def choose_port(host: str, port: int, explicit: bool) -> int:
    """Return ``port`` if free; else, unless it was asked for, the next free one."""
    if port_is_free(host, port):
        return port
    if explicit:
        raise ServeError(f"port {port} is already in use: choose another with --port")
    for candidate in range(port + 1, port + 50):
        if port_is_free(host, candidate):
            return candidate
    raise ServeError(f"no free port between {port} and {port + 49}: choose one with --port")


def voila_argv(options: ServeOptions) -> list[str]:
    """Return Voilà's command-line arguments for ``options``."""
    root = options.root or workbooks_dir()
    return [
        str(root),
        f"--port={options.port}",
        f"--Voila.ip={options.host}",
        "--Voila.port_retries=0",
        "--no-browser",
        *(f"--VoilaConfiguration.{name}={value}" for name, value in VOILA_SETTINGS.items()),
        f"--MappingKernelManager.cull_idle_timeout={options.cull_idle_seconds}",
        f"--MappingKernelManager.cull_interval={options.cull_interval_seconds}",
        "--MappingKernelManager.cull_connected=False",
        "--MappingKernelManager.cull_busy=False",
        # Warm kernels (kit.pools): no pool until kit.server's keeper sizes one.
        f"--VoilaConfiguration.preheat_kernel={options.preheat}",
        "--VoilaConfiguration.default_pool_size=0",
    ]


def voila_config(options: ServeOptions | None = None):
    """Return the settings that cannot be said on a command line (nested values)."""
    from traitlets.config import Config

    from kit.server import KERNEL_HEADERS, KernelGuard
    from kit.server_identity import KitIdentityProvider

    options = options or ServeOptions()
    config = Config()
    config.Voila.identity_provider_class = KitIdentityProvider
    config.Voila.tornado_settings = {
        "headers": {"Content-Security-Policy": CONTENT_SECURITY_POLICY},
        "websocket_max_message_size": WEBSOCKET_MAX_BYTES,
        "kit_trust_proxy": options.trust_proxy,
        "kit_budget": Budget(room=options.room, total_mib=options.memory_mib),
        "kit_kernel_guard": KernelGuard(
            options.max_kernels,
            options.max_kernels_per_client,
            options.unconnected_seconds,
            options.abandoned_seconds,
        ),
    }
    # How long Voilà waits for a cell's output once the kernel says the cell ran.
    # Its 4 s default drops the output (a page without its questionnaire) when a
    # room's pages start at once on a small machine (seen with 12 at once).
    config.VoilaExecutor.iopub_timeout = IOPUB_SECONDS
    # The page's kernel learns its client's address and cookies (kit.server).
    config.VoilaConfiguration.http_header_envs = KERNEL_HEADERS
    return config


def voila_env(
    store_location: str, base: dict[str, str] | None = None, host: str = "127.0.0.1"
) -> dict[str, str]:
    """Return the environment for the server and, through it, every page's kernel."""
    env = dict(os.environ if base is None else base)
    # A PostgreSQL location carries no password: the kernels get the KIT_STORE
    # this server was given (with a password written in it, if it had one);
    # a password file stays a file, which they read themselves.
    given = env.get("KIT_STORE", "")
    env["KIT_STORE"] = (
        given if given and without_password(given) == store_location else store_location
    )
    # A warm kernel asks the server for its visitor's request on this address
    # (kit.ui.context.await_visitor): the one the server listens on.
    env["VOILA_APP_IP"] = "127.0.0.1" if host in ("", "0.0.0.0", "localhost") else host
    env["KIT_PAGE_CSS"] = "1"  # the kit template carries the stylesheet (kit.ui.context)
    share = str(jupyter_share_dir())
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (share, env.get("JUPYTER_PATH", "")) if p)
    return env


def page_urls(host: str, port: int, page: str = START_PAGE) -> list[str]:
    """Return the URLs people can open, the local one first."""
    local = "localhost" if host in ("127.0.0.1", "localhost", "0.0.0.0", "") else host
    urls = [f"http://{local}:{port}/voila/render/{page}"]
    if host in ("0.0.0.0", ""):
        try:
            lan = socket.gethostbyname(socket.gethostname())
        except OSError:
            lan = ""
        if lan and not lan.startswith("127."):
            urls.append(f"http://{lan}:{port}/voila/render/{page}")
    return urls


SESSIONS_SHOWN = 5


def session_links(base: str, session: TeamSession) -> tuple[str, str]:
    """Return (participant link, coach link) of a team session on the server at ``base``."""
    join = f"{base}/voila/render/{START_PAGE}?session={quote(session.code)}"
    coach = f"{base}/voila/render/{DASHBOARD}?key={quote(session.coach_key)}"
    return join, coach


def session_lines(base: str, session: TeamSession) -> list[str]:
    """Describe a team session and its two links, for a terminal."""
    join, coach = session_links(base, session)
    kind = "anonymous" if session.anonymous else "named"
    state = ", closed" if session.closed else ""
    return [
        f"  {session.code}  {session.title} ({kind}, results from {session.min_group} people{state})",
        f"    participants: {join}",
        f"    coach:        {coach}",
    ]


def _serving_dir() -> Path:
    from jupyter_core.paths import jupyter_runtime_dir

    return Path(jupyter_runtime_dir())


def record_serving(base: str, store_location: str, folder: Path | None = None) -> Path | None:
    """Leave a note of this server's address for its store while it runs.

    ``kit demo`` and ``kit session`` read it (:func:`serving_url`), so the
    links they print carry the port ``kit serve`` chose, not 8866 when that
    one was taken. The note names this process and is removed when it ends.
    """
    import atexit
    import json

    folder = folder or _serving_dir()
    note = folder / f"kit-serve-{os.getpid()}.json"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        note.write_text(json.dumps({"url": base, "store": store_location, "pid": os.getpid()}))
    except OSError:
        return None  # a read-only home: the commands fall back to --url's default
    atexit.register(note.unlink, missing_ok=True)
    return note


def serving_url(store_location: str, folder: Path | None = None) -> str | None:
    """The address of a running ``kit serve`` on this store, or None.

    Examples
    --------
    >>> import tempfile
    >>> here = Path(tempfile.mkdtemp())
    >>> _ = record_serving("http://localhost:8867", "/data/team.sqlite3", here)
    >>> serving_url("/data/team.sqlite3", here), serving_url("/data/other.sqlite3", here)
    ('http://localhost:8867', None)
    """
    import json

    folder = folder or _serving_dir()
    for note in sorted(folder.glob("kit-serve-*.json")) if folder.is_dir() else ():
        try:
            record = json.loads(note.read_text())
        except (OSError, ValueError):
            continue
        try:
            os.kill(int(record["pid"]), 0)  # raises when that server has gone
        except (OSError, ValueError, KeyError, TypeError):
            note.unlink(missing_ok=True)  # left by a server that was killed
            continue
        if record.get("store") == store_location:
            return str(record["url"])
    return None


def precompile(package: Path | None = None) -> bool:
    """Write the kit's bytecode once, so no page's kernel compiles the kit's modules.

    Every page starts a new kernel that imports the kit. Where Python is told
    not to write bytecode (``PYTHONDONTWRITEBYTECODE``, common in containers)
    or the kit is an editable checkout, each kernel would otherwise compile
    every module from source again, at every page load. Returns False when the
    folder cannot be written (a read-only install), which is harmless.
    """
    import compileall

    try:
        return bool(compileall.compile_dir(package or PACKAGE_DIR, quiet=2))
    except OSError:
        return False


def banner(
    options: ServeOptions,
    store_location: str,
    sessions: Sequence[TeamSession] = (),
    workers: int = 1,
) -> list[str]:
    """Print what a person starting the app needs: where to open it, where data goes, the sessions.

    Returns the URLs people can open, the local one first.
    """
    urls = page_urls(options.host, options.port)
    many = f" on {workers} workers behind HAProxy" if workers > 1 else ""
    print(f"Customer Value Workbooks is running{many}.")
    for url in urls:
        print(f"  Open: {url}")
    print(f"  Answers are stored in: {redacted(store_location)}")
    if options.preheat:
        share = options
        if workers > 1:
            print(f"  Each of the {workers} workers, for its share of the room:")
            share = worker_options(options, workers, options.port)
        for line in Budget(room=share.room, total_mib=share.memory_mib).lines():
            print(line)
    if sessions:
        base = urls[-1].split("/voila/")[0]  # the address the team can reach
        print("  Open team sessions:")
        for team in sessions[:SESSIONS_SHOWN]:
            for line in session_lines(base, team):
                print("  " + line)
        if len(sessions) > SESSIONS_SHOWN:
            print(f"    ... and {len(sessions) - SESSIONS_SHOWN} more: kit session list")
    print("  Stop with Ctrl+C.", flush=True)
    return urls


def serve(
    options: ServeOptions,
    store_location: str,
    sessions: Sequence[TeamSession] = (),
    worker: bool = False,
) -> None:
    """Run Voilà in this process until it is stopped (Ctrl+C).

    A ``worker`` (one of ``kit serve --workers``, :mod:`kit.serve_workers`)
    prints no banner and leaves no note of its address: the proxy's is the one.
    """
    from kit.server import KitVoila

    precompile()

    os.environ.update(voila_env(store_location, host=options.host))
    if not worker:
        urls = banner(options, store_location, sessions)
        record_serving(urls[-1].split("/voila/")[0], store_location)
        if options.open_browser:
            threading.Timer(2.0, webbrowser.open, args=(urls[0],)).start()
    KitVoila.launch_instance(argv=voila_argv(options), config=voila_config(options))
