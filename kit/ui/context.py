"""What a workbook page knows about where it runs: its link's query and the host."""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import parse_qs, quote, urlsplit

from kit.model import TeamSession
from kit.workbooks import START

QUERY_KEYS = ("session", "resume", "key")
# `kit serve` hands each page's kernel the full address of its request in this
# header (kit.server): under preheat, Voilà's own VOILA_REQUEST_URL is the
# address of the request before, since it is set when the kernel is started.
URL_ENV = "HTTP_X_KIT_URL"


def visitor_socket(environ: Mapping[str, str] | None = None) -> str:
    """The address a warm kernel asks for its visitor's request on (Voilà's ``/voila/query``).

    Built from the variables Voilà gives every kernel it starts, as
    ``voila.utils.wait_for_request`` builds it.

    Examples
    --------
    >>> visitor_socket({"VOILA_APP_IP": "127.0.0.1", "VOILA_APP_PORT": "8870", "VOILA_KERNEL_ID": "k1"})
    'ws://127.0.0.1:8870/voila/query/k1'
    """
    env = (os.environ if environ is None else environ).get
    base = env("VOILA_WS_BASE_URL", env("VOILA_SERVER_URL", "/"))
    address = f"{env('VOILA_APP_IP', '127.0.0.1')}:{env('VOILA_APP_PORT', '8866')}"
    return f"{env('VOILA_WS_PROTOCOL', 'ws')}://{address}{base}voila/query/{env('VOILA_KERNEL_ID', '')}"


def await_visitor() -> None:
    """Wait, in a preheated kernel, until a visitor's request has reached it.

    `kit serve` keeps warm kernels that run a page's first cells before
    anyone opens it (Voilà's ``preheat_kernel``). Nothing about the visitor
    (query string, cookies, address) is in the environment until Voilà hands
    the request over, so every reader of it here calls this first; it returns
    at once outside a warm kernel (a plain Voilà page, JupyterLab, papermill)
    and after the first call.

    It does what ``voila.utils.wait_for_request`` does (one message on
    Voilà's query socket: the request's variables) with websockets' own
    client: importing ``voila.utils`` loads the whole Voilà server into the
    kernel, 1.6 s of CPU and 45 MiB in every warm kernel.
    """
    if os.environ.get("VOILA_PREHEAT") != "True":
        return
    import json

    from websockets.sync.client import connect

    # The server is on this machine and answers at once; the visitor may
    # come hours later, so only the opening has a time limit, and no pings:
    # a server too busy to answer one in time (a room arriving) would close
    # the socket and break the page.
    with connect(visitor_socket(), open_timeout=30, ping_interval=None, max_size=2**20) as socket:
        request = json.loads(socket.recv())
    os.environ.update({str(k): str(v) for k, v in request.items()})
    # From now on this kernel is the visitor's, as a kernel started for them is.
    os.environ["VOILA_PREHEAT"] = "False"


def query_params() -> dict[str, str]:
    """Return the page link's ``session``, ``resume`` and ``key`` parameters.

    Voilà hands each page's query string to its kernel as ``QUERY_STRING``;
    in JupyterLab or papermill there is none and this returns ``{}``.
    """
    await_visitor()
    parsed = parse_qs(os.environ.get("QUERY_STRING", ""), keep_blank_values=False)
    return {k: parsed[k][0].strip() for k in QUERY_KEYS if k in parsed and parsed[k][0].strip()}


def in_voila() -> bool:
    """True in a Voilà page's kernel (kit serve, Binder's /voila/render/…).

    Voilà sets ``VOILA_PREHEAT`` in every kernel it starts, with or without
    a request (a preheated kernel); JupyterLab and papermill do not.
    """
    return "VOILA_PREHEAT" in os.environ or "VOILA_BASE_URL" in os.environ


def ephemeral() -> bool:
    """True on a host that keeps nothing after the visit, such as Binder."""
    if os.environ.get("KIT_EPHEMERAL", "").lower() in ("1", "true", "yes"):
        return True
    return any(k in os.environ for k in ("BINDER_LAUNCH_HOST", "BINDER_REQUEST", "BINDER_REPO_URL"))


def css_in_page() -> bool:
    """True when the page's template already carries the kit's stylesheet.

    `kit serve` says so to its kernels (``KIT_PAGE_CSS``); anywhere else
    (JupyterLab, a plain Voilà, Binder) a page brings the stylesheet itself.
    """
    return os.environ.get("KIT_PAGE_CSS", "") == "1"


def page_url() -> str:
    """Return the full address this page was opened at ('' outside Voilà).

    Voilà gives each page's kernel the request's URL, so a coach's page can
    show the join link with the very host name the coach used.
    """
    await_visitor()
    return os.environ.get(URL_ENV) or os.environ.get("VOILA_REQUEST_URL", "")


def client_address() -> str:
    """Return the address of the device this page was opened from ('' outside `kit serve`).

    `kit serve` hands each page's kernel its client's address (kit.server),
    for the rate limits on code look-ups and joins.
    """
    await_visitor()
    return os.environ.get("HTTP_X_KIT_CLIENT", "")


def cookies() -> dict[str, str]:
    """Return the cookies the page's request carried ({} outside `kit serve`)."""
    await_visitor()
    from http.cookies import CookieError, SimpleCookie

    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(os.environ.get("HTTP_COOKIE", ""))
    except CookieError:
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


def join_link(session: TeamSession, here: str = "") -> str:
    """Return the link participants open to join ``session``.

    Built from the address of the coach's own page when there is one, so it
    names the host the coach used.

    Examples
    --------
    >>> s = TeamSession("K7R-M3X", "Desk", "key")
    >>> join_link(s, "http://10.0.0.5:8866/voila/render/coach_dashboard.ipynb?key=x")
    'http://10.0.0.5:8866/voila/render/00_start_here.ipynb?session=K7R-M3X'
    >>> join_link(s)
    '00_start_here.ipynb?session=K7R-M3X'
    """
    tail = f"{START}?session={quote(session.code)}"
    if not here:
        return tail
    parts = urlsplit(here)
    folder = parts.path.rsplit("/", 1)[0]
    return f"{parts.scheme}://{parts.netloc}{folder}/{tail}"
