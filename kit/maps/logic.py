"""The customer map: edits that return a new map, and the analysis the workbook shows.

Pure functions over :class:`kit.model.CustomerMap`: no I/O, no widgets. Every
edit validates its input and raises :class:`MapEditError` with a sentence a
manager can act on; the map passed in is never changed (it is frozen), so
undo is just keeping the old value.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace

from kit.maps.model import (
    ELEMENT_KINDS,
    EXTERNAL,
    OWN_TEAM,
    CustomerMap,
    MapConnection,
    MapElement,
    name_key,
)

MAX_NAME = 80
MAX_TEXT = 1000
# How close the relationship with a paying customer is, loosest first.
RELATIONSHIP_LEVELS = (
    "a few services",
    "regular supplier",
    "trusted partner",
    "long-term partnership",
)


class MapEditError(ValueError):
    """An edit that cannot be made; the message says what to change."""


def clean(text: str) -> str:
    """Return a name with surrounding and repeated spaces removed.

    Examples
    --------
    >>> clean("  Field   service ")
    'Field service'
    """
    return " ".join(str(text).split())


def _check_name(cmap: CustomerMap, name: str, allow: str | None = None) -> str:
    name = clean(name)
    if not name:
        raise MapEditError("Give the element a name: it cannot be empty.")
    if len(name) > MAX_NAME:
        raise MapEditError(f"Keep names to {MAX_NAME} characters; this one has {len(name)}.")
    existing = cmap.element(name)
    if existing is not None and (allow is None or name_key(existing.name) != name_key(allow)):
        raise MapEditError(
            f"There is already an element called '{existing.name}'. Names must differ "
            "(capitals and spaces are ignored): add a word such as the site or the unit."
        )
    return name


def _check_kind(kind: str) -> str:
    if kind not in ELEMENT_KINDS:
        raise MapEditError(f"'{kind}' is not a kind of element; choose {', '.join(ELEMENT_KINDS)}.")
    return kind


def _check_text(label: str, text: str) -> str:
    text = str(text).strip()
    if len(text) > MAX_TEXT:
        raise MapEditError(f"Keep the {label} to {MAX_TEXT} characters; it has {len(text)}.")
    return text


def add_element(
    cmap: CustomerMap, name: str, kind: str, notes: str = "", bridge: bool = False
) -> CustomerMap:
    """Return the map with a new element.

    Raises
    ------
    MapEditError
        When the name is empty, too long or already used, or the kind unknown.

    Examples
    --------
    >>> m = add_element(CustomerMap(), "Field service", "own team")
    >>> add_element(m, "field  SERVICE", "internal customer")
    Traceback (most recent call last):
    ...
    kit.maps.logic.MapEditError: There is already an element called 'Field service'...
    """
    element = MapElement(
        _check_name(cmap, name), _check_kind(kind), _check_text("notes", notes), bool(bridge)
    )
    return replace(cmap, elements=(*cmap.elements, element))


def update_element(
    cmap: CustomerMap,
    name: str,
    new_name: str | None = None,
    kind: str | None = None,
    notes: str | None = None,
    bridge: bool | None = None,
) -> CustomerMap:
    """Return the map with one element renamed or changed; links follow a rename.

    Examples
    --------
    >>> m = add_element(CustomerMap(), "Us", "own team")
    >>> m = add_element(m, "Billing", "internal customer")
    >>> m = add_connection(m, "Us", "Billing", "visit records")
    >>> m = update_element(m, "billing", new_name="Invoicing")
    >>> [e.name for e in m.elements], m.connections[0].target
    (['Us', 'Invoicing'], 'Invoicing')
    """
    old = _existing(cmap, name)
    renamed = old.name if new_name is None else _check_name(cmap, new_name, allow=old.name)
    element = MapElement(
        renamed,
        old.kind if kind is None else _check_kind(kind),
        old.notes if notes is None else _check_text("notes", notes),
        old.bridge if bridge is None else bool(bridge),
    )
    key = name_key(old.name)

    def moved(c: MapConnection) -> MapConnection:
        c = replace(
            c,
            source=renamed if name_key(c.source) == key else c.source,
            target=renamed if name_key(c.target) == key else c.target,
        )
        # A relationship level only means something with a paying customer.
        if name_key(c.target) == name_key(renamed) and element.kind != EXTERNAL:
            c = replace(c, level="")
        return c

    return CustomerMap(
        tuple(element if name_key(e.name) == key else e for e in cmap.elements),
        tuple(moved(c) for c in cmap.connections),
    )


def _existing(cmap: CustomerMap, name: str) -> MapElement:
    element = cmap.element(name)
    if element is None:
        raise MapEditError(f"There is no element called '{clean(name)}' on the map.")
    return element


@dataclass(frozen=True)
class Deleted:
    """What a delete removed, with positions, so it can be put back exactly."""

    element: tuple[int, MapElement] | None
    connections: tuple[tuple[int, MapConnection], ...]

    def describe(self) -> str:
        """Say what was deleted, for the undo button's message."""
        links = len(self.connections)
        if self.element is None:
            c = self.connections[0][1]
            return f"the link from '{c.source}' to '{c.target}'"
        tail = f" and its {links} link{'s' if links != 1 else ''}" if links else ""
        return f"'{self.element[1].name}'{tail}"


def delete_element(cmap: CustomerMap, name: str) -> tuple[CustomerMap, Deleted]:
    """Return the map without the element and its links, and what was removed.

    Examples
    --------
    >>> from kit.maps.files import example_map
    >>> m, gone = delete_element(example_map(), "Billing")
    >>> len(m.elements), len(m.connections), gone.describe()
    (11, 14, "'Billing' and its 2 links")
    """
    element = _existing(cmap, name)
    key = name_key(element.name)
    index = cmap.elements.index(element)
    gone = tuple(
        (i, c)
        for i, c in enumerate(cmap.connections)
        if key in (name_key(c.source), name_key(c.target))
    )
    gone_ids = {i for i, _ in gone}
    kept = tuple(c for i, c in enumerate(cmap.connections) if i not in gone_ids)
    return (
        CustomerMap(tuple(e for e in cmap.elements if e is not element), kept),
        Deleted((index, element), gone),
    )


def delete_connection(cmap: CustomerMap, index: int) -> tuple[CustomerMap, Deleted]:
    """Return the map without the link at ``index``, and what was removed.

    Examples
    --------
    >>> from kit.maps.files import example_map
    >>> m, gone = delete_connection(example_map(), 0)
    >>> len(m.connections), gone.describe()
    (15, "the link from 'Service planning' to 'Field engineers'")
    """
    if not 0 <= index < len(cmap.connections):
        raise MapEditError("That link is no longer on the map.")
    removed = cmap.connections[index]
    kept = cmap.connections[:index] + cmap.connections[index + 1 :]
    return replace(cmap, connections=kept), Deleted(None, ((index, removed),))


def undo(cmap: CustomerMap, deleted: Deleted) -> tuple[CustomerMap, int]:
    """Put back what a delete removed, where it was, checking it still fits the map.

    Edits made since the delete stay. A link that no longer fits (one of its
    elements was renamed or deleted since, the same link was added again, or
    its relationship level no longer applies) is left out and counted.

    Returns
    -------
    CustomerMap
        The map with the deleted parts back.
    int
        How many links could not come back.

    Raises
    ------
    MapEditError
        When an element of the deleted one's name has been added since.

    Examples
    --------
    >>> from kit.maps.files import example_map
    >>> before = example_map()
    >>> after, gone = delete_element(before, "Billing")
    >>> undo(after, gone) == (before, 0)
    True
    >>> fewer = delete_element(after, "Property management firms")[0]
    >>> undo(fewer, gone)[1]  # Billing's link to the deleted firms cannot come back
    1
    """
    elements = list(cmap.elements)
    if deleted.element is not None:
        index, element = deleted.element
        if cmap.element(element.name) is not None:
            raise MapEditError(
                f"An element called '{element.name}' was added since; rename it, then undo."
            )
        elements.insert(min(index, len(elements)), element)
    restored = CustomerMap(tuple(elements), cmap.connections)
    connections = list(cmap.connections)
    skipped = 0
    for index, connection in deleted.connections:
        try:
            # Re-adding validates the link against the map as it is now.
            add_connection(
                restored,
                connection.source,
                connection.target,
                connection.handover,
                connection.level,
                connection.promise,
            )
        except MapEditError:
            skipped += 1
            continue
        connections.insert(min(index, len(connections)), connection)
        restored = CustomerMap(tuple(elements), tuple(connections))
    return restored, skipped


def add_connection(
    cmap: CustomerMap,
    source: str,
    target: str,
    handover: str = "",
    level: str = "",
    promise: str = "",
) -> CustomerMap:
    """Return the map with a new link: ``source`` hands ``handover`` to ``target``.

    Raises
    ------
    MapEditError
        For an unknown element, a link to itself, a second link between the
        same two elements, or a relationship level that does not apply.

    Examples
    --------
    >>> m = add_element(add_element(CustomerMap(), "Us", "own team"), "Client", "external customer")
    >>> linked = add_connection(m, "us", "Client", "repairs", "trusted partner")
    >>> linked.connections[0].source, linked.connections[0].handover  # names as on the map
    ('Us', 'repairs')
    >>> add_connection(m, "Us", "Us")
    Traceback (most recent call last):
    ...
    kit.maps.logic.MapEditError: 'Us' cannot hand its output to itself: choose who receives it.
    """
    connection = _checked_connection(cmap, MapConnection(source, target, handover, level, promise))
    for existing in cmap.connections:
        if (name_key(existing.source), name_key(existing.target)) == (
            name_key(connection.source),
            name_key(connection.target),
        ):
            raise MapEditError(
                f"There is already a link from '{connection.source}' to '{connection.target}'; "
                "edit that one (one link can name several outputs)."
            )
    return replace(cmap, connections=(*cmap.connections, connection))


def update_connection(cmap: CustomerMap, index: int, **fields: str) -> CustomerMap:
    """Return the map with the link at ``index`` changed (handover, level or promise).

    Examples
    --------
    >>> m = add_element(CustomerMap(), "Us", "own team")
    >>> m = add_connection(add_element(m, "Client", "external customer"), "Us", "Client", "repairs")
    >>> m = update_connection(m, 0, level="trusted partner")
    >>> m.connections[0].handover, m.connections[0].level
    ('repairs', 'trusted partner')
    """
    if not 0 <= index < len(cmap.connections):
        raise MapEditError("That link is no longer on the map.")
    unknown = set(fields) - {"handover", "level", "promise"}
    if unknown:
        raise MapEditError(f"A link has no field {', '.join(sorted(unknown))}.")
    changed = _checked_connection(cmap, replace(cmap.connections[index], **fields))
    connections = list(cmap.connections)
    connections[index] = changed
    return replace(cmap, connections=tuple(connections))


def _checked_connection(cmap: CustomerMap, c: MapConnection) -> MapConnection:
    source, target = _existing(cmap, c.source), _existing(cmap, c.target)
    if source is target:
        raise MapEditError(
            f"'{source.name}' cannot hand its output to itself: choose who receives it."
        )
    level = clean(c.level)
    if level and target.kind != EXTERNAL:
        raise MapEditError(
            "A relationship level is for a paying (external) customer; "
            f"'{target.name}' is an {target.kind}."
        )
    if level and level not in RELATIONSHIP_LEVELS:
        raise MapEditError(
            f"'{level}' is not a relationship level; choose {', '.join(RELATIONSHIP_LEVELS)}."
        )
    return MapConnection(
        source.name,
        target.name,
        _check_text("output", c.handover),
        level,
        _check_text("value-promise sentence", c.promise),
    )


# -- analysis -------------------------------------------------------------------


@dataclass(frozen=True)
class Sight:
    """The line of sight from one output to a paying customer.

    ``path`` runs from the output's source to the nearest paying customer
    and is empty when no chain reaches one; then ``ends`` names where the
    chains stop and ``loop`` a circle they run round, if any.
    """

    connection: MapConnection
    path: tuple[str, ...]
    ends: tuple[str, ...] = ()
    loop: tuple[str, ...] = ()
    bridged: bool = False

    @property
    def reaches(self) -> bool:
        """True when the output has a line of sight to a paying customer."""
        return bool(self.path)

    def question(self) -> str:
        """A question for the team about an output with no line of sight."""
        what = f"'{self.connection.handover}'" if self.connection.handover else "this output"
        ends = " or ".join(f"'{e}'" for e in self.ends) or f"'{self.connection.target}'"
        if self.loop:
            stops = f" Elsewhere it stops at {ends}." if self.ends else ""
            return (
                f"The chain goes round in a loop ({' → '.join(self.loop)}) and never reaches a "
                f"paying customer.{stops} Where does the work leave for a customer?"
            )
        return (
            f"What does {ends} do with {what}, and which paying customer is better off for it? "
            f"If a step after {ends} is missing, add the link; if nobody outside needs it, "
            "could the team stop producing it?"
        )


@dataclass(frozen=True)
class MapSummary:
    """What the workbook shows about a map.

    ``outputs`` are the own team's outputs (every link when no element is
    marked as the own team).
    """

    outputs: tuple[Sight, ...]
    loops: tuple[tuple[str, ...], ...]
    unconnected: tuple[str, ...]
    has_team: bool
    has_customer: bool

    @property
    def with_sight(self) -> int:
        """How many outputs have a line of sight."""
        return sum(s.reaches for s in self.outputs)

    @property
    def share(self) -> float | None:
        """The share of outputs with a line of sight (None with no outputs)."""
        return self.with_sight / len(self.outputs) if self.outputs else None

    @property
    def flagged(self) -> tuple[Sight, ...]:
        """Outputs whose chain never reaches a paying customer."""
        return tuple(s for s in self.outputs if not s.reaches)

    @property
    def missing_promise(self) -> tuple[MapConnection, ...]:
        """Outputs with no sentence on how they serve the value promise."""
        return tuple(s.connection for s in self.outputs if not s.connection.promise.strip())

    @property
    def unbridged(self) -> tuple[Sight, ...]:
        """Outputs that reach a customer with nobody on the chain marked as a bridge."""
        return tuple(s for s in self.outputs if s.reaches and not s.bridged)


def _graph(cmap: CustomerMap) -> dict[str, list[str]]:
    graph: dict[str, list[str]] = {name_key(e.name): [] for e in cmap.elements}
    for c in cmap.connections:
        # Edits never leave a link to a missing element; a hand-made store might.
        if name_key(c.source) in graph and name_key(c.target) in graph:
            graph[name_key(c.source)].append(name_key(c.target))
    return graph


def _names(cmap: CustomerMap) -> dict[str, MapElement]:
    return {name_key(e.name): e for e in cmap.elements}


def analyse(cmap: CustomerMap) -> MapSummary:
    """Trace every output up the chain to a paying customer.

    Parameters
    ----------
    cmap : CustomerMap

    Returns
    -------
    MapSummary

    Examples
    --------
    >>> m = CustomerMap()
    >>> for name, kind in [("Us", "own team"), ("Finance", "internal customer"),
    ...                    ("Client", "external customer")]:
    ...     m = add_element(m, name, kind)
    >>> m = add_connection(m, "Us", "Client", "repairs")
    >>> m = add_connection(m, "Us", "Finance", "timesheets")
    >>> s = analyse(m)
    >>> s.with_sight, len(s.outputs), [x.connection.target for x in s.flagged]
    (1, 2, ['Finance'])
    """
    graph = _graph(cmap)
    elements = _names(cmap)
    external = {k for k, e in elements.items() if e.kind == EXTERNAL}
    team = {k for k, e in elements.items() if e.kind == OWN_TEAM}
    usable = [
        c for c in cmap.connections if name_key(c.source) in graph and name_key(c.target) in graph
    ]
    # With a team marked, only its own links are its outputs, even none yet.
    chosen = [c for c in usable if name_key(c.source) in team] if team else usable
    outputs = tuple(_sight(c, graph, elements, external) for c in chosen)
    linked = {name_key(c.source) for c in cmap.connections} | {
        name_key(c.target) for c in cmap.connections
    }
    return MapSummary(
        outputs=outputs,
        loops=tuple(tuple(elements[k].name for k in loop) for loop in _loops(graph)),
        unconnected=tuple(e.name for k, e in elements.items() if k not in linked),
        has_team=bool(team),
        has_customer=bool(external),
    )


def _sight(
    c: MapConnection,
    graph: dict[str, list[str]],
    elements: dict[str, MapElement],
    external: set[str],
) -> Sight:
    source, start = name_key(c.source), name_key(c.target)
    came_from: dict[str, str | None] = {start: None}
    queue = deque([start])
    found = None
    while queue:
        node = queue.popleft()
        if node in external:
            found = node
            break
        for nxt in graph.get(node, []):
            if nxt not in came_from:
                came_from[nxt] = node
                queue.append(nxt)
    if found is not None:
        chain = []
        step: str | None = found
        while step is not None:
            chain.append(step)
            step = came_from[step]
        keys = [source, *reversed(chain)]
        bridged = any(elements[k].bridge for k in keys[:-1])
        return Sight(c, tuple(elements[k].name for k in keys), bridged=bridged)
    reached = set(came_from)
    ends = tuple(elements[k].name for k in came_from if not graph.get(k))
    loop: tuple[str, ...] = ()
    for candidate in _loops({k: [n for n in graph.get(k, []) if n in reached] for k in reached}):
        loop = tuple(elements[k].name for k in candidate)
        break
    return Sight(c, (), ends=ends, loop=loop)


def _loops(graph: dict[str, list[str]]) -> list[tuple[str, ...]]:
    """Return one closed walk per strongly connected group of two or more elements."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        # Iterative Tarjan, so a long chain cannot hit Python's recursion limit.
        work = [(root, iter(graph.get(root, [])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph.get(child, []))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(group)
    return [_walk(group, graph) for group in groups]


def _walk(group: list[str], graph: dict[str, list[str]]) -> tuple[str, ...]:
    """Return a cycle through the group's first member, ending where it started."""
    members = set(group)
    start = min(group)
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in graph.get(node, []):
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return (*reversed(path), start)
            if nxt in members and nxt not in came_from:
                came_from[nxt] = node
                queue.append(nxt)
    return (start, start)  # unreachable for a real strongly connected group


def unsighted(cmap: CustomerMap) -> set[str]:
    """Return the keys (:func:`kit.model.name_key`) of elements no chain links to a paying customer.

    Examples
    --------
    >>> from kit.maps.files import example_map
    >>> sorted(unsighted(example_map()))
    ['management reporting', 'quality and safety', 'records archive']
    """
    graph = _graph(cmap)
    elements = _names(cmap)
    return {k for k in elements if k not in _distances(graph, elements)}


def _distances(graph: dict[str, list[str]], elements: dict[str, MapElement]) -> dict[str, int]:
    reverse: dict[str, list[str]] = {k: [] for k in graph}
    for node, targets in graph.items():
        for t in targets:
            reverse.setdefault(t, []).append(node)
    distance = {k: 0 for k, e in elements.items() if e.kind == EXTERNAL}
    queue = deque(distance)
    while queue:
        node = queue.popleft()
        for prev in reverse.get(node, []):
            if prev not in distance:
                distance[prev] = distance[node] + 1
                queue.append(prev)
    return distance


def layout(cmap: CustomerMap) -> dict[str, tuple[float, float]]:
    """Place each element for the diagram: paying customers in the right-hand column.

    An element's column is how many handovers separate it from the nearest
    paying customer. Elements with no line of sight go in a band below, in
    rows that follow the flow of work (never in the customers' column).

    Returns
    -------
    dict of name to (x, y)
        ``x`` is 0 for paying customers and negative to the left; ``y``
        counts down from 0 in rows, and the no-sight band starts below the
        rest.

    Examples
    --------
    >>> from kit.maps.files import example_map
    >>> where = layout(example_map())
    >>> where["Building owners"][0] == where["Hospitals"][0] == 0  # the customers' column
    True
    >>> where["Field engineers"][0], where["Service planning"][0]  # one and two handovers away
    (-1.0, -2.0)
    >>> where["Records archive"][1] < min(where[name][1] for name in ("Hospitals", "Billing"))
    True
    """
    graph = _graph(cmap)
    elements = _names(cmap)
    reverse: dict[str, list[str]] = {k: [] for k in graph}
    for node, targets in graph.items():
        for t in targets:
            reverse.setdefault(t, []).append(node)
    column = _distances(graph, elements)
    positions: dict[str, tuple[float, float]] = {}
    by_column: dict[int, list[str]] = {}
    for k in column:
        by_column.setdefault(column[k], []).append(k)
    for col in sorted(by_column):
        # Order each column by where its receivers sit, to cut crossings.
        def weight(k: str) -> float:
            ys = [positions[t][1] for t in graph.get(k, []) if t in positions]
            return sum(ys) / len(ys) if ys else 0.0

        ordered = sorted(by_column[col], key=lambda k: (-weight(k), elements[k].name.lower()))
        for row, k in enumerate(ordered):
            positions[k] = (-float(col), -float(row))

    # Elements with no line of sight fill a grid below, in the order work flows
    # to them (breadth first from whoever hands them work), so a chain reads
    # left to right and wraps like text instead of stacking in one column.
    order: list[str] = []
    seen = set(column)
    queue = deque(k for k in elements if k in column)
    islands = [k for k in elements if k not in column and not reverse.get(k)]
    rest = [k for k in elements if k not in column]
    for start in [None, *islands, *rest]:
        if start is not None and start not in seen:
            seen.add(start)
            order.append(start)
            queue.append(start)
        while queue:
            node = queue.popleft()
            for nxt in graph.get(node, []):
                if nxt not in seen:
                    seen.add(nxt)
                    order.append(nxt)
                    queue.append(nxt)
    width = max(3, max(column.values(), default=0))
    top = -min((y for _, y in positions.values()), default=-1.0) + 1.5 if positions else 0.0
    for index, k in enumerate(order):
        positions[k] = (-float(width - index % width), -(top + index // width))
    return {elements[k].name: xy for k, xy in positions.items()}
