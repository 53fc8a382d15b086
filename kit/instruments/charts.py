"""The questionnaires' charts: trait bars and the four blocks. Every function takes ``ax=None`` and returns the axes."""

from __future__ import annotations

from matplotlib.axes import Axes

from kit.charts import BAR, GROW, figure_of, new_axes
from kit.instruments.model import Grid, Placement, Scale, TraitScore


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
        ax = new_axes((7, 0.55 * len(scores) + 1.1), 110)
    names = [s.trait.name for s in scores][::-1]
    values = [s.mean or 0 for s in scores][::-1]
    colours = [GROW if s.trait.id in highlight else BAR for s in scores][::-1]
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
    figure_of(ax).tight_layout()
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
        ax = new_axes((5.6, 5.6), 110)
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
            color=BAR if block.id in chosen else "#56606b",
            parse_math=False,
        )
    if placement is not None:
        ax.plot([placement.x], [placement.y], "o", markersize=13, color=GROW, zorder=3)
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
    figure_of(ax).tight_layout()
    return ax
