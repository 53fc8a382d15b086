"""Plotting, isolated here: every function takes ``ax=None`` and returns the axes.

Only this module imports matplotlib, and the UI imports it only when a chart
is drawn, so a workbook page starts without paying for it.

Charts are drawn on a :class:`matplotlib.figure.Figure` of their own, never
through ``pyplot``: choosing a backend (``matplotlib.use``) or opening pyplot
figures would change the plots of a JupyterLab user who runs a workbook
beside their own cells (their ``plt.show()`` showed nothing after a kit
chart). A Figure renders to PNG with the Agg canvas whatever the backend is.
"""

from __future__ import annotations

import io
import textwrap

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from kit.model import (
    EXTERNAL,
    OWN_TEAM,
    CustomerMap,
    Grid,
    Placement,
    Scale,
    TraitScore,
    name_key,
)

_BAR = "#2a6f97"
_GROW = "#e07a1f"


def trait_bars(
    scores: tuple[TraitScore, ...],
    scale: Scale,
    ax: Axes | None = None,
    highlight: tuple[str, ...] = (),
) -> Axes:
    """Draw trait scores as horizontal bars, highest at the top.

    A sorted bar chart is used rather than a radar, whose shape depends on the
    order of the axes.

    Parameters
    ----------
    scores : tuple of TraitScore
        Already sorted as they should appear, highest first; unanswered traits
        (``mean`` None) are drawn as empty rows.
    scale : Scale
        Gives the axis range and its end labels.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when None.
    highlight : tuple of str
        Trait ids drawn in the "to grow" colour.

    Returns
    -------
    matplotlib Axes
    """
    if ax is None:
        ax = _axes((7, 0.55 * len(scores) + 1.1), 110)
    names = [s.trait.name for s in scores][::-1]
    values = [s.mean or 0 for s in scores][::-1]
    colours = [_GROW if s.trait.id in highlight else _BAR for s in scores][::-1]
    bars = ax.barh(names, values, color=colours, height=0.6)
    for bar, score in zip(bars, list(scores)[::-1], strict=True):
        label = f"{score.mean:.1f}" if score.mean is not None else "not answered"
        ax.text(
            (score.mean or 1) + 0.05,
            bar.get_y() + bar.get_height() / 2,
            label,
            va="center",
            fontsize=9,
        )
    ax.set_xlim(1, scale.points + 0.4)
    ax.set_xticks(range(1, scale.points + 1))
    ax.set_xticklabels([str(n) for n in range(1, scale.points + 1)])
    ax.set_xlabel(f"1 = {scale.labels[0]}  ·  {scale.points} = {scale.labels[-1]}")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.figure.tight_layout()
    return ax


def four_blocks(
    grid: Grid, scale: Scale, placement: Placement | None = None, ax: Axes | None = None
) -> Axes:
    """Draw the four-block grid, the band around its lines, and the person's point.

    The shaded band is where a point counts as between blocks, so the chart
    and the words under it never disagree.

    Parameters
    ----------
    grid : Grid
        Axis names and blocks.
    scale : Scale
        Gives the range of both axes.
    placement : Placement, optional
        The point to mark; None draws the empty grid.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    if ax is None:
        ax = _axes((5.6, 5.6), 110)
    low, high = 1, scale.points
    middle = (low + high) / 2
    ax.set_xlim(low, high)
    ax.set_ylim(low, high)
    ax.axvspan(middle - grid.near, middle + grid.near, color="#eef2f5", zorder=0)
    ax.axhspan(middle - grid.near, middle + grid.near, color="#eef2f5", zorder=0)
    ax.axvline(middle, color="#8a96a3", linewidth=1)
    ax.axhline(middle, color="#8a96a3", linewidth=1)
    chosen = {b.id for b in placement.blocks} if placement else set()
    for block in grid.blocks:
        x = (low + middle) / 2 if block.x == "low" else (middle + high) / 2
        y = (middle + high) / 2 + 0.75 if block.y == "high" else (low + middle) / 2 - 0.75
        ax.text(
            x,
            y,
            block.name,
            ha="center",
            va="center",
            fontsize=10,
            fontweight="bold" if block.id in chosen else "normal",
            color=_BAR if block.id in chosen else "#56606b",
            parse_math=False,
        )
    if placement is not None:
        ax.plot([placement.x], [placement.y], "o", markersize=13, color=_GROW, zorder=3)
        ax.annotate(
            "You",
            (placement.x, placement.y),
            textcoords="offset points",
            xytext=(10, 8),
            fontsize=10,
            fontweight="bold",
        )
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel(f"← {grid.x_labels[0]}          {grid.x_labels[1]} →", fontsize=9)
    ax.set_ylabel(f"← {grid.y_labels[0]}          {grid.y_labels[1]} →", fontsize=9)
    ax.set_aspect("equal")
    ax.figure.tight_layout()
    return ax


_KIND_COLOURS = {OWN_TEAM: "#d6e6f2", EXTERNAL: "#f9e0c7"}
_INTERNAL_COLOUR = "#eceff2"
_NO_SIGHT = "#c0392b"
_NO_BRIDGE = "#e07a1f"


def customer_map(
    cmap: CustomerMap,
    positions: dict[str, tuple[float, float]],
    no_sight: set[str] = frozenset(),
    loops: set[tuple[str, str]] = frozenset(),
    unbridged: set[tuple[str, str]] = frozenset(),
    ax: Axes | None = None,
) -> Axes:
    """Draw a customer map: paying customers in the right-hand column.

    Parameters
    ----------
    cmap : CustomerMap
    positions : dict
        Element name to (x, y), from :func:`kit.customer_map.layout`.
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
        ax = _axes((width, height), 100)
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
    ax.figure.tight_layout()
    return ax


def backlog(figures, ax: Axes | None = None) -> Axes:
    """Draw the backlog over sessions: completion rate (bars) and median age of open actions.

    Parameters
    ----------
    figures : list of kit.backlog.SessionFigures
        One per session, in order.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        The completion axis; the age line is on a twin axis.
    """
    if ax is None:
        ax = _axes((7, 3.2), 110)
    labels = [f"#{f.session}\n{f.held_on}" for f in figures]
    rates = [100 * (f.completion or 0) for f in figures]
    ax.bar(labels, rates, color=_BAR, width=0.55)
    ax.set_ylim(0, 100)
    ax.set_ylabel("actions done (%)")
    twin = ax.twinx()
    ages = [f.median_age if f.median_age is not None else float("nan") for f in figures]
    twin.plot(labels, ages, "o-", color=_GROW)
    twin.set_ylabel("median age of open actions (days)", color=_GROW)
    twin.set_ylim(0, max([a for a in ages if a == a] or [1]) * 1.3 + 1)
    for side in ("top",):
        ax.spines[side].set_visible(False)
        twin.spines[side].set_visible(False)
    ax.tick_params(axis="x", labelsize=8)
    ax.figure.tight_layout()
    return ax


def _axes(size: tuple[float, float], dpi: int) -> Axes:
    """A new figure's one axes, outside pyplot (so no user's figure list changes)."""
    figure = Figure(figsize=size, dpi=dpi)
    FigureCanvasAgg(figure)  # its own canvas: drawn and measured the same on any backend
    return figure.subplots()


def to_png(ax: Axes) -> bytes:
    """Render the axes' figure as PNG bytes."""
    buffer = io.BytesIO()
    ax.figure.savefig(buffer, format="png")
    return buffer.getvalue()
