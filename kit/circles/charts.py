"""The circle's backlog over its sessions. Takes ``ax=None`` and returns the axes."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from kit.charts import BAR, GROW, figure_of, new_axes

DONE, DROPPED = BAR, "#9ca3af"


def backlog(figures, ax: Axes | None = None) -> Axes:
    """Draw the backlog at the end of each session: actions done, dropped and still open.

    One axis (a count of actions), stacked bars, a legend: a reader sees how
    the backlog grew and emptied without a second scale to decode.

    Parameters
    ----------
    figures : list of kit.circles.backlog.SessionFigures
        One per session, in order.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    if ax is None:
        ax = new_axes((7, 3.2), 110)
    labels = [f"#{f.session}\n{f.held_on}" for f in figures]
    done = [f.done for f in figures]
    dropped = [f.closed - f.done for f in figures]
    still_open = [f.opened - f.closed for f in figures]
    ax.bar(labels, done, color=DONE, width=0.55, label="done")
    ax.bar(labels, dropped, bottom=done, color=DROPPED, width=0.55, label="dropped")
    ax.bar(
        labels,
        still_open,
        bottom=[a + b for a, b in zip(done, dropped, strict=True)],
        color=GROW,
        width=0.55,
        label="open",
    )
    ax.set_ylabel("actions")
    ax.set_title("Actions at the end of each session", fontsize=10)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(frameon=False, fontsize=8, loc="upper left")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="x", labelsize=8)
    figure_of(ax).tight_layout()
    return ax
