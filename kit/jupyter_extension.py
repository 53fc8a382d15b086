"""The kit's settings inside a Jupyter server, where Binder runs Voilà.

Binder starts ``jupyter server`` (JupyterLab, and Voilà as a server
extension under ``/voila/render/…``); ``kit serve``'s settings do not reach
it. Enabled by ``binder/postBuild``, this extension gives Voilà's pages
there what ``kit serve`` gives them:

- the kit's page template, with no source and no tracebacks shown;
- the Content-Security-Policy header on every page, and no MathJax from a
  CDN (Voilà's extension otherwise points each page at cdnjs);
- the ``_xsrf`` cookie a page needs for its close request, and a moment of
  grace before that kernel goes, so a left page's kernel goes at once;
- culling of kernels whose page nobody has open (a page that never
  connected, or whose close request never came);
- the client's address and cookies in the page's kernel, and the closing
  page's last typed words saved.

The guards of ``kit serve`` that need its own server (kernel caps per
client, frame checks on its websocket) are left out: a Binder serves one
person, through Jupyter's own kernel websocket.

It changes nothing for JupyterLab's own pages, except that kernels no
client is connected to go after ``CULL_IDLE_SECONDS`` of idleness.
"""

from __future__ import annotations

import os
from typing import Any

from jupyter_server.utils import url_path_join
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.static_file_handler import TemplateStaticFileHandler
from voila.tornado.handler import TornadoVoilaHandler

from kit import serve as settings
from kit.server import (
    CLIENT_HEADER,
    KERNEL_HEADERS,
    KitShutdownKernelHandler,
    KitTemplateStaticFileHandler,
    LastWordsHandler,
)


class KitPageHandler(TornadoVoilaHandler):
    """Voilà's page handler with the kit's header, cookie and client address."""

    def prepare(self) -> Any:
        self.set_header("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        self.request.headers[CLIENT_HEADER] = self.request.remote_ip or ""
        return super().prepare()

    async def get(self, path: str | None = None) -> None:  # type: ignore[override]
        # The page's close request carries this cookie as its proof; Voilà
        # renders pages without setting it (see kit.server_identity).
        self.xsrf_token  # noqa: B018
        await super().get(path)


REPLACED: dict[type, type] = {
    TornadoVoilaHandler: KitPageHandler,
    VoilaShutdownKernelHandler: KitShutdownKernelHandler,
    TemplateStaticFileHandler: KitTemplateStaticFileHandler,
}


def _swapped(spec: Any) -> Any:
    if isinstance(spec, tuple) and len(spec) >= 2 and spec[1] in REPLACED:
        return (spec[0], REPLACED[spec[1]], *spec[2:])
    return spec


def _swap_registered(web_app: Any) -> int:
    """Swap the handlers of routes already added (Voilà loaded before the kit)."""
    swapped = 0
    for host in web_app.default_router.rules:
        for rule in getattr(host.target, "rules", ()):
            if rule.target in REPLACED:
                rule.target = REPLACED[rule.target]
                swapped += 1
    return swapped


def cull_idle_seconds() -> int:
    """Idle seconds before a kernel with no page open goes (``KIT_CULL_IDLE_SECONDS``)."""
    try:
        return max(1, int(os.environ.get("KIT_CULL_IDLE_SECONDS", settings.CULL_IDLE_SECONDS)))
    except ValueError:
        return settings.CULL_IDLE_SECONDS


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "kit.jupyter_extension"}]


def _load_jupyter_server_extension(server_app: Any) -> None:
    web_app = server_app.web_app
    voila = server_app.config.VoilaConfiguration
    for name, value in settings.VOILA_SETTINGS.items():
        voila[name] = value
    voila.http_header_envs = KERNEL_HEADERS
    # Both None, as in Voilà's own app: the page then loads no MathJax at all
    # (Voilà's page script fills in cdnjs when only the address is missing).
    web_app.settings["mathjax_url"] = None
    web_app.settings["mathjax_config"] = None
    web_app.settings["websocket_max_message_size"] = settings.WEBSOCKET_MAX_BYTES

    kernels = server_app.kernel_manager
    idle = cull_idle_seconds()
    kernels.cull_idle_timeout = idle
    kernels.cull_interval = min(settings.CULL_INTERVAL_SECONDS, idle)
    kernels.cull_connected = False  # a page still open is never culled
    kernels.cull_busy = False

    # Voilà's extension loads after this one (jupyter_server loads them in
    # name order) and adds its routes then: they arrive with the kit's
    # handlers. Routes already there are swapped in place.
    add_handlers = web_app.add_handlers

    def add_with_kit_handlers(host_pattern: str, handlers: list) -> None:
        add_handlers(host_pattern, [_swapped(spec) for spec in handlers])

    web_app.add_handlers = add_with_kit_handlers
    _swap_registered(web_app)
    base = web_app.settings.get("base_url", "/")
    add_handlers(".*$", [(url_path_join(base, r"/kit/last-words"), LastWordsHandler)])
    server_app.log.info("Customer Value Workbooks: the kit's page settings are on")


# The name older Jupyter servers look for.
load_jupyter_server_extension = _load_jupyter_server_extension
