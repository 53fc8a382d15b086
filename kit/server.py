"""Voilà with the kit's guards, for ``kit serve``: no visitor can stop the server for others.

Voilà serves every page view with a kernel of its own (some 55 MiB) and
relays the page's websocket frames to it. Left as they are, one visitor can
take the server down for a whole room:

- A binary websocket frame says, in its first bytes, how many parts follow.
  jupyter_server's v1 decoder (``deserialize_msg_from_ws_v1``) and Voilà's
  ``VoilaKernelWebsocketHandler.write_message`` (which reads every outgoing
  frame as v1, even on a connection of the older protocol) both trust that
  count: eight bytes of ``0xFF`` make the server build a list of 10**19
  numbers, and it freezes until its memory runs out. :func:`frame_problem`
  checks every incoming binary frame, in both protocols, before anything
  decodes it; outgoing frames are read with the same bounds.
- Every plain GET of a page starts a kernel, so a script could start
  hundreds. Kernels are capped per server and per client address; a page
  over the cap gets a plain "the room is full" page, and kernels whose page
  never opened its websocket go within a minute.
- A page whose kernel cannot start says so and offers to try again.
- Unknown paths answer 404, not a 500 with Python's traceback in the log.

The same settings reach the page's kernel: its client address
(``HTTP_X_KIT_CLIENT``, for the rate limits on code look-ups) and its cookies
(``HTTP_COOKIE``, so a device that joined a team session is recognised).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from html import escape
from typing import Any, Literal

from jupyter_server.base.handlers import APIHandler, FileFindHandler
from jupyter_server.utils import ensure_async, url_path_join
from tornado import web
from tornado.ioloop import PeriodicCallback
from voila.app import Voila
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.static_file_handler import MultiStaticFileHandler, TemplateStaticFileHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from kit.server_static import (
    KitLabExtensionsHandler,
    KitStaticFileHandler,
    KitTemplateStaticFileHandler,
)

V1 = "v1.kernel.websocket.jupyter.org"
# A kernel message has a handful of parts (channel, header, parent header,
# metadata, content) plus its binary buffers; widgets use a few at most.
MAX_FRAME_PARTS = 64
CLIENT_HEADER = "X-Kit-Client"
# The request's full address: a warm kernel was started before its request,
# so Voilà's VOILA_REQUEST_URL in it is the address of the request before
# (kit.ui.context.page_url reads this one).
URL_HEADER = "X-Kit-Url"
KERNEL_HEADERS = [CLIENT_HEADER, URL_HEADER, "Cookie"]


def frame_problem(frame: bytes, v1: bool) -> str | None:
    """Return what is wrong with a binary websocket frame, or None when it is well formed.

    Parameters
    ----------
    frame : bytes
    v1 : bool
        The connection speaks the v1 kernel protocol (8-byte little-endian
        part count and offsets); otherwise the older one (4-byte big-endian).

    Examples
    --------
    >>> frame_problem(b"\\xff" * 8, v1=True)
    'the frame claims 18446744073709551615 parts'
    >>> from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1
    >>> frame_problem(serialize_msg_to_ws_v1([b"{}", b"{}", b"{}", b"{}"], "shell"), v1=True) is None
    True
    """
    order: Literal["little", "big"] = "little" if v1 else "big"
    width = 8 if v1 else 4
    if len(frame) < width:
        return "the frame is too short"
    count = int.from_bytes(frame[:width], order)
    # v1: the start, the channel, header, parent header, metadata and content
    # offsets at least; the older format: the message, then its buffers.
    if count < (6 if v1 else 1) or count > MAX_FRAME_PARTS:
        return f"the frame claims {count} parts"
    table = width * (count + 1)
    if table > len(frame):
        return "the frame's offsets run past its end"
    offsets = [
        int.from_bytes(frame[width * (i + 1) : width * (i + 2)], order) for i in range(count)
    ]
    if offsets[0] < table or any(b < a for a, b in zip(offsets, offsets[1:], strict=False)):
        return "the frame's offsets are out of order"
    if offsets[-1] > len(frame):
        return "the frame's offsets run past its end"
    return None


def outgoing_header(message: object, v1: bool) -> dict | None:
    """Return the header of a message the server sends a page, read within bounds."""
    import json

    if isinstance(message, dict):
        return message.get("header")
    if not isinstance(message, bytes) or not v1 or frame_problem(message, v1=True):
        # The older protocol sends only messages with buffers as bytes, and
        # those are never the execute_input that Voilà hides.
        return None
    count = int.from_bytes(message[:8], "little")
    offsets = [int.from_bytes(message[8 * (i + 1) : 8 * (i + 2)], "little") for i in range(count)]
    if count < 3:
        return None
    try:
        return json.loads(message[offsets[1] : offsets[2]])
    except ValueError:
        return None


class KernelGuard:
    """Which kernels the kit's pages started, for whom, and whether their page is connected.

    Parameters
    ----------
    max_kernels : int
        Kernels the server runs at once, at most.
    max_per_client : int
        Kernels one client address holds at once, at most.
    unconnected_seconds : float
        A kernel whose page has not opened its websocket by then is shut down.
    """

    def __init__(
        self,
        max_kernels: int,
        max_per_client: int,
        unconnected_seconds: float,
        abandoned_seconds: float = 120.0,
    ):
        self.max_kernels = max_kernels
        self.max_per_client = max_per_client
        self.unconnected_seconds = unconnected_seconds
        self.abandoned_seconds = abandoned_seconds
        self.rendered_at: dict[str, float] = {}  # kernel id -> when its page was sent
        self.clients: dict[str, str] = {}  # kernel id -> client address
        self.pages: dict[str, str] = {}  # kernel id -> the notebook its page shows
        self.started: dict[str, float] = {}
        self.sockets: dict[str, int] = {}  # kernel id -> open websockets
        self.ever_connected: set[str] = set()
        self.left_at: dict[str, float] = {}  # kernel id -> when its last websocket closed
        self.reserved: dict[str, int] = {}  # client -> page loads between check and start

    def forget(self, alive: set[str]) -> None:
        """Drop what is known of kernels that are gone."""
        from voila.request_info_handler import RequestInfoSocketHandler

        for kernel_id in set(self.clients) - alive:
            self.clients.pop(kernel_id, None)
            self.pages.pop(kernel_id, None)
            # Voilà keeps each warm kernel's request (its cookies among them)
            # until the server stops; it is only needed until the kernel reads it.
            RequestInfoSocketHandler._cache.pop(kernel_id, None)
            self.started.pop(kernel_id, None)
            self.sockets.pop(kernel_id, None)
            self.ever_connected.discard(kernel_id)
            self.left_at.pop(kernel_id, None)
            self.rendered_at.pop(kernel_id, None)

    def mine(self, client: str) -> int:
        """Kernels ``client`` holds, with the places it has reserved."""
        held = sum(1 for c in self.clients.values() if c == client)
        return held + self.reserved.get(client, 0)

    def reserve(self, client: str, alive: set[str]) -> bool:
        """Hold a place for one more kernel for ``client``; False when the room is full.

        Runs without awaiting, so two page loads at once cannot both take the last place.
        """
        self.forget(alive)
        pending = sum(self.reserved.values())
        # Warm kernels waiting in a pool are nobody's yet: the cap is on pages.
        if (
            len(self.clients) + pending >= self.max_kernels
            or self.mine(client) >= self.max_per_client
        ):
            return False
        self.reserved[client] = self.reserved.get(client, 0) + 1
        return True

    def release(self, client: str) -> None:
        """Give back a place held by :meth:`reserve`."""
        left = self.reserved.get(client, 0) - 1
        if left > 0:
            self.reserved[client] = left
        else:
            self.reserved.pop(client, None)

    def record(self, kernel_id: str, client: str, page: str = "") -> None:
        """Note a kernel started for (or handed to) ``client``, showing ``page``."""
        self.clients[kernel_id] = client
        self.pages[kernel_id] = page
        self.started[kernel_id] = time.monotonic()

    def open_pages(self) -> dict[str, int]:
        """Pages in use now, by notebook."""
        counts: dict[str, int] = {}
        for page in self.pages.values():
            counts[page] = counts.get(page, 0) + 1
        return counts

    def opened(self, kernel_id: str) -> None:
        """A page opened its websocket to ``kernel_id``."""
        self.sockets[kernel_id] = self.sockets.get(kernel_id, 0) + 1
        self.ever_connected.add(kernel_id)
        self.left_at.pop(kernel_id, None)

    def closed(self, kernel_id: str) -> None:
        """A page's websocket to ``kernel_id`` closed."""
        left = self.sockets.get(kernel_id, 0) - 1
        self.sockets[kernel_id] = max(0, left)
        if left <= 0:
            self.left_at[kernel_id] = time.monotonic()

    def rendered(self, kernel_id: str) -> None:
        """The page of ``kernel_id`` has been sent (or its request ended): its clock starts."""
        self.rendered_at.setdefault(kernel_id, time.monotonic())

    def unconnected(self, now: float | None = None) -> list[str]:
        """Kernels whose page, once sent, never opened its websocket in time.

        The clock starts when the page has been sent, not when its kernel
        started: under load a page can take a while to run its cells.
        """
        now = time.monotonic() if now is None else now
        return [
            k
            for k, at in self.rendered_at.items()
            if k not in self.ever_connected and now - at > self.unconnected_seconds
        ]

    def abandoned(self, client: str, now: float | None = None) -> str | None:
        """The kernel ``client`` left longest ago (its page gone, no websocket), if any.

        When a device is at its cap and opens another page, that kernel makes
        room: its page was closed without telling the server (a crashed tab,
        a phone that dropped it), since the page's websocket has been gone
        for ``abandoned_seconds`` (two minutes: a phone locked for a moment
        keeps its page).
        """
        now = time.monotonic() if now is None else now
        gone = [
            (at, k)
            for k, at in self.left_at.items()
            if self.clients.get(k) == client and now - at > self.abandoned_seconds
        ]
        return min(gone)[1] if gone else None


class _RecordingKernels:
    """The server's kernel manager, noting which client each new or warm kernel is for."""

    def __init__(
        self, manager: Any, on_start: Callable[[str], None], keeper: PoolKeeper | None = None
    ):
        self._manager = manager
        self._on_start = on_start
        self._keeper = keeper

    def __getattr__(self, name: str) -> Any:
        return getattr(self._manager, name)

    async def start_kernel(self, *args: Any, **kwargs: Any) -> str:
        if self._keeper is not None:
            self._keeper.arrived()
        kernel_id = await ensure_async(self._manager.start_kernel(*args, **kwargs))
        self._on_start(kernel_id)
        return kernel_id

    async def get_rendered_notebook(self, *args: Any, **kwargs: Any) -> Any:
        # Voilà would start the kernel that refills the pool with this
        # request's address (and so its resume code) in its environment, for
        # whoever opens the page next: the refill gets none (URL_HEADER).
        kwargs["extra_kernel_env_variables"] = {}
        if self._keeper is not None:
            self._keeper.resize(arriving=kwargs.get("notebook_name", ""))
        task, rendered, kernel_id = await self._manager.get_rendered_notebook(*args, **kwargs)
        self._on_start(kernel_id)
        return task, rendered, kernel_id


def _guard(handler: web.RequestHandler) -> KernelGuard:
    return handler.settings["kit_kernel_guard"]


PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="{refresh}"><title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:34em;margin:3em auto;padding:0 1em;
line-height:1.5;color:#1f2933}}a.kit-retry{{display:inline-block;margin-top:1em;padding:.6em 1.2em;
background:#1f6feb;color:#fff;border-radius:4px;text-decoration:none}}</style></head>
<body><h1>{title}</h1><p>{text}</p><a class="kit-retry" href="{again}">Try again</a></body></html>"""


def plain_page(title: str, text: str, again: str, refresh: int = 60) -> str:
    """A page with no script: what a person sees when their page cannot start."""
    return PAGE.format(
        title=escape(title), text=escape(text), again=escape(again, quote=True), refresh=refresh
    )


ROOM_FULL = (
    "The room is full",
    "This server is running as many pages as it can just now. Try again in a minute: "
    "pages that people close make room. Your answers so far are saved.",
)
NOT_STARTED = (
    "This page could not start",
    "The server could not start this page just now. Try again in a moment; your answers "
    "so far are saved.",
)


class KitVoilaHandler(TornadoVoilaHandler):
    """Voilà's page handler, within the kernel caps, telling the kernel who is asking."""

    _kit_started: str | None = None
    _kit_reserved = False
    _kit_page = ""

    @property
    def kernel_manager(self) -> Any:  # type: ignore[override]
        return _RecordingKernels(
            self.settings["kernel_manager"],
            self._kit_kernel_started,
            self.settings.get("kit_pool_keeper"),
        )

    def _kit_kernel_started(self, kernel_id: str) -> None:
        # The kernel now counts itself: the place held for it is given back at
        # once, not when the page has been sent (it would count twice till then).
        client = self.request.remote_ip or ""
        guard = _guard(self)
        guard.record(kernel_id, client, self._kit_page)
        self._kit_started = kernel_id
        if self._kit_reserved:
            self._kit_reserved = False
            guard.release(client)

    def prepare(self) -> Any:
        # The kernel learns its client's address from this header (never the
        # client's own: it is overwritten here), for the rate limits.
        self.request.headers[CLIENT_HEADER] = self.request.remote_ip or ""
        self.request.headers[URL_HEADER] = self.request.full_url()
        return super().prepare()

    async def get(self, path: str | None = None) -> None:  # type: ignore[override]
        guard = _guard(self)
        client = self.request.remote_ip or ""
        self._kit_page = (path or "").strip("/")
        manager = self.settings["kernel_manager"]
        guard.forget(set(manager.list_kernel_ids()))
        if guard.mine(client) >= guard.max_per_client:
            left = guard.abandoned(client)
            if left is not None:
                self.log.info("kernel %s makes room: its page is gone", left)
                guard.forget(set(manager.list_kernel_ids()) - {left})
                await ensure_async(manager.shutdown_kernel(left))
        if not guard.reserve(client, set(manager.list_kernel_ids())):
            self.log.warning("room full: refused a page for %s", client)
            self._plain(503, *ROOM_FULL)
            return
        self._kit_reserved = True
        try:
            await super().get(path)
        except web.HTTPError:
            raise
        except Exception:  # noqa: BLE001 - the person gets a page that says what to do
            self.log.exception("a page could not start")
            if self._headers_written:
                raise
            self.clear()
            self._plain(503, *NOT_STARTED)
        finally:
            if self._kit_reserved:
                self._kit_reserved = False
                guard.release(client)
            if self._kit_started:
                guard.rendered(self._kit_started)

    def _plain(self, status: int, title: str, text: str) -> None:
        self.set_status(status)
        self.set_header("Retry-After", "60")
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(plain_page(title, text, self.request.uri or "."))


class KitKernelWebsocketHandler(VoilaKernelWebsocketHandler):
    """The page's kernel websocket, with every binary frame checked before it is decoded."""

    def _v1(self) -> bool:
        return self.selected_subprotocol == V1

    async def open(self, kernel_id: str) -> None:  # type: ignore[override]
        self._kit_kernel = kernel_id
        _guard(self).opened(kernel_id)
        await super().open(kernel_id)

    def on_close(self) -> None:
        kernel_id = getattr(self, "_kit_kernel", None)
        if kernel_id:
            _guard(self).closed(kernel_id)
        super().on_close()

    def on_message(self, ws_message: str | bytes) -> None:
        if isinstance(ws_message, bytes):
            problem = frame_problem(ws_message, self._v1())
            if problem:
                self.log.warning(
                    "closed a kernel websocket from %s: %s", self.request.remote_ip, problem
                )
                self.close(1003, "malformed frame")
                return
        elif self._v1():
            self.log.warning("closed a kernel websocket: text frame on the v1 protocol")
            self.close(1003, "malformed frame")
            return
        super().on_message(ws_message)

    def write_message(self, message: Any, binary: bool = False) -> Any:
        header = outgoing_header(message, self._v1())
        if header and header.get("msg_type") == "execute_input":
            return None  # as Voilà: the page is not shown the code it runs
        return super(VoilaKernelWebsocketHandler, self).write_message(message, binary)


# A closing page's last keys may still be on their way to its kernel on the
# shell channel while the close request goes ahead on the control channel.
CLOSE_GRACE_SECONDS = 1.0


class KitShutdownKernelHandler(VoilaShutdownKernelHandler):
    """The close request of a page that is left: the kernel gets a moment to take the last keys."""

    async def post(self, kernel_id: str) -> None:  # type: ignore[override]
        import asyncio

        await asyncio.sleep(CLOSE_GRACE_SECONDS)
        await super().post(kernel_id)


class LastWordsHandler(APIHandler):
    """The text a closing page sends with its last breath (``navigator.sendBeacon``).

    ipywidgets sends a text box's changes one at a time, each waiting for the
    kernel's reply; keys typed a moment before the tab closes can still be in
    the browser then, and would be lost with the page. The page script sends
    each box it saw typed in, with the page's kernel id; the text is saved
    once that kernel has shut down, so the kernel's own last save, which may
    hold fewer keys, never lands after it.
    """

    WAIT_SECONDS = 15.0
    MAX_BYTES = 64 * 1024  # a page's text boxes: 5,000 characters each at most
    MAX_PER_CLIENT = 20  # a room behind one router, closing its pages at once
    pending: dict[str, str] = {}  # kernel id -> client, for beacons waiting on their kernel

    @web.authenticated
    async def post(self) -> None:
        import asyncio
        import json
        from datetime import UTC, datetime

        from kit.database import open_store
        from kit.instruments.storage import save_last_words

        client = self.request.remote_ip or ""
        if len(self.request.body) > self.MAX_BYTES:
            raise web.HTTPError(413)
        kernel = self.get_body_argument("kernel", "")
        waiting = self.pending
        if kernel in waiting or sum(c == client for c in waiting.values()) >= self.MAX_PER_CLIENT:
            raise web.HTTPError(429)

        code = self.get_body_argument("code", "")
        try:
            entries = json.loads(self.get_body_argument("entries", "[]"))
        except ValueError:
            raise web.HTTPError(400) from None
        if not isinstance(entries, list):
            raise web.HTTPError(400)
        self.set_status(204)
        self.finish()
        waiting[kernel] = client
        try:
            deadline = time.monotonic() + self.WAIT_SECONDS
            while kernel in self.kernel_manager.list_kernel_ids() and time.monotonic() < deadline:
                await asyncio.sleep(0.25)
        finally:
            waiting.pop(kernel, None)
        # Saves from now on are not this page's kernel's (it is gone): they
        # come from another window, and are newer than this page's text.
        since = datetime.now(UTC).replace(microsecond=0).isoformat()

        def save() -> int:
            store = open_store()
            try:
                return save_last_words(store, code, entries, client, since)
            finally:
                store.close()

        try:
            changed = await asyncio.get_running_loop().run_in_executor(None, save)
        except Exception:  # noqa: BLE001 - the page is gone; the log is all that can know
            self.log.exception("a closing page's text could not be saved")
            return
        if changed:
            self.log.info("saved %d typed answer(s) a closing page sent", changed)


class PoolKeeper:
    """Keeps Voilà's warm kernel pools at the sizes :func:`kit.pools.pool_targets` asks for.

    Every few seconds it reads the open team sessions and the pages in use,
    starts kernels where a pool is short (a few at a time: starts are
    CPU-bound) and shuts down warm kernels a pool no longer needs (a session
    closed, the room moved on, open pages need the memory).

    It starts none while people are arriving: a kernel's start takes about a
    second of CPU, and a room opening its pages at once needs every core for
    their pages (bench/room.py). Pools refill once no page has been opened
    for ``quiet_seconds``.
    """

    def __init__(
        self, manager: Any, guard: KernelGuard, budget: Any, log: Any, quiet_seconds: float = 4.0
    ):
        self.manager = manager
        self.guard = guard
        self.budget = budget
        self.log = log
        self.quiet_seconds = quiet_seconds
        self.targets: dict[str, int] = {}
        self.sessions_read_at = 0.0
        self.sessions: list = []
        self.last_arrival = float("-inf")

    def arrived(self) -> None:
        """Someone is opening a page: hold the refills back until the room is quiet."""
        self.last_arrival = time.monotonic()

    def quiet(self) -> bool:
        """True once no page has been opened for ``quiet_seconds``."""
        return time.monotonic() - self.last_arrival >= self.quiet_seconds

    def _ready(self, task: Any) -> str | None:
        """The kernel id of a pool entry that is ready for a visitor, else None.

        Ready means its page has run every cell that does not depend on the
        visitor: it waits for their request (kit.ui.context.await_visitor),
        or it has run all its cells. A kernel merely started still imports
        and builds for a few seconds of CPU.
        """
        from voila.request_info_handler import RequestInfoSocketHandler

        if not task.done() or task.cancelled() or task.exception() is not None:
            return None
        kernel_id = task.result()["kernel_id"]
        if kernel_id in RequestInfoSocketHandler._waiters:
            return kernel_id
        try:
            idle = self.manager.get_kernel(kernel_id).execution_state == "idle"
        except KeyError:
            return None
        return kernel_id if idle and task.result()["task"].done() else None

    def warm(self) -> dict[str, list[str]]:
        """Warm kernels ready in each pool (their kernel ids)."""
        ready: dict[str, list[str]] = {}
        for page, pool in self.manager._pools.items():
            ready[page] = [k for k in map(self._ready, pool) if k]
        return ready

    def starting(self) -> int:
        """Warm kernels still starting or running their page's first cells, in all pools."""
        return sum(
            1 for pool in self.manager._pools.values() for t in pool if self._ready(t) is None
        )

    def _open_sessions(self) -> list:
        from kit.database import open_store

        store = open_store()
        try:
            return [s for s in store.team_sessions() if not (s.closed or s.demo)]
        finally:
            store.close()

    def resize(self, arriving: str = "") -> dict[str, int]:
        """Work out each pool's size, and tell Voilà (it refills a pool to it after a use).

        ``arriving`` is a page whose warm kernel is being handed to a visitor
        right now: counted as open already, so Voilà does not start a kernel
        to replace it that the next tick would find surplus and stop.
        """
        from kit.pools import MAX_STARTING, pool_targets

        if arriving:
            self.arrived()
        self.guard.forget(set(self.manager.list_kernel_ids()))
        in_use = self.guard.open_pages()
        if arriving:
            in_use[arriving] = in_use.get(arriving, 0) + 1
        targets = pool_targets(self.sessions, self.budget, in_use)
        for page in set(self.manager._pools) - set(targets):
            targets[page] = 0
        self.targets = targets
        grant = max(0, MAX_STARTING - self.starting()) if self.quiet() else 0
        config = dict(self.manager.kernel_pools_config)
        sizes = {}
        for page, wanted in targets.items():
            have = len(self.manager._pools.get(page, [])) - (1 if page == arriving else 0)
            size = min(wanted, max(have, 0) + grant)
            grant -= max(0, size - have)
            config[page] = {"pool_size": size}
            sizes[page] = size
        self.manager.kernel_pools_config = config
        return sizes

    async def tick(self) -> None:
        import asyncio

        if time.monotonic() - self.sessions_read_at > 2.0:
            try:
                loop = asyncio.get_running_loop()
                self.sessions = await loop.run_in_executor(None, self._open_sessions)
            except Exception:  # noqa: BLE001 - keep the pools as they are; pages still open
                self.log.exception("warm kernels: the open sessions could not be read")
            self.sessions_read_at = time.monotonic()
        sizes = self.resize()
        for page, size in sizes.items():
            pool = self.manager._pools.get(page, [])
            if len(pool) < size:
                self.manager.fill_if_needed(delay=0, notebook_name=page)
            elif len(pool) > self.targets[page]:
                await self._shrink(page, pool, self.targets[page])

    async def _shrink(self, page: str, pool: list, wanted: int) -> None:
        extra = [t for t in pool if t.done()][: len(pool) - wanted]
        for task in extra:
            pool.remove(task)
            try:
                warm = task.result()
            except Exception:  # noqa: BLE001 - a kernel that never started: nothing to stop
                continue
            kernel_id = warm["kernel_id"]
            # Its page's cells stop first, or Voilà logs them as run on a dead kernel.
            warm["task"].cancel()
            self.log.info("warm kernel %s for %s is no longer needed", kernel_id, page)
            try:
                await ensure_async(self.manager.shutdown_kernel(kernel_id))
            except Exception:  # noqa: BLE001 - gone already
                self.log.debug("warm kernel %s was already gone", kernel_id)

    def status(self) -> dict[str, Any]:
        """What the pools hold and aim for (``/kit/pools``, for tests and benchmarks)."""
        warm = self.warm()
        pids = {}
        for ids in warm.values():
            for kernel_id in ids:
                try:
                    pids[kernel_id] = self.manager.get_kernel(kernel_id).provisioner.pid
                except Exception:  # noqa: BLE001 - shutting down
                    continue
        return {
            "targets": self.targets,
            "warm": {page: len(ids) for page, ids in warm.items()},
            "warm_pids": sorted(p for p in pids.values() if p),
            "starting": self.starting(),
            "open_pages": self.guard.open_pages(),
        }


class PoolsHandler(APIHandler):
    """``/kit/pools``: the warm kernels, as JSON, for this machine only."""

    @web.authenticated
    def get(self) -> None:
        import json

        if self.request.remote_ip not in ("127.0.0.1", "::1"):
            raise web.HTTPError(404)
        keeper: PoolKeeper | None = self.settings.get("kit_pool_keeper")
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(keeper.status() if keeper else {}))


_REPLACED = {
    VoilaShutdownKernelHandler: KitShutdownKernelHandler,
    TornadoVoilaHandler: KitVoilaHandler,
    VoilaKernelWebsocketHandler: KitKernelWebsocketHandler,
    TemplateStaticFileHandler: KitTemplateStaticFileHandler,
    MultiStaticFileHandler: KitStaticFileHandler,
    FileFindHandler: KitLabExtensionsHandler,
}


class KitVoila(Voila):
    """Voilà with the kit's handlers and kernel guard (see the module's docstring)."""

    def init_handlers(self) -> list:
        handlers = [
            (url_path_join(self.server_url, r"/kit/last-words"), LastWordsHandler),
            (url_path_join(self.server_url, r"/kit/pools"), PoolsHandler),
        ]
        for spec in super().init_handlers():
            pattern, handler, *rest = spec
            handlers.append((pattern, _REPLACED.get(handler, handler), *rest))
        return handlers

    def listen(self) -> None:
        # The page itself (some 60 kB of HTML, streamed cell by cell) goes out
        # gzipped (scripts and styles are compressed once each: kit.server_static).
        # Voilà applies its tornado settings after making the app, too late for
        # tornado's compress_response, so the transform is added here.
        if web.GZipContentEncoding not in self.app.transforms:
            self.app.transforms.append(web.GZipContentEncoding)
        guard: KernelGuard = self.app.settings["kit_kernel_guard"]
        manager = self.kernel_manager

        async def cull() -> None:
            guard.forget(set(manager.list_kernel_ids()))
            for kernel_id in guard.unconnected():
                self.log.info("shutting down kernel %s: its page never connected", kernel_id)
                guard.forget(set(manager.list_kernel_ids()) - {kernel_id})
                try:
                    await ensure_async(manager.shutdown_kernel(kernel_id))
                except Exception:  # noqa: BLE001 - gone already, or going
                    self.log.debug("kernel %s was already gone", kernel_id)

        every = max(1.0, min(10.0, guard.unconnected_seconds / 4)) * 1000
        PeriodicCallback(cull, every).start()
        budget = self.app.settings.get("kit_budget")
        if self.voila_configuration.preheat_kernel and budget is not None:
            keeper = PoolKeeper(manager, guard, budget, self.log)
            self.app.settings["kit_pool_keeper"] = keeper
            PeriodicCallback(keeper.tick, 1000).start()
        if self.app.settings.get("kit_trust_proxy"):
            # Behind a proxy the kit's owner runs, each visitor's address is in
            # X-Forwarded-For / X-Real-IP; without this they would all share one.
            listen = self.app.listen
            self.app.listen = lambda port, address="", **kw: listen(  # type: ignore[method-assign]
                port, address, xheaders=True, **kw
            )
        super().listen()
