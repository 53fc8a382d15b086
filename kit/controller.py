"""What every page's controller shares: frozen state that carries what the last action said.

A controller keeps ``state``, a frozen dataclass with a ``message`` field,
and replaces it on every action; :meth:`Controller._say` is how an action
says what happened (or why it was refused). No widgets here.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

Message = tuple[str, str]  # (level, text): "ok", "note", "warn" or "error"


class Controller:
    """The base of the features' controllers (see ``kit/<feature>/controllers.py``).

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class State:
    ...     message: Message | None = None
    >>> class Counter(Controller):
    ...     def __init__(self):
    ...         self.state = State()
    >>> c = Counter()
    >>> c._say("warn", "Nothing to undo."), c.state.message
    (False, ('warn', 'Nothing to undo.'))
    """

    state: Any  # a frozen dataclass with a ``message`` field

    def _say(self, level: str, text: str) -> bool:
        """Replace the state with one that says ``text``; False, for a refused action to return."""
        self.state = replace(self.state, message=(level, text))
        return False
