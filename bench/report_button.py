"""A page's "Download report": from the click to the file link, in Chromium on `kit serve`.

The report is made in the page's kernel from the workbook's own cells. The
baseline is how the button made it before, measured in the same run: papermill
in a kernel of its own, then nbconvert (the button waited for exactly that).
Target: 2 s from the click to the link.

    python bench/report_button.py [--runs 5]
"""

from __future__ import annotations

import argparse
import time

from _common import chromium, median, served

from kit.database import Store
from kit.instruments.content import get_instrument
from kit.report import HIDDEN_LEADER, papermill_report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    instrument = get_instrument("hidden_leader")
    clicks, baseline = [], []
    with served() as (base, server), chromium() as browser:
        store = Store(server.store)
        person = store.create_participant()
        for n, item in enumerate(instrument.items):
            store.save_answer(person.id, instrument.id, item.id, str(1 + n % 5))
        store.close()
        url = f"{base}/voila/render/{HIDDEN_LEADER}?resume={person.resume_code}"
        for _ in range(args.runs):
            page = browser.new_context().new_page()
            page.goto(url)
            button = page.get_by_role("button", name="Download report")
            button.wait_for(timeout=120_000)
            start = time.perf_counter()
            button.click()
            page.get_by_text("Save the report (HTML)").wait_for(timeout=120_000)
            clicks.append(time.perf_counter() - start)
            page.context.close()
            start = time.perf_counter()
            papermill_report(
                HIDDEN_LEADER,
                {"resume": person.resume_code, "store": str(server.store)},
                "My results",
            )
            baseline.append(time.perf_counter() - start)
    click_s, old_s = median(clicks), median(baseline)
    print(f"Download report, workbook 01, median of {args.runs}, this machine:")
    print(f"  click to link, in the page's kernel:      {click_s:5.2f} s (target 2 s)")
    print(f"  papermill + nbconvert (the old button):   {old_s:5.2f} s")
    print(f"  ratio: {click_s / old_s:.2f} of the old way")


if __name__ == "__main__":
    main()
