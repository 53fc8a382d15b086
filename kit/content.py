"""What every content file's loader shares: problems that name the file, the entry and the fix.

Content is written by coaches, not programmers, so every problem is reported
with the file, the entry and what to change, and all problems of a file are
reported at once rather than one per run. The loaders live with their
features: ``kit/instruments/content.py`` and ``kit/circles/content.py``.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a content file."""

    file: str
    entry: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.entry}" if self.entry else self.file
        return f"{where}: {self.message}"


class ContentError(ValueError):
    """Raised when a content file cannot be used; ``problems`` lists every fault."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class Checker:
    """Collects problems while walking one parsed file."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def add(self, entry: str, message: str) -> None:
        self.problems.append(Problem(self.file, entry, message))

    def toml(self, text: str) -> dict:
        """Parse TOML text, or raise ContentError naming the file and the broken line.

        Examples
        --------
        >>> Checker("x.toml").toml('title = "Circle"')
        {'title': 'Circle'}
        >>> Checker("x.toml").toml("title = ")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        kit.content.ContentError: x.toml: not valid TOML (...); check quotes and brackets on that line
        """
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as err:
            self.add("", f"not valid TOML ({err}); check quotes and brackets on that line")
            raise ContentError(self.problems) from None

    def keys(self, entry: str, table: dict, allowed: set[str]) -> None:
        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(key, sorted(allowed), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                self.add(
                    entry, f"unknown key '{key}'{hint} (allowed: {', '.join(sorted(allowed))})"
                )

    def text(self, entry: str, table: dict, key: str) -> str:
        value = table.get(key)
        if value is None:
            self.add(entry, f"missing '{key}': add {key} = \"...\"")
            return ""
        if not isinstance(value, str):
            self.add(entry, f"'{key}' must be text in quotes, not {type(value).__name__}")
            return ""
        if not value.strip():
            self.add(entry, f"'{key}' is empty: write the {key}")
            return ""
        return value.strip()

    def tables(self, entry: str, table: dict, key: str) -> list[dict]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.add(entry, f"'{key}' must be a list of [[{key}]] tables")
            return []
        return value
