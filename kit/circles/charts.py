"""The circle's backlog over its sessions. Takes ``ax=None`` and returns the axes."""

from __future__ import annotations

from matplotlib.axes import Axes

from kit.charts import BAR, GROW, figure_of, new_axes


def backlog(figures, ax: Axes | None = None) -> Axes:
    """Draw the backlog over sessions: completion rate (bars) and median age of open actions.

    Parameters
    ----------
    figures : list of kit.circles.backlog.SessionFigures
        One per session, in order.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        The completion axis; the age line is on a twin axis.
    """
    if ax is None:
        ax = new_axes((7, 3.2), 110)
    labels = [f"#{f.session}\n{f.held_on}" for f in figures]
    rates = [100 * (f.completion or 0) for f in figures]
    ax.bar(labels, rates, color=BAR, width=0.55)
    ax.set_ylim(0, 100)
    ax.set_ylabel("actions done (%)")
    twin = ax.twinx()
    ages = [f.median_age if f.median_age is not None else float("nan") for f in figures]
    twin.plot(labels, ages, "o-", color=GROW)
    twin.set_ylabel("median age of open actions (days)", color=GROW)
    twin.set_ylim(0, max([a for a in ages if a == a] or [1]) * 1.3 + 1)
    for side in ("top",):
        ax.spines[side].set_visible(False)
        twin.spines[side].set_visible(False)
    ax.tick_params(axis="x", labelsize=8)
    figure_of(ax).tight_layout()
    return ax
