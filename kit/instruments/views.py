"""HTML fragments for a questionnaire's results and answers, shared by the app and the report.

Every piece of text a person typed, and every piece of content a coach wrote,
goes through :func:`html.escape` here, so no page or report ever runs it.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from kit.instruments.model import Instrument, Placement, Results, TraitScore
from kit.instruments.scoring import next_steps, rating, score_text


def _para(text: str) -> str:
    return "".join(f"<p>{escape(p.strip())}</p>" for p in text.strip().split("\n\n") if p.strip())


def score_table(results: Results) -> str:
    """Return the trait scores as an accessible table, highest first.

    Examples
    --------
    >>> from kit.instruments.content import get_instrument
    >>> from kit.instruments.scoring import results
    >>> table = score_table(results(get_instrument("hidden_leader"), {"urgency.1": 4}))
    >>> "<td class='kit-num'>4.00</td><td class='kit-num'>1 of 4</td>" in table
    True
    """
    rows = "".join(
        f"<tr><td>{escape(s.trait.name)}</td>"
        f"<td class='kit-num'>{'—' if s.mean is None else f'{s.mean:.2f}'}</td>"
        f"<td class='kit-num'>{s.answered} of {len(s.trait.items)}</td></tr>"
        for s in results.scores
    )
    return (
        "<table class='kit-table'><caption>Score per trait (mean, 1–5)</caption>"
        "<thead><tr><th>Trait</th><th>Score</th><th>Answered</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _trait_card(score: TraitScore, heading: str, tips: tuple[str, ...] = (), lead: str = "") -> str:
    listed = f"<p class='kit-use'>{escape(lead)}</p>" if lead and tips else ""
    if tips:
        listed += "<ul class='kit-tips'>" + "".join(f"<li>{escape(t)}</li>" for t in tips) + "</ul>"
    return (
        f"<div class='kit-card'><div class='kit-card-kicker'>{escape(heading)}</div>"
        f"<h4>{escape(score.trait.name)} <span class='kit-score'>{score_text(score.mean)}</span>"
        f"</h4><p>{escape(score.trait.definition)}</p>{listed}</div>"
    )


NUMBER_WORDS = {1: "one", 2: "two", 3: "three"}


def _names(scores: tuple[TraitScore, ...]) -> str:
    names = [s.trait.name for s in scores]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def highlights(results: Results) -> str:
    """Return the strongest trait (one way to use it for the team) and the traits to grow.

    Until every statement is answered, it says how many are left instead.
    Ties are said to be ties: two traits at the top are both strongest, and
    traits tied at the cut of those to grow are all shown, with a word on
    choosing between them.

    Examples
    --------
    >>> from kit.instruments.content import get_instrument
    >>> from kit.instruments.scoring import results
    >>> hl = get_instrument("hidden_leader")
    >>> "Answer the 19 remaining statements" in highlights(results(hl, {"urgency.1": 4}))
    True
    >>> answers = {item.id: 3 for item in hl.items} | {"urgency.1": 5, "enthusiasm.1": 1}
    >>> shown = highlights(results(hl, answers))
    >>> "Your strongest trait</div><h4>Sense of urgency for the customer" in shown
    True
    >>> "use it for your team" in shown, "tie at 3.00" in shown
    (True, True)
    """
    if not results.complete or not results.strongest:
        left = results.total - results.answered
        return (
            f"<div class='kit-note'>Answer the {left} remaining statement"
            f"{'' if left == 1 else 's'} to see your strongest trait and the two to grow "
            f"({results.answered} of {results.total} answered so far).</div>"
        )
    notes = []
    top = results.strongest
    if results.all_level:
        notes.append(
            f"All {len(top)} traits score {score_text(top[0].mean)}: none stands out. Pick the "
            "one or two your customers would notice most, and try the tips under it."
        )
    elif len(top) > 1:
        notes.append(
            f"{_names(top)} tie as your strongest, at {score_text(top[0].mean)}: lean on "
            "whichever your team needs more."
        )
    grow = results.to_grow
    if len(grow) > results.grow:
        tied = tuple(s for s in grow if s.mean == grow[-1].mean)
        choose = results.grow - (len(grow) - len(tied))
        notes.append(
            f"{_names(tied)} tie at {score_text(tied[0].mean)}, so all of them are shown as "
            f"traits to grow: choose the {NUMBER_WORDS.get(choose, str(choose))} that would "
            "help your customers most."
        )
    kicker = "Your strongest trait" if len(top) == 1 else "One of your strongest traits"
    cards = []
    if not results.all_level:
        for score in top:
            use = (score.trait.team_use,) if score.trait.team_use else ()
            cards.append(_trait_card(score, kicker, use, "One way to use it for your team:"))
    cards += [_trait_card(s, "A trait to grow: try one of these", s.trait.tips) for s in grow]
    if results.all_level:
        cards = [_trait_card(s, "Your score", s.trait.tips) for s in top]
    said = "".join(f"<div class='kit-note'>{escape(n)}</div>" for n in notes)
    return said + "<div class='kit-cards'>" + "".join(cards) + "</div>"


def commitment_suggestions(instrument: Instrument, results: Results) -> tuple[str, ...]:
    """Suggested commitments: the tips of the traits to grow first, then the general ones.

    Before every statement is answered (no traits to grow yet), only the
    general suggestions.

    Examples
    --------
    >>> from kit.instruments.content import get_instrument
    >>> from kit.instruments.scoring import results
    >>> hl = get_instrument("hidden_leader")
    >>> answers = {item.id: 4 for item in hl.items} | {"ownership.1": 1, "urgency.1": 2}
    >>> offered = commitment_suggestions(hl, results(hl, answers))
    >>> offered[0] == hl.trait("ownership").tips[0], hl.trait("urgency").tips[0] in offered
    (True, True)
    >>> commitment_suggestions(hl, results(hl, {})) == hl.commitment_suggestions
    True
    """
    tips = [tip for score in results.to_grow for tip in score.trait.tips]
    return tuple(dict.fromkeys([*tips, *instrument.commitment_suggestions]))


def answers_table(instrument: Instrument, answers: Mapping[str, object]) -> str:
    """Return every statement with the answer given, grouped by trait.

    Examples
    --------
    >>> from kit.instruments.content import get_instrument
    >>> shown = answers_table(get_instrument("hidden_leader"), {"urgency.1": "4"})
    >>> "<td>4 · Most of the time</td>" in shown, shown.count("not answered")
    (True, 19)
    """
    parts = []
    for trait in instrument.traits:
        rows = []
        for item in trait.items:
            value = rating(answers.get(item.id), instrument.scale.points)
            shown = (
                "not answered" if value is None else f"{value} · {instrument.scale.label(value)}"
            )
            rows.append(f"<tr><td>{escape(item.text)}</td><td>{escape(shown)}</td></tr>")
        parts.append(
            f"<h4>{escape(trait.name)}</h4><table class='kit-table'>"
            f"<thead><tr><th>Statement</th><th>Answer</th></tr></thead><tbody>{''.join(rows)}"
            "</tbody></table>"
        )
    return "".join(parts)


def reflections(
    instrument: Instrument, answers: Mapping[str, object], commitments_title: str = "My commitments"
) -> str:
    """Return the person's reflections and commitments as text, escaped.

    Examples
    --------
    >>> from kit.instruments.content import get_instrument
    >>> written = {"reflection.paying_customer": "The <b>hospitals</b>", "commitment.1": "Call one"}
    >>> shown = reflections(get_instrument("hidden_leader"), written)
    >>> "<p>The &lt;b&gt;hospitals&lt;/b&gt;</p>" in shown, "<ol><li>Call one</li></ol>" in shown
    (True, True)
    >>> "Not written yet." in shown  # the second reflection is still empty
    True
    """
    parts = []
    for reflection in instrument.reflections:
        text = str(answers.get(instrument.reflection_key(reflection), "")).strip()
        parts.append(
            f"<h4>{escape(reflection.title)}</h4>"
            + (_para(text) if text else "<p class='kit-muted'>Not written yet.</p>")
        )
    commitments = [
        str(answers.get(key, "")).strip()
        for key in instrument.commitment_keys()
        if str(answers.get(key, "")).strip()
    ]
    parts.append(f"<h4>{escape(commitments_title)}</h4>")
    if commitments:
        parts.append("<ol>" + "".join(f"<li>{escape(c)}</li>" for c in commitments) + "</ol>")
    else:
        parts.append("<p class='kit-muted'>None chosen yet.</p>")
    return "".join(parts)


def placement(
    instrument: Instrument,
    where: Placement | None,
    answered: int,
    total: int,
    done: frozenset[int] = frozenset(),
) -> str:
    """Return where the person stands on the four blocks, what it means, and next steps.

    Parameters
    ----------
    instrument : Instrument
        An instrument with a grid.
    where : Placement or None
        None until both axes are answered.
    answered, total : int
        Progress over the rated items, for the message shown before then.
    done : frozenset of int
        The workbooks the person has finished, whose steps are left out.

    Examples
    --------
    >>> from kit.instruments.content import get_instrument
    >>> from kit.instruments.scoring import placement as place_person
    >>> fa = get_instrument("focus_attitude")
    >>> answers = {f"focus.{n}": 5 for n in range(1, 5)} | {f"attitude.{n}": 1 for n in range(1, 5)}
    >>> "<h4>Steps toward Customer Value Creator from Problem Solver</h4>" in placement(
    ...     fa, place_person(fa, answers), 8, 8)
    True
    >>> "Answer the 5 remaining statements" in placement(fa, None, 3, 8)
    True
    """
    grid = instrument.grid
    if grid is None:
        return ""
    if where is None:
        left = total - answered
        return (
            f"<div class='kit-note'>Answer the {left} remaining statement"
            f"{'' if left == 1 else 's'} to see where you stand "
            f"({answered} of {total} answered so far).</div>"
        )
    middle = (instrument.scale.points + 1) / 2

    def side(value: float, labels: tuple[str, str]) -> str:
        if abs(value - middle) <= grid.near + 1e-9:
            return "close to the middle"
        return f"{labels[1] if value > middle else labels[0]} side".lower()

    scores = (
        f"<p class='kit-muted'>{escape(instrument.trait(grid.x).name)}: {where.x:.2f} "
        f"({escape(side(where.x, grid.x_labels))}) · {escape(instrument.trait(grid.y).name)}: "
        f"{where.y:.2f} ({escape(side(where.y, grid.y_labels))}), on a scale of 1 to "
        f"{instrument.scale.points}.</p>"
    )
    if where.clear:
        block = where.blocks[0]
        head = (
            f"<div class='kit-card-kicker'>Where you stand</div>"
            f"<h4 class='kit-block-name'>{escape(block.name)}</h4>"
        )
        body = f"<p>{escape(block.description)}</p>"
    else:
        head = (
            "<div class='kit-card-kicker'>Where you stand</div>"
            f"<h4 class='kit-block-name'>You are {escape(where.wording())}</h4>"
        )
        body = (
            "<p>Your answers put you too close to a line to name one block honestly. "
            "Read the descriptions below and judge which fits you better.</p>"
            + "".join(
                f"<p><b>{escape(b.name)}.</b> {escape(b.description)}</p>" for b in where.blocks
            )
        )
    planned = next_steps(instrument, where, done)
    steps_head = planned.heading
    steps = "".join(f"<li>{escape(s)}</li>" for s in planned.steps)
    return (
        f"<div class='kit-card kit-placement'>{head}{scores}{body}</div>"
        f"<div class='kit-card'><div class='kit-card-kicker'>What to do next</div>"
        f"<h4>{escape(steps_head)}</h4><ol class='kit-tips'>{steps}</ol></div>"
    )


def related_scores(
    groups: list[tuple[str, list[TraitScore]]], link: str = "", link_text: str = ""
) -> str:
    """Return scores from another workbook, shown beside the axis they shed light on.

    Parameters
    ----------
    groups : list of (axis name, trait scores)
        The scores to show; a trait with no answers shows as not answered.
    link : str
        Where to answer them, shown when any is missing.
    link_text : str
        The link's words.

    Examples
    --------
    >>> from kit.instruments.content import get_instrument
    >>> from kit.instruments.scoring import trait_scores
    >>> answers = {f"urgency.{n}": 5 for n in range(1, 5)}
    >>> s = {t.trait.id: t for t in trait_scores(get_instrument("hidden_leader"), answers)}
    >>> shown = related_scores([("Focus", [s["urgency"]]), ("Attitude", [s["ownership"]])],
    ...                        "01.ipynb", "Answer workbook 01")
    >>> "<td class='kit-num'>5.00</td>" in shown, "not answered yet" in shown
    (True, True)
    >>> "<a href='01.ipynb'>Answer workbook 01</a>" in shown  # as ownership is missing
    True
    """
    if not groups:
        return ""
    rows = []
    missing = False
    for axis_name, scores in groups:
        for score in scores:
            complete = score.mean is not None and score.complete
            missing = missing or not complete
            shown = score_text(score.mean) if complete else "not answered yet"
            rows.append(
                f"<tr><td>{escape(axis_name)}</td><td>{escape(score.trait.name)}</td>"
                f"<td class='kit-num'>{escape(shown)}</td></tr>"
            )
    tail = ""
    if missing and link:
        tail = f"<p><a href='{escape(link, quote=True)}'>{escape(link_text)}</a></p>"
    return (
        "<h4>Beside your hidden-leader traits</h4><p class='kit-muted'>The self-assessment in "
        "workbook 01 measures habits that feed each axis.</p><table class='kit-table'>"
        "<thead><tr><th>Axis</th><th>Hidden-leader trait</th><th>Score</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>{tail}"
    )


def intro(instrument: Instrument) -> str:
    """Return the instrument's introduction.

    Each block of text between blank lines becomes one escaped HTML paragraph.

    Examples
    --------
    >>> from kit.instruments.content import get_instrument
    >>> intro(get_instrument("focus_attitude"))[:45]
    '<p>Two questions sit under every working day.'
    """
    return _para(instrument.intro)
