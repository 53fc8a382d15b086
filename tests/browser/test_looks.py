"""Every page's first screen looks as its committed picture does (docs/screens/).

A change meant to alter how a page looks updates the pictures with
``python scripts/screenshots.py``; a change that alters them by accident fails here.
"""

from __future__ import annotations

import pytest

from kit.database import open_store
from tests.browser.screens import SHARE_TOLERANCE, SHOTS, WIDTHS, changed_share, reference, take

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def team(server):
    return open_store(str(server.store)).create_session("Service desk", min_group=3)


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("shot", SHOTS, ids=lambda s: s.name)
def test_the_first_screen_matches_its_picture(browser, server, team, shot, width, tmp_path):
    ref = reference(shot, width)
    assert ref.exists(), f"no picture for {ref.name}: run python scripts/screenshots.py"
    png = take(browser, server.url, shot, width, team.code, team.coach_key)
    share = changed_share(png, ref)
    if share > SHARE_TOLERANCE:
        (tmp_path / ref.name).write_bytes(png)
    assert share <= SHARE_TOLERANCE, (
        f"{ref.name}: {share:.1%} of the screen changed (see {tmp_path / ref.name}); if "
        "that was meant, run python scripts/screenshots.py and commit the pictures"
    )
