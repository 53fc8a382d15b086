"""The app's first screen on every page, at a desk's width and a phone's, as PNG.

Shared by ``scripts/screenshots.py`` (which writes the references in
``docs/screens/``, shown in the README) and ``tests/browser/test_looks.py``
(which compares the app with them). What changes from run to run (a new
session's join code and links) is first written as one fixed sample, so it
takes the same room on every run (a code's letters and the port's digits
would otherwise wrap the link onto more or fewer lines and move everything
below), and then masked with one flat colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCREENS = ROOT / "docs" / "screens"
WIDTHS = {"desk": (1280, 900), "phone": (360, 780)}
# A pixel counts as changed when a colour channel moves by more than this (of 255):
# less than that is antialiasing, not a change anyone would see.
PIXEL_TOLERANCE = 48
# And a screen counts as changed when more than this share of its pixels did.
SHARE_TOLERANCE = 0.005
MASKED = (
    ".kit-join-code, .kit-join-link, [data-testid=resume-code], input[type=date], .kit-dates,"
    " .kit-cadence"
)  # a new session's code and links, and what depends on the day


# Run-to-run text replaced by fixed samples of the same shape before the picture.
SAMPLES = """() => {
  for (const el of document.querySelectorAll('.kit-join-code')) el.textContent = 'KQX-7HM';
  for (const el of document.querySelectorAll('.kit-join-link'))
    el.textContent = 'http://127.0.0.1:40000/voila/render/00_start_here.ipynb?session=KQX-7HM';
}"""


@dataclass(frozen=True)
class Shot:
    """One page to photograph: its name, notebook and link parameters."""

    name: str
    notebook: str
    query: str = ""  # "{code}" and "{key}" are the team session's


SHOTS = (
    Shot("start", "00_start_here.ipynb"),
    Shot("join", "00_start_here.ipynb", "session={code}"),
    Shot("hidden-leader", "01_hidden_leader_traits.ipynb"),
    Shot("focus-attitude", "02_focus_and_attitude.ipynb"),
    Shot("customer-map", "03_customer_map.ipynb"),
    Shot("circle-planner", "04_circle_planner.ipynb"),
    Shot("circle-session", "05_circle_session.ipynb"),
    Shot("openness-pulse", "06_openness_pulse.ipynb"),
    Shot("circle-projector", "circle_projector.ipynb"),
    Shot("dashboard", "coach_dashboard.ipynb", "key={key}"),
)


def reference(shot: Shot, width: str) -> Path:
    """Where a shot's reference picture is kept."""
    return SCREENS / f"{shot.name}-{width}.png"


def take(browser, base_url: str, shot: Shot, width: str, code: str, key: str) -> bytes:
    """Open one page in a fresh context at ``width`` and return its first screen as PNG."""
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h}, device_scale_factor=1)
    page = context.new_page()
    try:
        query = shot.query.format(code=code, key=key)
        url = f"{base_url}/voila/render/{shot.notebook}" + (f"?{query}" if query else "")
        page.goto(url)
        page.wait_for_selector("#rendered_cells .jupyter-widgets", state="visible", timeout=120_000)
        page.wait_for_load_state("networkidle")
        # No blinking caret or running animation in the picture.
        page.add_style_tag(content="*{caret-color:transparent!important;animation:none!important}")
        page.evaluate(SAMPLES)
        page.wait_for_timeout(500)
        png = page.screenshot(mask=[page.locator(MASKED)], mask_color="#888888")
        page.goto("about:blank")  # leaving the page shuts its kernel down, as a person's would
        return png
    finally:
        context.close()


def changed_share(png: bytes, ref: Path) -> float:
    """The share of pixels that differ visibly from the reference (1.0 if sizes differ)."""
    from PIL import Image, ImageChops

    now = Image.open(BytesIO(png)).convert("RGB")
    before = Image.open(ref).convert("RGB")
    if now.size != before.size:
        return 1.0
    red, green, blue = ImageChops.difference(now, before).split()
    diff = ImageChops.lighter(ImageChops.lighter(red, green), blue)  # the largest channel
    changed = sum(diff.point(lambda v: 255 if v > PIXEL_TOLERANCE else 0).histogram()[255:])
    return changed / (now.size[0] * now.size[1])
