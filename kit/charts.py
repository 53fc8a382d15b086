"""What every chart shares: the colours, a Figure of its own, and PNG output.

Charts are drawn on a :class:`matplotlib.figure.Figure` of their own, never
through ``pyplot``: choosing a backend (``matplotlib.use``) or opening pyplot
figures would change the plots of a JupyterLab user who runs a workbook
beside their own cells (their ``plt.show()`` showed nothing after a kit
chart). A Figure renders to PNG with the Agg canvas whatever the backend is.
Each feature draws its own charts (``kit/<feature>/charts.py``) with these;
pages import them only when a chart is drawn, so a page starts without
paying for matplotlib.
"""

from __future__ import annotations

import io

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

BAR = "#2a6f97"


GROW = "#e07a1f"


def new_axes(size: tuple[float, float], dpi: int) -> Axes:
    """A new figure's one axes, outside pyplot (so no user's figure list changes)."""
    figure = Figure(figsize=size, dpi=dpi)
    FigureCanvasAgg(figure)  # its own canvas: drawn and measured the same on any backend
    return figure.subplots()


def figure_of(ax: Axes) -> Figure:
    """The figure the axes are drawn on (every kit chart has one axes on its own Figure)."""
    figure = ax.get_figure()
    assert isinstance(figure, Figure), "kit charts draw on a Figure of their own"
    return figure


def to_png(ax: Axes) -> bytes:
    """Render the axes' figure as PNG bytes."""
    buffer = io.BytesIO()
    figure_of(ax).savefig(buffer, format="png")
    return buffer.getvalue()
