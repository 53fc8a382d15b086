"""A team's picture as HTML: the coach dashboard, participants' revealed results, the team report.

Bars are plain HTML, not images: they draw at once on a phone, scale with
the screen, and need no plotting library in the page's kernel. Every text a
person typed is escaped here.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from kit.instruments import scoring
from kit.instruments import views as instrument_views
from kit.instruments.model import Instrument
from kit.organisation.views import team_chain_html
from kit.store.sessions import UploadBatch
from kit.team.anonymity import NO_ANSWERS, Audience, Figure, Gate, disclose
from kit.team.picture import BlockCounts, Profile, PulseRound, TeamPicture, TraitSpread

if TYPE_CHECKING:
    from kit.team.controllers import OnePerson

SCALE_TOP = 5


def _gate(gate: Gate) -> str:
    if gate.message() == NO_ANSWERS:
        return f"<div class='kit-muted kit-empty' role='status'>{escape(gate.message())}</div>"
    # The words the coach and the team learn to read: never reworded per page.
    return f"<div class='kit-note kit-hidden' role='status'>{escape(gate.message())}</div>"


def _bar(label: str, mean: float, spread: float | None) -> str:
    # The bar's length is the mean on the 1–5 scale; the whisker is ±1 spread.
    width = max(0.0, (mean - 1) / (SCALE_TOP - 1) * 100)
    whisker = value = ""
    if spread is not None:
        low = max(0.0, (mean - spread - 1) / (SCALE_TOP - 1) * 100)
        high = min(100.0, (mean + spread - 1) / (SCALE_TOP - 1) * 100)
        whisker = (
            f"<div class='kit-whisker' style='left:{low:.1f}%;width:{max(0.5, high - low):.1f}%'>"
            "</div>"
        )
        value = f" <span class='kit-muted'>±{spread:.2f}</span>"
    said = f"mean {mean:.2f}" + (f", spread {spread:.2f}" if spread is not None else "")
    return (
        f"<div class='kit-bar-row'><div class='kit-bar-label'>{escape(label)}</div>"
        f"<div class='kit-bar-track' role='img' aria-label='{escape(label)}: {said}'>"
        f"<div class='kit-bar' style='width:{width:.1f}%'></div>{whisker}</div>"
        f"<div class='kit-bar-value'>{mean:.2f}{value}</div></div>"
    )


def _bars(traits: tuple[TraitSpread, ...], spread: bool) -> str:
    return (
        "<div class='kit-bars'>"
        + "".join(_bar(t.name, t.mean, t.spread if spread else None) for t in traits)
        + "</div>"
    )


def profile_html(profile: Profile, title: str, audience: Audience = Audience.COACH) -> str:
    """The team's trait profile as sorted bars (mean; for the coach, ±1 standard deviation).

    What shows is :func:`kit.team.anonymity.disclose`'s to decide: the spread only
    to the coach and only for a large enough group (with a mean and a spread
    of three people, each of them could work out the other two's scores).

    Examples
    --------
    >>> from kit.team.picture import Profile, TraitSpread
    >>> profile = Profile(Gate(10, 5, 10, 10), (TraitSpread("urgency", "Urgency", 3.8, 0.6),))
    >>> for_coach = profile_html(profile, "Traits")
    >>> for_team = profile_html(profile, "Traits", Audience.TEAM)
    >>> "±0.60" in for_coach, "±" in for_team
    (True, False)
    >>> "hidden to protect anonymity (4 of at least 5 have finished)" in profile_html(
    ...     Profile(Gate(4, 5, 4)), "Traits")
    True
    """
    head = f"<h4>{escape(title)}</h4>"
    if not disclose(Figure.MEANS, profile.gate, audience):
        return head + _gate(profile.gate)
    spread = disclose(Figure.SPREAD, profile.gate, audience)
    note = "; the thin line shows the spread (one standard deviation either side)" if spread else ""
    return (
        head
        + f"<p class='kit-muted'>{escape(profile.gate.covering())}, highest mean first{note}.</p>"
        + _bars(profile.traits, spread)
    )


def blocks_html(blocks: BlockCounts) -> str:
    """How many people are in each of the four blocks, laid out as the grid (the coach's view).

    Examples
    --------
    >>> from kit.team.picture import BlockCounts
    >>> counts = (("Customer Value Creator", 2), ("Problem Solver", 1))
    >>> shown = blocks_html(BlockCounts(Gate(6, 3, 6, 6), counts, between=3))
    >>> "<div class='kit-block-count'>2</div><div>Customer Value Creator</div>" in shown
    True
    >>> "3 more are too close to a line" in shown
    True
    """
    head = "<h4>The four blocks: how many Customer Value Creators?</h4>"
    if not disclose(Figure.BLOCK_COUNTS, blocks.gate, Audience.COACH):
        return head + _gate(blocks.gate)
    counts = dict(blocks.counts)
    # The grid as people see it on their own page: attitude up, focus across.
    cells = [
        ("Empire Builder", "Customer Value Creator"),
        ("Risk Avoider", "Problem Solver"),
    ]
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td class='kit-block-cell'><div class='kit-block-count'>{counts.get(name, 0)}</div>"
            f"<div>{escape(name)}</div></td>"
            for name in row
        )
        + "</tr>"
        for row in cells
    )
    between = (
        f"<p class='kit-muted'>{blocks.between} more {'is' if blocks.between == 1 else 'are'} "
        "too close to a line to place in one block.</p>"
        if blocks.between
        else ""
    )
    return (
        head + f"<p class='kit-muted'>{escape(blocks.gate.covering())}. Up: entrepreneur attitude; "
        "right: external focus.</p>" + f"<table class='kit-blocks'>{rows}</table>{between}"
    )


def cvc_html(picture: TeamPicture) -> str:
    """The share of Customer Value Creators with its 95% interval, against the coach's target.

    Behind the same gate as the block counts: below the minimum group there
    is no share to show.

    Examples
    --------
    >>> from kit.team.picture import BlockCounts, CvcShare, wilson
    >>> from kit.model import TeamSession
    >>> team = TeamSession("K7R-M3X", "Desk", "key", cvc_target=50)
    >>> gate = Gate(10, 5, 10, 10)
    >>> picture = TeamPicture(team, 10, (), None, BlockCounts(gate), (),
    ...                       cvc=CvcShare(1, 3, 10, *wilson(3, 10), target=50))
    >>> shown = cvc_html(picture)
    >>> "3 of 10 people (30%)" in shown and "likely between 11% and 60%" in shown
    True
    """
    head = "<h4>How many Customer Value Creators?</h4>"
    if picture.cvc is None or not disclose(
        Figure.BLOCK_COUNTS, picture.blocks.gate, Audience.COACH
    ):
        return head + _gate(picture.blocks.gate)
    c = picture.cvc
    target = c.target / 100 if c.target else None
    # A bar of the likely range, the point, and the target as a line.
    marker = (
        f"<div class='kit-cvc-target' style='left:{target * 100:.1f}%' title='target'></div>"
        if target is not None
        else ""
    )
    bar = (
        "<div class='kit-bar-track kit-cvc' role='img' aria-label='"
        f"share {c.share:.0%}, likely between {c.low:.0%} and {c.high:.0%}'>"
        f"<div class='kit-whisker' style='left:{c.low * 100:.1f}%;width:{max(0.5, (c.high - c.low) * 100):.1f}%'></div>"
        f"<div class='kit-cvc-point' style='left:{c.share * 100:.1f}%'></div>{marker}</div>"
    )
    return (
        head
        + f"<p data-testid='cvc-share'><b>{c.creators} of {c.people} people ({c.share:.0%})</b> "
        f"sit clearly in the Customer Value Creator block (round {c.round}); the share is likely "
        f"between {c.low:.0%} and {c.high:.0%} (95% Wilson interval: with few people the range "
        "is wide).</p>" + bar + f"<p>{escape(c.verdict())}</p>"
    )


def moves_html(picture: TeamPicture) -> str:
    """From one round of focus and attitude to the next: who moved where, and what was done between.

    Examples
    --------
    >>> from kit.team.picture import Moves
    >>> "hidden to protect anonymity" in moves_html_for((Moves(1, 2, Gate(4, 5, 4, 0)),))
    True
    """
    return moves_html_for(picture.moves, picture.notes)


def moves_html_for(moves, notes=()) -> str:
    """The transition tables and the coaching actions recorded between the rounds."""
    head = "<h4>Conversion: from one round of focus and attitude to the next</h4>"
    if not moves:
        return head + (
            "<p class='kit-muted'>One round so far. Record what you do to help people toward "
            "Customer Value Creator (training, incentives, coaching), then start the next round "
            "of workbook 2: this shows who moved, behind the same gate as the blocks.</p>"
        )
    order = [
        "Risk Avoider",
        "Problem Solver",
        "Empire Builder",
        "Customer Value Creator",
        "Between blocks",
    ]
    parts = [head]
    for m in moves:
        between = [n for n in notes if n.kind == "action" and n.round == m.before]
        done = (
            "<p><b>Done between:</b> "
            + "; ".join(f"{escape(n.category)}: {escape(n.text)}" for n in between)
            + "</p>"
            if between
            else "<p class='kit-muted'>No coaching action was recorded between these rounds.</p>"
        )
        parts.append(f"<p><b>Round {m.before} → round {m.after}</b></p>")
        if not disclose(Figure.BLOCK_COUNTS, m.gate, Audience.COACH):
            parts += [_gate(m.gate), done]
            continue
        used = [b for b in order if any(b in (a, z) for a, z, _ in m.cells)]
        header = "".join(f"<th scope='col'>{escape(b)}</th>" for b in used)
        rows = "".join(
            f"<tr><th scope='row'>{escape(a)}</th>"
            + "".join(
                f"<td class='kit-num{' kit-same' if a == z else ''}'>{m.count(a, z)}</td>"
                for z in used
            )
            + "</tr>"
            for a in used
        )
        moved = sum(n for a, z, n in m.cells if a != z)
        into = sum(n for a, z, n in m.cells if z == "Customer Value Creator" and a != z)
        parts.append(
            f"<p class='kit-muted'>{escape(m.gate.covering())} who answered both rounds; rows: "
            f"round {m.before}, columns: round {m.after}.</p>"
            f"<table class='kit-table kit-moves'><thead><tr><th></th>{header}</tr></thead>"
            f"<tbody>{rows}</tbody></table>"
            f"<p data-testid='moves-summary'>{moved} moved block; {into} became Customer Value "
            "Creators.</p>" + done
        )
    return "".join(parts)


def guardrails_html(notes) -> str:
    """The guardrails the team agreed for its Customer Value Creators."""
    head = "<h4>Guardrails for Customer Value Creators</h4>"
    rails = [n for n in notes if n.kind == "guardrail"]
    if not rails:
        return head + (
            "<p class='kit-muted'>None agreed yet. Value Creators push for change and can look "
            "undisciplined to others: agree a few rules with the team, such as who is told "
            "before a process changes.</p>"
        )
    return head + "<ul>" + "".join(f"<li>{escape(n.text)}</li>" for n in rails) + "</ul>"


def pulse_html(rounds: tuple[PulseRound, ...], audience: Audience) -> str:
    """The openness pulse: each round's means, the trend, and (for the coach) the free text.

    Examples
    --------
    >>> from kit.team.picture import PulseRound, TraitSpread
    >>> gate, traits = Gate(6, 3, 6, 6), (TraitSpread("openness", "Openness", 3.9, 0.7),)
    >>> rounds = (PulseRound(1, gate, traits, 3.4), PulseRound(2, gate, traits, 3.9, ("Ask us",)))
    >>> shown = pulse_html(rounds, Audience.COACH)
    >>> "<b>Trend:</b> up from round 1 to round 2 (3.40 → 3.90)" in shown
    True
    >>> "<li>Ask us</li>" in shown, "Ask us" in pulse_html(rounds, Audience.TEAM)  # coach only
    (True, False)
    """
    head = "<h4>Openness pulse</h4>"
    if not rounds:
        return head + "<p class='kit-muted'>The pulse is not set up on this server.</p>"
    rows = []
    for r in rounds:
        if r.gate.shown:
            means = " · ".join(f"{escape(t.name.split(':')[0])} {t.mean:.2f}" for t in r.traits)
            rows.append(
                f"<tr><td>Round {r.round}</td><td class='kit-num'>{r.gate.covered}</td>"
                f"<td class='kit-num'><b>{r.overall:.2f}</b></td><td>{means}</td></tr>"
            )
        else:
            rows.append(
                f"<tr><td>Round {r.round}</td><td class='kit-num'>0</td>"
                f"<td colspan='2' class='kit-muted'>{escape(r.gate.message())}</td></tr>"
            )
    trend = ""
    shown = [r for r in rounds if r.gate.shown and r.overall is not None]
    if len(shown) >= 2:
        change = shown[-1].overall - shown[-2].overall  # type: ignore[operator]
        word = "up" if change > 0.05 else "down" if change < -0.05 else "about the same"
        trend = (
            f"<p><b>Trend:</b> {word} from round {shown[-2].round} to round {shown[-1].round} "
            f"({shown[-2].overall:.2f} → {shown[-1].overall:.2f}).</p>"
        )
    latest = rounds[-1]
    bars = ""
    if disclose(Figure.MEANS, latest.gate, audience):
        bars = _bars(latest.traits, disclose(Figure.SPREAD, latest.gate, audience))
    texts = ""
    if audience is Audience.COACH:
        texts = "<h4>What would make it safer to speak up (latest round, no names)</h4>"
        if not latest.gate.shown:
            texts += _gate(latest.gate)
        elif latest.texts and disclose(Figure.TEXTS, latest.gate, audience):
            texts += (
                "<ul class='kit-texts'>"
                + "".join(f"<li>{escape(t)}</li>" for t in latest.texts)
                + "</ul>"
            )
        else:
            texts += "<p class='kit-muted'>Nobody has written anything yet.</p>"
    table = (
        "<table class='kit-table'><thead><tr><th>Round</th><th>People counted</th><th>Overall</th>"
        f"<th>By theme</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    return head + table + trend + bars + texts


def progress_html(picture: TeamPicture) -> str:
    """Joined and completed counts per workbook.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from kit.database import open_store
    >>> from kit.demo import simulate
    >>> from kit.team.picture import team_picture
    >>> store = open_store(str(pathlib.Path(tempfile.mkdtemp()) / "kit.sqlite3"))
    >>> team = store.create_session("Desk", min_group=3)
    >>> _ = simulate(store, 4, session=team.code, seed=1)
    >>> shown = progress_html(team_picture(store, team))
    >>> "<b>4</b> people have joined" in shown
    True
    >>> "<td>Focus and attitude</td><td class='kit-num'>4</td><td class='kit-num'>4</td>" in shown
    True
    >>> store.close()
    """
    rows = "".join(
        f"<tr><td>{escape(p.title)}</td><td class='kit-num'>{p.started}</td>"
        f"<td class='kit-num'>{p.completed}</td></tr>"
        for p in picture.progress
    )
    pulse_round = picture.session.pulse_round
    note = f" (the pulse counts round {pulse_round})" if pulse_round > 1 else ""
    return (
        f"<p><b>{picture.joined}</b> {'person has' if picture.joined == 1 else 'people have'} "
        f"joined{note}.</p><table class='kit-table kit-progress-table'><thead><tr><th>Workbook</th>"
        f"<th>Started</th><th>Completed</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def coach_html(picture: TeamPicture) -> str:
    """Everything the coach dashboard shows about the answers.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from kit.database import open_store
    >>> from kit.demo import simulate
    >>> from kit.team.picture import team_picture
    >>> store = open_store(str(pathlib.Path(tempfile.mkdtemp()) / "kit.sqlite3"))
    >>> team = store.create_session("Desk", min_group=3)
    >>> _ = simulate(store, 6, session=team.code, seed=1)
    >>> shown = coach_html(team_picture(store, team))
    >>> "<b>6</b> people have joined" in shown, "The four blocks" in shown, "±" in shown
    (True, True, True)
    >>> store.close()
    """
    return (
        progress_html(picture)
        + profile_html(picture.profile, "Hidden-leader traits: the team's profile")
        + blocks_html(picture.blocks)
        + cvc_html(picture)
        + moves_html(picture)
        + guardrails_html(picture.notes)
        + pulse_html(picture.pulse, Audience.COACH)
        + (
            team_chain_html(picture.chain, picture.session.anonymous)
            if picture.chain is not None
            else ""
        )
    )


def team_results_html(picture: TeamPicture) -> str:
    """What participants see once the coach reveals the results: means only.

    No spread, no count per block and no texts (see :mod:`kit.team.anonymity`):
    the four blocks show as the team's means on their two axes.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from kit.database import open_store
    >>> from kit.demo import simulate
    >>> from kit.team.picture import team_picture
    >>> store = open_store(str(pathlib.Path(tempfile.mkdtemp()) / "kit.sqlite3"))
    >>> team = store.create_session("Desk", min_group=3)
    >>> _ = simulate(store, 6, session=team.code, seed=1)
    >>> shown = team_results_html(team_picture(store, team))
    >>> "Focus and attitude: the team&#x27;s means" in shown, "±" in shown, "kit-blocks" in shown
    (True, False, False)
    >>> store.close()
    """
    axes = ""
    if picture.axes is not None:
        axes = profile_html(picture.axes, "Focus and attitude: the team's means", Audience.TEAM)
    return (
        "<div class='kit-team'>"
        + profile_html(picture.profile, "Hidden-leader traits: the team's profile", Audience.TEAM)
        + axes
        + pulse_html(picture.pulse, Audience.TEAM)
        + "</div>"
    )


def person_html(person: OnePerson, catalogue: dict[str, Instrument]) -> str:
    """One person's scores and placement, for the coach of a named session.

    Examples
    --------
    >>> from kit.instruments.content import instruments
    >>> from kit.team.controllers import OnePerson
    >>> catalogue = instruments()
    >>> answers = {item.id: "5" for item in catalogue["focus_attitude"].items}
    >>> shown = person_html(OnePerson(7, "Ana", (("focus_attitude", answers),)), catalogue)
    >>> "Placed: <b>Customer Value Creator</b>" in shown
    True
    >>> "Not answered yet" in person_html(OnePerson(7, "Ana", (("hidden_leader", {}),)), catalogue)
    True
    """
    parts = []
    for instrument_id, answers in person.answers:
        instrument = catalogue[instrument_id]
        results = scoring.results(instrument, answers)
        parts.append(f"<h4>{escape(instrument.title)}</h4>")
        if not results.answered:
            parts.append("<p class='kit-muted'>Not answered yet.</p>")
            continue
        parts.append(instrument_views.score_table(results))
        where = scoring.placement(instrument, answers)
        if where is not None:
            parts.append(f"<p>Placed: <b>{escape(where.wording())}</b></p>")
    return "".join(parts)


BATCH_ORIGINS = {
    "coach": "your upload",
    "page": "uploaded on the start page",
    "address": "joined from an address someone else here joined from (one device again, or "
    "phones sharing one network): count them if they are all in the room",
}


def batch_label(batch: UploadBatch) -> str:
    """How the dashboard names one upload batch.

    Examples
    --------
    >>> batch_label(UploadBatch(1, "coach", "p0.json, p1.json", "", False, 2))
    "<span data-testid='upload-batch'>2 people, your upload (p0.json, p1.json): <b>not counted yet</b></span>"
    """
    state = "counted" if batch.confirmed else "<b>not counted yet</b>"
    named = f" ({escape(batch.files)})" if batch.files else ""
    who = "person" if batch.people == 1 else "people"
    return (
        f"<span data-testid='upload-batch'>{batch.people} {who}, "
        f"{BATCH_ORIGINS.get(batch.kind, escape(batch.kind))}{named}: {state}</span>"
    )
