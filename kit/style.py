"""What every page and report shares: the stylesheet and pictures inlined as data."""

from __future__ import annotations

import base64
from html import escape


def png_img(png: bytes, alt: str) -> str:
    """Return an ``<img>`` with the PNG inlined, so a report is one self-contained file."""
    data = base64.b64encode(png).decode("ascii")
    return f"<img src='data:image/png;base64,{data}' alt='{escape(alt)}' style='max-width:100%'>"


def _stylesheet() -> str:
    from kit.paths import stylesheet_path

    return stylesheet_path().read_text(encoding="utf-8")


# One stylesheet, kept beside the page template so pages served by `kit serve`
# get it in the page's head (see kit.ui.context.css_in_page).
STYLE = "<style>\n" + _stylesheet() + "</style>\n"
