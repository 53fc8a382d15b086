"""Pages work with no internet: nothing in them points at another host."""

from __future__ import annotations

import re
import urllib.request

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.browser
REMOTE = re.compile(
    r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I
)


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "workbooks").glob("*.ipynb")))
def test_served_page_links_nothing_remote(server, name):
    with urllib.request.urlopen(server.page(name), timeout=60) as response:
        html = response.read().decode()
        policy = response.headers["Content-Security-Policy"]
    assert "voila" in html.lower()
    assert not REMOTE.findall(html), REMOTE.findall(html)
    assert "fontawesome" not in html and "cdn.jsdelivr" not in html
    # A second line of defence: the browser may load only from this server.
    assert "default-src 'self'" in policy and "connect-src 'self'" in policy


def test_stock_voila_would_have_loaded_font_awesome_from_a_cdn():
    # Guards the guard: if Voilà stops linking the CDN, this says so, and the
    # template's filter can go.
    import sys
    from pathlib import Path

    lab = Path(sys.prefix) / "share/jupyter/voila/templates/lab/index.html.j2"
    assert "cdn.jsdelivr.net" in lab.read_text()
