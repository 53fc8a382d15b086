"""A team session's picture for the coach: counts, profiles, the four blocks and the pulse.

Every figure built from answers passes through a :class:`~kit.team.anonymity.Gate`:
below the session's minimum group size it holds no numbers at all, only the
words "hidden to protect anonymity", so no page can show what it does not
have. What a shown figure may show, and to whom, :mod:`kit.team.anonymity` decides.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from statistics import fmean
from typing import TYPE_CHECKING

from kit.instruments.content import instruments as load_instruments
from kit.instruments.model import Instrument
from kit.instruments.scoring import place
from kit.instruments.trait_scores import InstrumentSummary
from kit.model import PULSE, TeamSession
from kit.team.anonymity import Gate
from kit.workbooks import team_workbooks

if TYPE_CHECKING:
    from kit.database import PageStore

# The instruments a team session collects, with the workbook that asks them.
TEAM_WORKBOOKS = tuple((w.instrument, w.file) for w in team_workbooks())


@dataclass(frozen=True)
class Progress:
    """Joined and completed counts for one workbook."""

    instrument: str
    title: str
    workbook: str
    started: int
    completed: int


@dataclass(frozen=True)
class TraitSpread:
    """The team's mean and spread (standard deviation) on one trait."""

    trait: str
    name: str
    mean: float
    spread: float


@dataclass(frozen=True)
class Profile:
    """The team's trait profile for one instrument, highest mean first."""

    gate: Gate
    traits: tuple[TraitSpread, ...] = ()


@dataclass(frozen=True)
class BlockCounts:
    """How many people sit clearly inside each of the four blocks.

    ``between`` counts the people whose point is too close to a line to call
    (as on a person's own page): they are in no block's count, so the counts
    and ``between`` add up to everyone placed.
    """

    gate: Gate
    counts: tuple[tuple[str, int], ...] = ()
    between: int = 0


@dataclass(frozen=True)
class PulseRound:
    """One round of the openness pulse."""

    round: int
    gate: Gate
    traits: tuple[TraitSpread, ...] = ()
    overall: float | None = None
    texts: tuple[str, ...] = ()


@dataclass(frozen=True)
class TeamPicture:
    """Everything the coach dashboard and the revealed team results show."""

    session: TeamSession
    joined: int
    progress: tuple[Progress, ...]
    profile: Profile
    blocks: BlockCounts
    pulse: tuple[PulseRound, ...]
    axes: Profile | None = None  # the four blocks' two axes as means (what participants see)

    def fingerprint(self) -> int:
        """A number that changes whenever anything shown changes (pages redraw only then)."""
        return hash(repr(self))


def team_picture(
    store: PageStore, session: TeamSession, catalogue: dict[str, Instrument] | None = None
) -> TeamPicture:
    """Compute the session's picture from the store.

    Parameters
    ----------
    store : Store
    session : TeamSession
    catalogue : dict, optional
        Instruments by id (loaded from data/ when omitted).

    Returns
    -------
    TeamPicture
        Figures below ``session.min_group`` carry no numbers.

    Examples
    --------
    >>> from kit.database import Store
    >>> import tempfile, pathlib
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "k.db")
    >>> team = store.create_session("Desk", min_group=3)
    >>> picture = team_picture(store, team)
    >>> picture.joined, picture.profile.gate.message()
    (0, 'no answers yet')
    """
    catalogue = catalogue or load_instruments()
    minimum = session.min_group
    joined = store.member_count(session.code)
    summaries: dict[tuple[str, int], InstrumentSummary] = {}
    progress = []
    for inst, workbook in TEAM_WORKBOOKS:
        if inst not in catalogue:
            continue
        rounds = range(1, session.pulse_round + 1) if inst == PULSE else (1,)
        for r in rounds:
            summaries[inst, r] = store.instrument_summary(session.code, inst, r, minimum)
        latest = summaries[inst, rounds[-1]]
        progress.append(
            Progress(inst, catalogue[inst].title, workbook, latest.started, latest.completed)
        )

    profile = Profile(Gate(0, minimum))
    if ("hidden_leader", 1) in summaries:
        profile = _profile(catalogue["hidden_leader"], summaries["hidden_leader", 1], minimum)

    blocks = BlockCounts(Gate(0, minimum))
    axes = None
    if ("focus_attitude", 1) in summaries:
        blocks = _blocks(store, session, catalogue["focus_attitude"], summaries, minimum)
        axes = _profile(catalogue["focus_attitude"], summaries["focus_attitude", 1], minimum)

    pulse: list[PulseRound] = []
    if PULSE in catalogue:
        instrument = catalogue[PULSE]
        for r in range(1, session.pulse_round + 1):
            round_profile = _profile(instrument, summaries[PULSE, r], minimum)
            gate = round_profile.gate
            if not gate.shown:
                pulse.append(PulseRound(r, gate))
                continue
            # Every theme has the same weight, as in each person's own mean.
            overall = round(fmean(t.mean for t in round_profile.traits), 2)
            covered = summaries[PULSE, r].published
            texts = [
                text
                for reflection in instrument.reflections
                for text in store.published_texts(
                    session.code, PULSE, instrument.reflection_key(reflection), r, covered, minimum
                )
            ]
            pulse.append(PulseRound(r, gate, round_profile.traits, overall, tuple(texts)))
    return TeamPicture(session, joined, tuple(progress), profile, blocks, tuple(pulse), axes)


def _gate(summary: InstrumentSummary, minimum: int) -> Gate:
    return Gate(summary.completed, minimum, summary.started, summary.published)


def _profile(instrument: Instrument, summary: InstrumentSummary, minimum: int) -> Profile:
    gate = _gate(summary, minimum)
    if not gate.shown:
        return Profile(gate)
    by_id = {t.trait: t for t in summary.traits}
    spreads = [
        TraitSpread(
            trait.id, trait.name, round(by_id[trait.id].mean, 2), round(by_id[trait.id].spread, 2)
        )
        for trait in instrument.traits
        if trait.id in by_id
    ]
    spreads.sort(key=lambda s: -s.mean)
    return Profile(gate, tuple(spreads))


def _blocks(
    store,
    session: TeamSession,
    instrument: Instrument,
    summaries: dict[tuple[str, int], InstrumentSummary],
    minimum: int,
) -> BlockCounts:
    summary = summaries[instrument.id, 1]
    gate = _gate(summary, minimum)
    grid = instrument.grid
    if not gate.shown or grid is None:
        return BlockCounts(gate)
    counts: Counter[str] = Counter()
    between = 0
    # Means come in steps (a quarter, with four statements), so a team has a
    # few hundred distinct points at most, each placed once by the same rule
    # as a person's own page.
    for x, y, people in store.points(
        session.code, instrument.id, grid.x, grid.y, summary.published
    ):
        placed = place(instrument, x, y)
        if placed is not None and placed.clear:
            counts[placed.blocks[0].name] += people
        else:
            between += people
    return BlockCounts(gate, tuple((b.name, counts[b.name]) for b in grid.blocks), between)
