"""Pages that follow the store while they are open: the dashboard, revealed results, circles.

Every Voilà page has its own kernel, so a change made on one page (an answer,
the coach's reveal) reaches another only through the store. A page that
must follow such changes looks again every few seconds with :class:`Every`.
It runs on the kernel's event loop, as does :func:`after_this_cell`, which puts
a page's costlier, lower parts off until its first widgets are on their way.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable

log = logging.getLogger(__name__)


def live_seconds() -> float:
    """How often live pages look again (``KIT_LIVE_SECONDS``, default 3)."""
    try:
        return max(0.2, float(os.environ.get("KIT_LIVE_SECONDS", "3")))
    except ValueError:
        return 3.0


class Every:
    """Call ``tick`` every few seconds on the kernel's event loop while the page is open.

    Parameters
    ----------
    tick : callable
        Called with no arguments; it reads the store and updates widgets.
        An error in one tick is logged and the next tick still runs, so a
        locked store for a moment never stops a dashboard.
    seconds : float, optional
        Defaults to :func:`live_seconds`.
    """

    def __init__(self, tick: Callable[[], object], seconds: float | None = None):
        self.tick = tick
        self.seconds = seconds or live_seconds()
        self._task: asyncio.Task | None = None

    def start(self) -> bool:
        """Start looking; False where no event loop runs (a plain Python test)."""
        if self._task is not None:
            return True
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return False
        self._task = loop.create_task(self._run())
        return True

    def stop(self) -> None:
        """Stop looking."""
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.seconds)
            try:
                self.tick()
            except Exception:  # noqa: BLE001 - keep following; the next tick may succeed
                log.exception("a live update failed")


def after_this_cell(work: Callable[[], object]) -> bool:
    """Run ``work`` once the cell running now has finished, on the kernel's event loop.

    For what a page shows below the fold and costs to build (a calendar file,
    say): the page's first widgets reach the browser without waiting for it,
    and it is ready while the browser is still loading the page's scripts.
    Where no event loop runs (a plain Python test), ``work`` runs at once.

    Returns
    -------
    bool
        True when ``work`` was put off, False when it ran at once.
    """
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        work()
        return False

    def run() -> None:
        try:
            work()
        except Exception:  # noqa: BLE001 - a page's later part must not break the page
            log.exception("work put off until after the cell failed")

    loop.call_soon(run)
    return True
