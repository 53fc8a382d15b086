"""The customer map's model: the team, its internal and external customers, and what is handed over.

Frozen dataclasses with no I/O, no widgets and no plotting.
"""

from __future__ import annotations

from dataclasses import dataclass

# The three kinds of element on a customer map, in the order the UI offers them.
OWN_TEAM = "own team"


INTERNAL = "internal customer"


EXTERNAL = "external customer"


ELEMENT_KINDS = (OWN_TEAM, INTERNAL, EXTERNAL)


@dataclass(frozen=True)
class MapElement:
    """A team, unit or customer on a customer map; the name identifies it.

    ``bridge`` marks people or teams who cross between the operations side
    and the customer-facing side.
    """

    name: str
    kind: str
    notes: str = ""
    bridge: bool = False


@dataclass(frozen=True)
class MapConnection:
    """An output handed from one element to another.

    ``level`` is the relationship with a paying customer (for a connection
    into an external customer); ``promise`` says how the output serves the
    value promise to the paying customer.
    """

    source: str
    target: str
    handover: str = ""
    level: str = ""
    promise: str = ""


@dataclass(frozen=True)
class CustomerMap:
    """One manager's map of outputs and the customers who receive them."""

    elements: tuple[MapElement, ...] = ()
    connections: tuple[MapConnection, ...] = ()

    def element(self, name: str) -> MapElement | None:
        """Return the element called ``name`` (case and spaces ignored), or None."""
        key = name_key(name)
        for element in self.elements:
            if name_key(element.name) == key:
                return element
        return None


def name_key(name: str) -> str:
    """Return the form of a name used to compare names: case and extra spaces ignored.

    Examples
    --------
    >>> name_key("  Field   Service ") == name_key("field service")
    True
    """
    return " ".join(name.split()).casefold()
