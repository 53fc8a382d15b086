"""Photograph every page's first screen, at 1280 px and 360 px, from the real app in Chromium.

.venv/bin/python scripts/screenshots.py   # writes docs/screens/*.png

The pictures are the README's gallery and the references that
tests/browser/test_looks.py compares the app with: run this after a change
to how a page looks, look at the new pictures, and commit them.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kit.database import open_store  # noqa: E402
from tests.browser.screens import SHOTS, WIDTHS, reference, take  # noqa: E402
from tests.serving import CHROMIUM, CHROMIUM_ARGS, start_server, stop_server  # noqa: E402


def main() -> None:
    from playwright.sync_api import sync_playwright

    server = start_server(Path(tempfile.mkdtemp(prefix="kit-screens-")))
    team = open_store(str(server.store)).create_session("Service desk", min_group=3)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for shot in SHOTS:
                for width in WIDTHS:
                    out = reference(shot, width)
                    out.parent.mkdir(parents=True, exist_ok=True)
                    out.write_bytes(
                        take(browser, server.url, shot, width, team.code, team.coach_key)
                    )
                    print(f"wrote {out.relative_to(ROOT)}")
            browser.close()
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()
