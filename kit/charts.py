"""Plotting, isolated here: every function takes ``ax=None`` and returns the axes.

Only this module imports matplotlib, and the UI imports it only when a chart
is drawn, so a workbook page starts without paying for it.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # no display in a kernel or a headless run

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

from kit.model import Scale, TraitScore  # noqa: E402

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
        _, ax = plt.subplots(figsize=(7, 0.55 * len(scores) + 1.1), dpi=110)
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


def to_png(ax: Axes) -> bytes:
    """Render the axes' figure as PNG bytes and close it."""
    buffer = io.BytesIO()
    ax.figure.savefig(buffer, format="png")
    plt.close(ax.figure)
    return buffer.getvalue()
