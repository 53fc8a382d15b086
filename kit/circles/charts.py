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


def cause_mix(programme, ax: Axes | None = None) -> Axes:
    """Draw the unhappy stories of each session, stacked by cause (one axis, a legend).

    Parameters
    ----------
    programme : kit.circles.programme.Programme
    ax : matplotlib Axes, optional
    """
    from kit.circles.programme import CAUSES, UNCLASSIFIED, cause_label

    if ax is None:
        ax = new_axes((7, 3.2), 110)
    rows = programme.sessions
    labels = [f"#{r.number}\n{r.held_on}" for r in rows]
    colours = ["#2a6f97", "#61a5c2", "#e07a1f", "#f4a261", "#d1d5db"]
    bottom = [0] * len(rows)
    for label, colour in zip(
        [cause_label(*c) for c in CAUSES] + [UNCLASSIFIED], colours, strict=True
    ):
        heights = [r.causes.get(label, 0) for r in rows]
        ax.bar(labels, heights, bottom=bottom, color=colour, width=0.55, label=label)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    ax.set_ylabel("unhappy stories")
    ax.set_title("Unhappy stories per session, by cause", fontsize=10)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(frameon=False, fontsize=7, loc="upper left", ncols=2)
    ax.set_ylim(0, max(bottom + [1]) * 1.5)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="x", labelsize=8)
    figure_of(ax).tight_layout()
    return ax


def lists_trend(programme, ax: Axes | None = None) -> Axes:
    """Draw how often each running list was raised per session (one axis, a line per list)."""
    if ax is None:
        ax = new_axes((7, 3.0), 110)
    labels = [f"#{r.number}" for r in programme.sessions]
    for kind, colour, name in (
        ("do not annoy", GROW, "Do-Not-Annoy entries raised"),
        ("delight", BAR, "delight factors raised"),
    ):
        totals = [0] * len(labels)
        for trend in programme.trends:
            if trend.entry.kind == kind:
                totals = [t + n for t, n in zip(totals, trend.counts, strict=True)]
        ax.plot(labels, totals, "o-", color=colour, label=name)
    ax.set_ylabel("times raised")
    ax.set_title("The running lists, session by session", fontsize=10)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(bottom=0)
    ax.legend(frameon=False, fontsize=8, loc="upper left")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    figure_of(ax).tight_layout()
    return ax
