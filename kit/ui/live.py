"""Pages that follow the store while they are open: the dashboard, revealed results, circles.

Every Voilà page has its own kernel, so a change made on one page (an answer,
the coach's reveal) reaches another only through the store. A page that
must follow such changes looks again every few seconds with :class:`Every`.
It runs on the kernel's event loop, as does :func:`after_this_cell`, which puts
a page's costlier, lower parts off until its first widgets are on their way.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
from collections.abc import Callable

from kit.store.errors import StoreUnreachable
from kit.ui.components import messages
from kit.ui.context import in_voila

log = logging.getLogger(__name__)

# Shown where put-off work failed: a page must never wait on "Preparing…" forever.
LATER_FAILED = (
    "{what} could not be made ({reason}). Your answers are saved: reload the page to try again."
)
LIVE_FAILED = (
    "This page cannot look for changes just now ({reason}). It keeps trying; "
    "what you have entered is saved."
)


def later_failed(what: str, err: BaseException) -> str:
    """The page's message when put-off work ``what`` failed with ``err`` (escaped HTML).

    >>> later_failed("The <b>files</b>", OSError("disk full"))[:60]
    "<div class='kit-error' role='alert'>The &lt;b&gt;files&lt;/b"
    """
    return messages((("error", LATER_FAILED.format(what=what, reason=reason(err))),))


def reason(err: BaseException) -> str:
    """A short, plain reason for an error, for people rather than a log.

    >>> reason(ModuleNotFoundError("No module named 'icalendar'"))
    "a part of the kit is not installed: No module named 'icalendar'"
    >>> reason(StoreUnreachable("connection refused"))
    "reconnecting to the store's database"
    """
    if isinstance(err, ImportError):
        return f"a part of the kit is not installed: {err}"
    if isinstance(err, StoreUnreachable):
        return "reconnecting to the store's database"
    return f"{type(err).__name__}: {err}" if str(err) else type(err).__name__


def live_seconds(name: str = "KIT_LIVE_SECONDS", default: float = 3.0) -> float:
    """How often live pages look again (``KIT_LIVE_SECONDS``, default 3).

    A page with its own pace names its own setting: the circle session looks
    every ``KIT_CIRCLE_LIVE_SECONDS`` (0.5), since a room watches its taps land.

    Examples
    --------
    >>> live_seconds("KIT_NO_SUCH_SETTING", 0.5)
    0.5
    """
    try:
        return max(0.2, float(os.environ.get(name, default)))
    except ValueError:
        return default


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
    shown : callable, optional
        Given a plain message (HTML) when a tick fails, and ``""`` when a
        tick succeeds again, so the page says it has stopped following.
    """

    def __init__(
        self,
        tick: Callable[[], object],
        seconds: float | None = None,
        shown: Callable[[str], object] | None = None,
    ):
        self.tick = tick
        self.seconds = seconds or live_seconds()
        self.shown = shown
        self.failing = False
        self._task: asyncio.Task | None = None

    def start(self) -> bool:
        """Start looking; False where no event loop runs, or outside Voilà.

        JupyterLab runs widget callbacks on a kernel subshell's thread while
        this would tick on the main one: a tick reading the store between a
        click and its save took the click for another window's change and
        put the old answer back. There a page follows nothing by itself (run
        its cells again); in Voilà all of a page runs on one thread.
        """
        if self._task is not None:
            return True
        if not in_voila():
            return False
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
            self.once()

    def once(self) -> None:
        """Run one tick, saying on the page when it fails and when it works again."""
        try:
            self.tick()
        except Exception as err:  # noqa: BLE001 - keep following; the next tick may succeed
            log.exception("a live update failed")
            self.failing = True
            if self.shown is not None:
                self.shown(messages((("error", LIVE_FAILED.format(reason=reason(err))),)))
            return
        if self.failing:
            self.failing = False
            if self.shown is not None:
                self.shown("")


def shown_in(widget: object) -> Callable[[str], None]:
    """Show :class:`Every`'s messages in ``widget`` (an HTML widget's ``value``).

    The message goes away when following works again, unless the widget has
    since been given another message (which then stays).
    """
    mine: list[str] = []

    def show(message: str) -> None:
        if message:
            mine[:] = [message]
            widget.value = message  # type: ignore[attr-defined]
        elif mine and widget.value == mine[0]:  # type: ignore[attr-defined]
            widget.value = ""  # type: ignore[attr-defined]
            mine.clear()

    return show


def after_this_cell(
    work: Callable[[], object], failed: Callable[[str], object], what: str = "This part"
) -> bool:
    """Run ``work`` once the cell running now has finished, on the kernel's event loop.

    For what a page shows below the fold and costs to build (a calendar file,
    say): the page's first widgets reach the browser without waiting for it,
    and it is ready while the browser is still loading the page's scripts.
    Where no event loop runs (a plain Python test), ``work`` runs at once.

    Parameters
    ----------
    work : callable
        What to do; it fills the widgets it was put off for.
    failed : callable
        Given a plain message (HTML) when ``work`` raises. Put-off work runs
        after the cell has ended, where an error is seen by nobody: without
        this the page would wait on its "Preparing…" text for ever.
    what : str
        The thing being made, for the message ("The calendar files").

    Returns
    -------
    bool
        True when ``work`` was put off, False when it ran at once.

    Examples
    --------
    >>> shown = []
    >>> after_this_cell(lambda: 1 / 0, shown.append, "The files")
    False
    >>> shown[0]
    "<div class='kit-error' role='alert'>The files could not be made (ZeroDivisionError: division by zero). Your answers are saved: reload the page to try again.</div>"
    """

    def run() -> None:
        try:
            work()
        except Exception as err:  # noqa: BLE001 - a page's later part must not break the page
            log.exception("work put off until after the cell failed")
            failed(later_failed(what, err))

    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        run()
        return False
    loop.call_soon(run)
    return True


# Text boxes whose last keys are not saved yet; saved at once if the kernel ends.
_UNSAVED: set[SavedAsTyped] = set()
SAVE_DELAY_SECONDS = 0.5
SAVED = "<span class='kit-saved' data-testid='saved'>Saved</span>"
SAVING = "<span class='kit-saved kit-muted' data-testid='saving'>Saving…</span>"


def _kernel_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop of the IPython kernel this runs in, or None (a plain Python test).

    Only a kernel's loop will run a timer set now; another loop that merely
    runs in this thread (a test's browser driver) may never get to it.
    """
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None or getattr(shell, "kernel", None) is None:
        return None
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _save_all_now() -> None:
    for box in list(_UNSAVED):
        box.flush()


atexit.register(_save_all_now)  # the kernel shutting down (the page closed or reloaded)


class SavedAsTyped:
    """Save a text box while the person types: half a second after the last key, and at the end.

    Each key reaches the kernel as it is typed; the box is saved once the
    person pauses, and whatever is still unsaved when the page's kernel shuts
    down (the tab closed or reloaded a moment after the last key) is saved
    then. ``status`` says "Saved" once the store holds the text.

    Parameters
    ----------
    box : widget
        A text widget (Text, Textarea, Combobox); its updates become continuous.
    save : callable
        Called with the text; returns True when it is stored (it shows its
        own message when not).
    status : widgets.HTML
        Shows "Saving…" and "Saved" beside the box; words the save itself
        puts there (why it was refused, say) stay.
    answer : (instrument, round, item), optional
        The answer the box holds, so a closing page can send its last keys
        (see ``kit.js`` and :class:`kit.server.LastWordsHandler`).
    """

    def __init__(
        self,
        box,
        save: Callable[[str], bool],
        status,
        delay: float | None = None,
        answer: tuple[str, int, str] | None = None,
    ):
        self.box = box
        self.save = save
        self.status = status
        self.delay = SAVE_DELAY_SECONDS if delay is None else delay
        self._timer: asyncio.TimerHandle | None = None
        self._unsaved = False
        self._quiet = False
        box.continuous_update = True
        box.observe(lambda change: self.typed(), "value")
        if answer is not None:
            # The page script's last word: a tab closed before its last keys
            # reached the kernel sends them to the server (kit.server), which
            # needs to know which answer the box holds.
            instrument, round_, key = answer
            box.add_class("kit-typed")
            box.add_class(f"kit-answer|{instrument}|{round_}|{key}")

    @property
    def unsaved(self) -> bool:
        """True while the person's last keys are not saved yet."""
        return self._unsaved

    @property
    def pending(self) -> bool:
        """True while a save is waiting for the person's pause (not while it runs)."""
        return self._timer is not None

    def show(self, text: str) -> None:
        """Show ``text`` (saved elsewhere, say in another window) without saving it again.

        Keys typed but not saved yet are given up: the box now holds saved text.
        """
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._unsaved = False
        _UNSAVED.discard(self)
        self._quiet = True
        try:
            self.box.value = text
        finally:
            self._quiet = False

    def typed(self) -> None:
        """The text changed: save it after the delay (at once where no event loop runs)."""
        if self._quiet:
            return
        self._unsaved = True
        _UNSAVED.add(self)
        if self._timer is not None:
            self._timer.cancel()
        loop = _kernel_loop()
        if loop is None:
            self.flush()
            return
        self.status.value = SAVING
        self._timer = loop.call_later(self.delay, self.flush)

    def flush(self) -> bool:
        """Save the text now if it is not saved yet; True when the store holds it."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self._unsaved:
            return True
        try:
            ok = bool(self.save(self.box.value))
        except Exception:  # noqa: BLE001 - the save shows its own message; keep typing possible
            log.exception("a typed text could not be saved")
            ok = False
        if ok:
            # Still unsaved after a failure: tried again with the next key or at the end.
            self._unsaved = False
            _UNSAVED.discard(self)
        if self.status.value == SAVING:
            # A save that said something in this place itself ("Saved.", or why it
            # was refused) keeps its words; only the "Saving…" is this box's own.
            self.status.value = SAVED if ok else ""
        return ok
