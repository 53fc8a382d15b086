"""Take README's screenshot of the results page from the real app in Chromium.

.venv/bin/python scripts/readme_screenshot.py   # writes docs/results.png
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.test_hidden_leader_app import WORKBOOK, answer_all, open_workbook  # noqa: E402
from tests.serving import CHROMIUM, CHROMIUM_ARGS, start_server, stop_server  # noqa: E402


def main() -> None:
    from playwright.sync_api import sync_playwright

    server = start_server(Path(tempfile.mkdtemp(prefix="kit-shot-")))
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1100, "height": 900}, device_scale_factor=1)
            open_workbook(page, server.page(WORKBOOK))
            answer_all(page, lambda i: [3, 5, 4, 2, 3][i])
            page.get_by_role("button", name="See my results").click()
            page.get_by_text("All statements answered").wait_for(timeout=20_000)
            page.locator(".kit-chart").wait_for(state="visible")
            top = page.locator("h2", has_text="Your results").bounding_box()["y"]
            bottom = page.locator(".kit-table").last.bounding_box()
            page.set_viewport_size(
                {"width": 1100, "height": int(bottom["y"] + bottom["height"] + 40)}
            )
            out = ROOT / "docs" / "results.png"
            page.screenshot(
                path=str(out),
                clip={
                    "x": 0,
                    "y": top - 20,
                    "width": 1100,
                    "height": bottom["y"] + bottom["height"] - top + 40,
                },
            )
            browser.close()
            print(f"wrote {out}")
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()
