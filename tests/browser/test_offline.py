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


@pytest.mark.parametrize("name", ["01_hidden_leader_traits.ipynb", "05_circle_session.ipynb"])
def test_served_page_is_styled_by_its_template_with_no_stylesheet_widget(page, server, name):
    # The page's head carries the kit's stylesheet, so messages are styled from
    # the first paint and no page builds (and loads) a widget just for CSS.
    page.goto(server.page(name))
    page.wait_for_selector(".kit-note, .kit-ok, .kit-warn", state="visible", timeout=60_000)
    sheets = page.evaluate(
        "() => [...document.querySelectorAll('style')]"
        ".filter(s => s.textContent.includes('.kit-ok')).map(s => !!s.closest('head'))"
    )
    assert sheets == [True], sheets
    border = page.evaluate(
        "() => getComputedStyle(document.querySelector('.kit-note, .kit-ok, .kit-warn'))"
        ".borderLeftWidth"
    )
    assert border == "4px"
