"""Widgets that leave readable output where no widget can be shown.

A notebook run by papermill or nbconvert, or opened on GitHub, has no widget
manager: a widget's output is only a reference to a model that is gone, so
a workbook run with its default parameters used to leave nothing to read.
The kit's sections are :class:`Section` (a VBox) and :class:`Text` (an HTML
widget); outside Voilà each also gives a ``text/html`` snapshot of what it
shows when it is displayed. JupyterLab and Voilà still show the live
widget (its own output type comes first); only the kit's own widgets carry
a snapshot, so a user's own widgets are left as they are.
"""

from __future__ import annotations

from html import escape
from typing import Any

import ipywidgets as widgets

from kit.ui.context import in_voila


def snapshot(widget: widgets.Widget) -> str:
    """Static HTML of what ``widget`` shows now: text, chosen values and pictures.

    Buttons, uploads and hidden parts are left out: on paper they do nothing.

    Examples
    --------
    >>> box = widgets.VBox([widgets.HTML("<p>Hello</p>"),
    ...                     widgets.RadioButtons(options=["Yes", "No"], value="No",
    ...                                          description="Ready?"),
    ...                     widgets.Button(description="Save")])
    >>> snapshot(box)
    "<div><p>Hello</p><p class='kit-chosen'>Ready? <b>No</b></p></div>"
    """
    layout = getattr(widget, "layout", None)
    if layout is not None and (layout.display == "none" or layout.visibility == "hidden"):
        return ""
    if isinstance(widget, widgets.HTML | widgets.HTMLMath):
        return str(widget.value)
    if isinstance(widget, widgets.Label):
        return f"<p>{escape(str(widget.value))}</p>"
    if isinstance(widget, widgets.Image):
        kind = escape(str(widget.format or "png"))
        import base64

        data = base64.b64encode(bytes(widget.value)).decode("ascii")
        return f"<img alt='' src='data:image/{kind};base64,{data}'>"
    if isinstance(widget, widgets.Box):
        return "<div>" + "".join(snapshot(child) for child in widget.children) + "</div>"
    if isinstance(widget, widgets.Text | widgets.Textarea):
        if not widget.value:
            return ""
        label = f"{escape(widget.description)} " if widget.description else ""
        return f"<p class='kit-chosen'>{label}<b>{escape(widget.value)}</b></p>"
    if isinstance(widget, widgets.widget_selection._Selection):
        label = f"{escape(widget.description)} " if widget.description else ""
        chosen = widget.label if widget.index is not None else "(not chosen)"
        return f"<p class='kit-chosen'>{label}<b>{escape(str(chosen))}</b></p>"
    return ""


class _Readable:
    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = super()._repr_mimebundle_(**kwargs)  # type: ignore[misc]
        if isinstance(bundle, dict) and not in_voila():
            bundle = {**bundle, "text/html": snapshot(self)}  # type: ignore[arg-type]
        return bundle


class Section(_Readable, widgets.VBox):
    """A VBox that leaves a readable snapshot outside Voilà."""


class Row(_Readable, widgets.HBox):
    """An HBox that leaves a readable snapshot outside Voilà."""


class Text(_Readable, widgets.HTML):
    """An HTML widget that leaves its HTML as output outside Voilà."""
