"""Customer maps as two CSV files, elements and connections, in the layout Kumu uses.

A spreadsheet or another mapping tool can read and write these, so the map is
never locked in the kit. Reading validates every row first and imports
nothing when any row is wrong.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict
from pathlib import Path

from kit.maps.logic import MapEditError, add_connection, add_element, clean
from kit.maps.model import ELEMENT_KINDS, EXTERNAL, INTERNAL, OWN_TEAM, CustomerMap
from kit.paths import data_dir
from kit.store.records import ImportFileError, neutralise

EXAMPLE_FOLDER = "example_map"

ELEMENT_COLUMNS = ("Label", "Type", "Description", "Bridge")
CONNECTION_COLUMNS = ("From", "To", "Label", "Level", "Promise")
_KIND_WORDS = {
    "own team": OWN_TEAM,
    "team": OWN_TEAM,
    "internal customer": INTERNAL,
    "internal": INTERNAL,
    "external customer": EXTERNAL,
    "external": EXTERNAL,
    "paying customer": EXTERNAL,
}
_YES = {"yes", "y", "true", "1", "x"}
_NO = {"", "no", "n", "false", "0"}


class MapFileError(ImportFileError):
    """The map files cannot be imported; ``errors`` names each row and what is wrong."""

    LEAD = (
        "Nothing was imported; fix these rows and try again (rows are counted as in a "
        "spreadsheet, the header being row 1):"
    )


def _write(columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([neutralise(str(cell)) for cell in row])
    return out.getvalue()


def elements_csv(cmap: CustomerMap) -> str:
    """Return the elements as CSV: Label, Type, Description, Bridge.

    Examples
    --------
    >>> rows = elements_csv(example_map()).splitlines()
    >>> rows[0], len(rows) - 1
    ('Label,Type,Description,Bridge', 12)
    >>> rows[2].split(",")[:2], rows[2].endswith(",yes")  # a bridge
    (['Field engineers', 'internal customer'], True)
    """
    return _write(
        ELEMENT_COLUMNS,
        [(e.name, e.kind, e.notes, "yes" if e.bridge else "") for e in cmap.elements],
    )


def connections_csv(cmap: CustomerMap) -> str:
    """Return the connections as CSV: From, To, Label (the output), Level, Promise.

    Examples
    --------
    >>> rows = connections_csv(example_map()).splitlines()
    >>> rows[0], len(rows) - 1
    ('From,To,Label,Level,Promise', 16)
    >>> rows[8]
    'Field engineers,Building owners,maintenance visits and repairs,long-term partnership,'
    """
    return _write(
        CONNECTION_COLUMNS,
        [(c.source, c.target, c.handover, c.level, c.promise) for c in cmap.connections],
    )


def map_file_kind(data: bytes | str) -> str | None:
    r"""Say whether a CSV file holds map "elements" or "connections", from its header row.

    Returns None when the header names neither set of columns.

    Examples
    --------
    >>> map_file_kind('"From","To","Label"\n'), map_file_kind("label,type\n"), map_file_kind("x\n")
    ('connections', 'elements', None)
    """
    if isinstance(data, bytes):
        data = data[:4096].decode("utf-8-sig", errors="replace")
    header = next(csv.reader(io.StringIO(data.lstrip())), [])
    names = {h.strip().lower() for h in header}
    if {"from", "to"} <= names:
        return "connections"
    if {"label", "type"} <= names:
        return "elements"
    return None


def _unmark(cell: str) -> str:
    # Undo neutralise(), so a file the kit wrote reads back as it was typed.
    return cell[1:] if cell.startswith("'") and cell[1:2] in ("=", "+", "-", "@", "'") else cell


def _rows(
    data: bytes | str, name: str, columns: tuple[str, ...], errors: list[str]
) -> list[tuple[int, dict[str, str]]]:
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            errors.append(f"{name}: not a text file; save it as CSV (UTF-8)")
            return []
    reader = csv.DictReader(io.StringIO(data))
    header = [h.strip() for h in reader.fieldnames or []]
    required = columns[:2]
    missing = [c for c in required if c not in header]
    if missing:
        errors.append(
            f"{name}: the first row must name the columns {', '.join(columns)} "
            f"({', '.join(missing)} missing)"
        )
        return []
    reader.fieldnames = header
    return [
        (number, {k: _unmark((v or "").strip()) for k, v in row.items() if k is not None})
        for number, row in enumerate(reader, start=2)
    ]


def parse_map(
    elements: bytes | str,
    connections: bytes | str = "",
    elements_name: str = "elements.csv",
    connections_name: str = "connections.csv",
) -> CustomerMap:
    """Read a map from its elements and connections CSV files.

    Parameters
    ----------
    elements, connections : bytes or str
        The files' contents; connections may be empty.
    elements_name, connections_name : str
        The files' names, for messages.

    Returns
    -------
    CustomerMap

    Raises
    ------
    MapFileError
        Listing every bad row with its file and row number.

    Examples
    --------
    >>> m = parse_map("Label,Type\\nUs,own team\\nClient,external customer\\n",
    ...               "From,To,Label\\nUs,Client,repairs\\n")
    >>> [c.handover for c in m.connections]
    ['repairs']
    """
    errors: list[str] = []
    cmap = CustomerMap()
    for number, row in _rows(elements, elements_name, ELEMENT_COLUMNS, errors):
        where = f"{elements_name} row {number}"
        kind = _KIND_WORDS.get(" ".join(row.get("Type", "").lower().split()))
        bridge = row.get("Bridge", "").lower()
        if kind is None:
            errors.append(
                f"{where}: Type {row.get('Type', '')!r} is not one of {', '.join(ELEMENT_KINDS)}"
            )
            continue
        if bridge not in _YES | _NO:
            errors.append(f"{where}: Bridge must be yes or empty, not {row.get('Bridge')!r}")
            continue
        try:
            cmap = add_element(
                cmap, row.get("Label", ""), kind, row.get("Description", ""), bridge in _YES
            )
        except MapEditError as err:
            errors.append(f"{where}: {err}")
    has_connections = bool(connections.strip() if isinstance(connections, str) else connections)
    rows = (
        _rows(connections, connections_name, CONNECTION_COLUMNS, errors) if has_connections else []
    )
    for number, row in rows:
        where = f"{connections_name} row {number}"
        try:
            cmap = add_connection(
                cmap,
                row.get("From", ""),
                row.get("To", ""),
                row.get("Label", ""),
                row.get("Level", "").lower(),
                row.get("Promise", ""),
            )
        except MapEditError as err:
            errors.append(f"{where}: {err}")
    if errors:
        raise MapFileError(errors)
    return cmap


def map_to_dict(cmap: CustomerMap) -> dict[str, list[dict[str, object]]]:
    """Return the map as plain data for the JSON answer file.

    Examples
    --------
    >>> data = map_to_dict(example_map())
    >>> len(data["elements"]), len(data["connections"])
    (12, 16)
    >>> data["connections"][0]["handover"]
    'daily visit schedules'
    """
    return {
        "elements": [asdict(e) for e in cmap.elements],
        "connections": [asdict(c) for c in cmap.connections],
    }


def map_from_dict(data: object, where: str) -> CustomerMap:
    """Rebuild a map from :func:`map_to_dict` output, validating every entry.

    Raises
    ------
    MapFileError

    Examples
    --------
    >>> cmap = example_map()
    >>> map_from_dict(map_to_dict(cmap), "answers.json") == cmap
    True
    >>> map_from_dict({"elements": [{"name": "", "kind": "own team"}]}, "answers.json")
    Traceback (most recent call last):
    ...
    kit.maps.files.MapFileError: Nothing was imported; ...
      answers.json element 1: Give the element a name: it cannot be empty.
    """
    errors: list[str] = []
    cmap = CustomerMap()
    if not isinstance(data, dict):
        raise MapFileError([f"{where}: a map must be an object with elements and connections"])
    for number, e in enumerate(data.get("elements") or [], start=1):
        try:
            if not isinstance(e, dict):
                raise MapEditError("must be an object")
            cmap = add_element(
                cmap,
                str(e.get("name", "")),
                str(e.get("kind", "")),
                str(e.get("notes", "")),
                e.get("bridge") is True,
            )
        except MapEditError as err:
            errors.append(f"{where} element {number}: {err}")
    for number, c in enumerate(data.get("connections") or [], start=1):
        try:
            if not isinstance(c, dict):
                raise MapEditError("must be an object")
            fields = {k: clean(str(c.get(k, ""))) for k in ("source", "target", "level")}
            cmap = add_connection(
                cmap,
                handover=str(c.get("handover", "")),
                promise=str(c.get("promise", "")),
                **fields,
            )
        except MapEditError as err:
            errors.append(f"{where} connection {number}: {err}")
    if errors:
        raise MapFileError(errors)
    return cmap


def example_map(directory: Path | None = None) -> CustomerMap:
    """Load the example map from ``example_map/`` in the content folder.

    Raises
    ------
    MapFileError
        When a file is missing or a row is wrong.

    Examples
    --------
    >>> cmap = example_map()
    >>> len(cmap.elements), len(cmap.connections), cmap.elements[0].name
    (12, 16, 'Service planning')
    """
    folder = (directory or data_dir()) / EXAMPLE_FOLDER
    texts = []
    for name in ("elements.csv", "connections.csv"):
        try:
            texts.append((folder / name).read_bytes())
        except OSError as err:
            raise MapFileError([f"{folder / name}: cannot be read ({err.strerror})"]) from None
    return parse_map(
        texts[0], texts[1], str(folder / "elements.csv"), str(folder / "connections.csv")
    )


def map_tables_csv(maps: dict[str, tuple[str, CustomerMap]], table: str) -> str:
    """Return many people's maps as one CSV table, a participant column first.

    Parameters
    ----------
    maps : dict
        Participant public id to (time stamp, map), as ``Store.maps`` returns.
    table : {"elements", "connections"}

    Examples
    --------
    >>> maps = {"p-1": ("2024-05-01", example_map()), "p-2": ("2024-05-02", example_map())}
    >>> rows = map_tables_csv(maps, "elements").splitlines()
    >>> rows[0], len(rows) - 1
    ('participant,Label,Type,Description,Bridge', 24)
    >>> rows[13].split(",")[:3]  # the second person's first element
    ['p-2', 'Service planning', 'own team']
    """
    rows: list[tuple[str, ...]] = []
    for public_id, (_, cmap) in maps.items():
        if table == "elements":
            rows += [
                (public_id, e.name, e.kind, e.notes, "yes" if e.bridge else "")
                for e in cmap.elements
            ]
        else:
            rows += [
                (public_id, c.source, c.target, c.handover, c.level, c.promise)
                for c in cmap.connections
            ]
    columns = ELEMENT_COLUMNS if table == "elements" else CONNECTION_COLUMNS
    return _write(("participant", *columns), rows)
