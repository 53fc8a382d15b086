"""The customer map drawn as a picture, with no network access. Takes ``ax=None`` and returns the axes."""

from __future__ import annotations

import textwrap
from collections.abc import Set as AbstractSet

from matplotlib.axes import Axes

from kit.charts import figure_of, new_axes
from kit.maps.model import EXTERNAL, OWN_TEAM, CustomerMap, name_key

_KIND_COLOURS = {OWN_TEAM: "#d6e6f2", EXTERNAL: "#f9e0c7"}


_INTERNAL_COLOUR = "#eceff2"


_NO_SIGHT = "#c0392b"


_NO_BRIDGE = "#e07a1f"


def customer_map(
    cmap: CustomerMap,
    positions: dict[str, tuple[float, float]],
    no_sight: AbstractSet[str] = frozenset(),
    loops: AbstractSet[tuple[str, str]] = frozenset(),
    unbridged: AbstractSet[tuple[str, str]] = frozenset(),
    ax: Axes | None = None,
) -> Axes:
    """Draw a customer map: paying customers in the right-hand column.

    Parameters
    ----------
    cmap : CustomerMap
    positions : dict
        Element name to (x, y), from :func:`kit.maps.logic.layout`.
    no_sight : set of str
        Keys (:func:`kit.model.name_key`) of elements with no line of sight;
        their links are drawn dashed red.
    loops : set of (str, str)
        Links (source key, target key) that are part of a loop, drawn purple.
    unbridged : set of (str, str)
        Links on a chain to a paying customer that crosses no bridge, drawn
        dotted orange.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    labels = {e.name: textwrap.fill(e.name, 20) for e in cmap.elements}
    lines = max((label.count("\n") + 1 for label in labels.values()), default=1)
    # Rows move apart as labels wrap onto more lines, so no two boxes overlap.
    spacing = max(1.0, 0.34 * lines + 0.3)
    positions = {name: (x, y * spacing) for name, (x, y) in positions.items()}
    columns = {x for x, _ in positions.values()} or {0.0}
    rows = -min((y for _, y in positions.values()), default=0) + spacing
    if ax is None:
        width = min(18, max(6.5, 2.6 * len(columns) + 1))
        height = min(30, max(3.0, 0.62 * rows + 1.2))
        ax = new_axes((width, height), 100)
    boxes = {}
    for element in cmap.elements:
        if element.name not in positions:
            continue
        x, y = positions[element.name]
        face = _KIND_COLOURS.get(element.kind, _INTERNAL_COLOUR)
        edge = _NO_SIGHT if name_key(element.name) in no_sight else "#56606b"
        boxes[name_key(element.name)] = ax.text(
            x,
            y,
            labels[element.name],
            ha="center",
            va="center",
            fontsize=8,
            parse_math=False,  # a "$" in a name is text, not a formula
            bbox={
                "boxstyle": "round,pad=0.4",
                "facecolor": face,
                "edgecolor": edge,
                "linewidth": 2.6 if element.bridge else 0.8,
            },
            zorder=2,
        )
    for c in cmap.connections:
        key = (name_key(c.source), name_key(c.target))
        if key[0] not in boxes or key[1] not in boxes:
            continue
        dead = key[1] in no_sight
        colour = "#7d3c98" if key in loops else (_NO_SIGHT if dead else "#6b7580")
        if key in unbridged and not dead:
            colour = _NO_BRIDGE
        source, target = boxes[key[0]], boxes[key[1]]
        ax.annotate(
            "",
            xy=target.get_position(),
            xytext=source.get_position(),
            arrowprops={
                "arrowstyle": "-|>",
                "color": colour,
                "linestyle": "--" if dead else (":" if key in unbridged else "-"),
                "linewidth": 1.6 if key in unbridged else 1.2,
                "patchA": source.get_bbox_patch(),
                "patchB": target.get_bbox_patch(),
                "shrinkA": 1,
                "shrinkB": 1,
                "connectionstyle": "arc3,rad=0.1",
            },
            # Drawn after the boxes, whose size is known by then, so each arrow
            # stops at a box's edge without a second full render.
            zorder=3,
        )
    if no_sight:
        top = max(positions[e.name][1] for e in cmap.elements if name_key(e.name) in no_sight)
        ax.axhline(top + 0.75, color=_NO_SIGHT, linewidth=0.8, linestyle=":")
        ax.text(
            min(columns) - 0.55,
            top + 0.55,
            "No line of sight to a paying customer",
            fontsize=8,
            color=_NO_SIGHT,
            va="center",
        )
    xs = sorted(columns)
    ax.set_xlim(xs[0] - 0.6, xs[-1] + 0.6)
    ax.set_ylim(-rows + 0.4, 0.8)
    if 0.0 in columns:
        ax.text(0, 0.6, "Paying customers", ha="center", fontsize=9, fontweight="bold")
    ax.axis("off")
    figure_of(ax).tight_layout()
    return ax
