"""The scripts and styles a page loads, served for a room on one Wi-Fi.

A Voilà page loads some 90 scripts and styles, about 5 MB. Voilà serves
them uncompressed, its own scripts with no Cache-Control and the widget
extensions' with ``no-cache``, so every page a person opens asks for all of
them again. For a room of phones sharing a venue's Wi-Fi that is the wait.
`kit serve` serves them:

- gzipped, each file compressed once per server and kept in memory (about
  2.5 MB for all of them), so a room's burst of page loads costs the server
  no compression work (level 6 takes 0.2 s of CPU per page's worth);
- with a Cache-Control that lets the browser keep them: for good when the
  name carries a hash of the content (the template's files), an hour for
  Voilà's numbered chunks; the widget extensions' files are still checked
  again on each page (see :class:`KitLabExtensionsHandler`).
"""

from __future__ import annotations

import gzip
import os
import re
import threading

from jupyter_server.base.handlers import FileFindHandler
from tornado import web
from voila.static_file_handler import MultiStaticFileHandler, TemplateStaticFileHandler

# A file whose name carries a hash of its content (webpack's chunks and
# remote entries of the widget extensions) never changes under that name.
CONTENT_HASHED = re.compile(r"[.-][0-9a-f]{16,}\.[a-z0-9]+$")
IMMUTABLE = "public, max-age=31536000, immutable"
# Voilà's own chunks are named by number, not content: they change only when
# Voilà is upgraded. An hour covers a workshop's page loads from one browser
# and bounds how long an upgrade can be met by an old chunk.
VOILA_STATIC_SECONDS = 3600
COMPRESSIBLE = (".js", ".css", ".json", ".svg", ".html", ".map", ".txt")
MIN_GZIP_BYTES = 1024  # below this, gzip's own header and a round trip outweigh the saving


def cache_control(path: str, versioned: bool) -> str | None:
    """The Cache-Control of a static file the pages load, or None to leave the handler's own.

    Examples
    --------
    >>> cache_control("@jupyter-widgets/jupyterlab-manager/static/84.09c61a35dce1705f.js", False)
    'public, max-age=31536000, immutable'
    >>> cache_control("5764.voila.js", False)
    'public, max-age=3600'
    >>> cache_control("voila-style.js", versioned=True)
    'public, max-age=31536000, immutable'
    >>> cache_control("package.json", False) is None
    True
    """
    if versioned or CONTENT_HASHED.search(path):
        return IMMUTABLE
    if path.endswith(".voila.js") or path == "voila.js":
        return f"public, max-age={VOILA_STATIC_SECONDS}"
    return None


class Gzipped:
    """Compressed copies of files, made once each and kept while the file is unchanged.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> script = pathlib.Path(tempfile.mkdtemp()) / "a.js"
    >>> _ = script.write_text("let x = 1;\\n" * 500)
    >>> store = Gzipped()
    >>> body = store.get(str(script))
    >>> len(body) < 200, gzip.decompress(body) == script.read_bytes(), store.get(str(script)) is body
    (True, True, True)
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._bodies: dict[str, tuple[float, int, bytes]] = {}

    def get(self, path: str) -> bytes | None:
        """The gzipped file, or None when it is not worth compressing (small, or not text)."""
        if not path.endswith(COMPRESSIBLE):
            return None
        try:
            stat = os.stat(path)
        except OSError:
            return None
        if stat.st_size < MIN_GZIP_BYTES:
            return None
        with self._lock:
            kept = self._bodies.get(path)
            if kept and kept[:2] == (stat.st_mtime, stat.st_size):
                return kept[2]
        with open(path, "rb") as source:
            # mtime=0: the same bytes every time, so a restarted server's copy matches.
            body = gzip.compress(source.read(), compresslevel=6, mtime=0)
        with self._lock:
            self._bodies[path] = (stat.st_mtime, stat.st_size, body)
        return body


GZIPPED = Gzipped()


class GzipStatic(web.StaticFileHandler):
    """Serves a static file gzipped (from :data:`GZIPPED`) when the browser takes gzip.

    Mixed in before a tornado static handler: the size, the body and the
    headers come from the compressed copy; a range request gets the file as it is.
    """

    _kit_body: bytes | None = None
    # Whether :func:`cache_control` sets the response's Cache-Control.
    kit_cache_rules = True

    def _kit_gzipped(self) -> bytes | None:
        path = getattr(self, "absolute_path", None)
        if self._kit_body is None and path:
            takes = "gzip" in self.request.headers.get("Accept-Encoding", "")
            if takes and not self.request.headers.get("Range"):
                body = self._kit_body = GZIPPED.get(path)
                if body is not None:
                    # This response's body is the compressed copy. tornado's
                    # get_content is a classmethod that tornado also calls on the
                    # class (a file's version hash reads the file as it is), so it
                    # is replaced on this handler alone.
                    def compressed(
                        abspath: str, start: int | None = None, end: int | None = None
                    ) -> bytes:
                        return body[start:end]

                    self.get_content = compressed  # type: ignore[method-assign,assignment]
        return self._kit_body

    def set_extra_headers(self, path: str) -> None:
        super().set_extra_headers(path)
        self.add_header("Vary", "Accept-Encoding")
        if self._kit_gzipped() is not None:
            self.set_header("Content-Encoding", "gzip")
        rule = self.kit_cache_rules and cache_control(path, "v" in self.request.arguments)
        if rule:
            self.set_header("Cache-Control", rule)

    def compute_etag(self) -> str | None:
        tag = super().compute_etag()
        # The compressed body is another representation: its own tag.
        return tag[:-1] + '-gz"' if tag and self._kit_gzipped() is not None else tag

    def get_content_size(self) -> int:
        body = self._kit_gzipped()
        return len(body) if body is not None else super().get_content_size()


class KitStaticFileHandler(GzipStatic, MultiStaticFileHandler):
    """Voilà's own scripts (``/voila/static``): gzipped, kept by the browser for an hour."""


class KitLabExtensionsHandler(GzipStatic, FileFindHandler):
    """The widget extensions' files: gzipped, and still asked again on each page (``no-cache``).

    Taken straight from the browser's cache, with a room of twelve opening
    pages at once, one page in twelve showed "model not found" for every
    widget (3 rooms of 4 had one; 0 of 5 with these files checked again,
    bench/room.py); the extensions seem to register in another order then.
    So Voilà's ``no-cache`` stays, and the kit sets no rule of its own here.
    """

    kit_cache_rules = False


class KitTemplateStaticFileHandler(GzipStatic, TemplateStaticFileHandler):
    """The kit template's files (its stylesheet, Voilà's styles), gzipped; 404 for a path it cannot place.

    Voilà's handler raised a 500 for such a path.
    """

    def parse_url_path(self, path: str) -> str:
        try:
            return super().parse_url_path(path)
        except (AssertionError, ValueError):
            raise web.HTTPError(404) from None

    @classmethod
    def get_absolute_path(cls, root: str, path: str) -> str:
        try:
            return super().get_absolute_path(root, path)
        except (AssertionError, ValueError):
            raise web.HTTPError(404) from None
