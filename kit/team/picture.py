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
from kit.model import FOCUS, PULSE, SessionNote, TeamSession
from kit.team.anonymity import Gate
from kit.workbooks import team_workbooks

if TYPE_CHECKING:
    from kit.database import PageStore
    from kit.organisation.logic import ChainPicture, TeamChain

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


CVC = "Customer Value Creator"
BETWEEN = "Between blocks"


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval for a share of ``k`` in ``n`` (95% by default).

    It stays inside 0 to 1 and is honest for small groups, where the plain
    "share ± 2 standard errors" claims far too much.

    Examples
    --------
    >>> low, high = wilson(3, 10)
    >>> round(low, 3), round(high, 3)
    (0.108, 0.603)
    >>> wilson(0, 5)[0], round(wilson(5, 5)[1], 6)
    (0.0, 1.0)
    """
    if n <= 0:
        raise ValueError("a share needs at least one person")
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class CvcShare:
    """The share of Customer Value Creators in one round, its 95% interval and the coach's target."""

    round: int
    creators: int
    people: int
    low: float
    high: float
    target: int = 0  # percent; 0 when the coach has set none

    @property
    def share(self) -> float:
        return self.creators / self.people

    def verdict(self) -> str:
        """What the figure says about the target, allowing for its uncertainty.

        Examples
        --------
        >>> CvcShare(1, 3, 10, *wilson(3, 10), target=50).verdict()
        'The target of 50% lies inside the likely range: this group is too small to tell whether it is reached.'
        >>> CvcShare(1, 1, 20, *wilson(1, 20), target=50).verdict()
        'Below the target of 50%, even allowing for the uncertainty.'
        """
        if not self.target:
            return "No target set: choose one below (the method asks: 100%? 50%? 10%?)."
        t = self.target / 100
        if self.high < t:
            return f"Below the target of {self.target}%, even allowing for the uncertainty."
        if self.low > t:
            return f"Above the target of {self.target}%, even allowing for the uncertainty."
        return (
            f"The target of {self.target}% lies inside the likely range: this group is too small "
            "to tell whether it is reached."
        )


@dataclass(frozen=True)
class Moves:
    """How people moved between blocks from one round of focus and attitude to the next.

    Covers people who finished both rounds, the first of them in whole
    steps of the minimum group; below the gate it holds no numbers.
    ``cells`` are (block before, block after, people).
    """

    before: int
    after: int
    gate: Gate
    cells: tuple[tuple[str, str, int], ...] = ()

    def count(self, before: str, after: str) -> int:
        return next((n for b, a, n in self.cells if b == before and a == after), 0)


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
    rounds: tuple[BlockCounts, ...] = ()  # the four blocks in each round of focus and attitude
    cvc: CvcShare | None = None  # from the latest round whose blocks are shown
    moves: tuple[Moves, ...] = ()  # from each round to the next
    notes: tuple[SessionNote, ...] = ()  # coaching actions between rounds, guardrails
    chain: TeamChain | None = None  # the managers' value-chain checks (workbook 7) together

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
        rounds = range(1, session.round_of(inst) + 1)
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
    by_round: list[BlockCounts] = []
    cvc = None
    moves: list[Moves] = []
    if (FOCUS, 1) in summaries:
        focus = catalogue[FOCUS]
        by_round = [
            _blocks(store, session, focus, summaries, minimum, r)
            for r in range(1, session.focus_round + 1)
        ]
        # The shown_at round the gate lets through is the team's picture now.
        shown_at = max((n for n, b in enumerate(by_round) if b.gate.shown), default=0)
        blocks = by_round[shown_at]
        axes = _profile(focus, summaries[FOCUS, shown_at + 1], minimum)
        if blocks.gate.shown:
            placed = blocks.gate.covered
            creators = dict(blocks.counts).get(CVC, 0)
            cvc = CvcShare(
                shown_at + 1, creators, placed, *wilson(creators, placed), target=session.cvc_target
            )
        moves = [
            _moves(store, session, focus, r, minimum, summaries[FOCUS, r])
            for r in range(2, session.focus_round + 1)
        ]

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
    return TeamPicture(
        session,
        joined,
        tuple(progress),
        profile,
        blocks,
        tuple(pulse),
        axes,
        tuple(by_round),
        cvc,
        tuple(moves),
        tuple(store.session_notes(session.code)),
        _chain(store, session),
    )


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
    round_: int = 1,
) -> BlockCounts:
    summary = summaries[instrument.id, round_]
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
        session.code, instrument.id, grid.x, grid.y, summary.published, round_
    ):
        placed = place(instrument, x, y)
        if placed is not None and placed.clear:
            counts[placed.blocks[0].name] += people
        else:
            between += people
    return BlockCounts(gate, tuple((b.name, counts[b.name]) for b in grid.blocks), between)


def _block_of(instrument: Instrument, x: float, y: float) -> str:
    placed = place(instrument, x, y)
    return placed.blocks[0].name if placed is not None and placed.clear else BETWEEN


def _moves(
    store,
    session: TeamSession,
    instrument: Instrument,
    after: int,
    minimum: int,
    summary: InstrumentSummary,
) -> Moves:
    """Who moved from round ``after - 1`` to round ``after``, behind the gate.

    Only people in both rounds' published figures count, the first of them
    (in the order they finished the later round) in whole steps of the
    minimum group, and the table is kept until that many of them differ.
    """
    grid = instrument.grid
    if grid is None:
        return Moves(after - 1, after, Gate(0, minimum))
    earlier = {
        pid: (x, y)
        for pid, x, y in store.published_people(
            session.code, instrument.id, grid.x, grid.y, after - 1
        )
    }
    later = store.published_people(session.code, instrument.id, grid.x, grid.y, after)
    pairs = [pid for pid, _, _ in later if pid in earlier]
    both = [(earlier[pid], (x, y)) for pid, x, y in later if pid in earlier]
    # Who finished both rounds (published or not), for the gate's words.
    finished = max(len(both), store.finished_both(session.code, instrument.id, after - 1, after))
    started = max(summary.started, finished)
    moved = {
        str(pid): (_block_of(instrument, *a), _block_of(instrument, *b))
        for pid, (a, b) in zip(pairs, both, strict=True)
    }
    fingerprints = [(pid, "|".join(blocks)) for pid, blocks in moved.items()]

    def counted(ids: list[str]) -> list:
        cells: Counter[tuple[str, str]] = Counter(moved[i] for i in ids)
        return [[a, b, n] for (a, b), n in sorted(cells.items())]

    # Kept between changes, as every team figure: one person finishing, taking an
    # answer back or changing it, or a raised minimum group, never moves a cell by one.
    level, body = store.kept_figure(session.code, f"moves:{after}", fingerprints, minimum, counted)
    gate = Gate(finished, minimum, started, level)
    if not gate.shown or not isinstance(body, list):
        return Moves(after - 1, after, gate)
    return Moves(after - 1, after, gate, tuple((str(a), str(b), int(n)) for a, b, n in body))


_PICTURES: dict[tuple[str, str, str, int], ChainPicture] = {}  # the checks' pictures, kept


def _chain(store, session: TeamSession) -> TeamChain | None:
    """The managers' value-chain checks counted together (None when nobody has one).

    In an anonymous session the figure is kept between changes
    (:meth:`kit.store.sessions.TeamSessions.kept_figure`): a manager editing
    their check, or the minimum group being raised, never moves it by one.
    """
    from kit.content import ContentError
    from kit.organisation import logic
    from kit.organisation.content import chain_content
    from kit.organisation.files import CheckFileError, check_from_dict

    stored = store.value_chains(session=session.code, counted=True)
    if not stored:
        return None
    try:
        content = chain_content()
    except ContentError:
        return None
    maps = store.maps(session=session.code)
    pictures: list[tuple[str, str, str, logic.ChainPicture]] = []
    for public_id, name, stamp, body in stored:
        map_stamp, cmap = maps.get(public_id, ("", None))
        # The dashboard asks every few seconds; a check's picture changes only with it.
        key = (public_id, stamp, map_stamp, id(content))
        if key not in _PICTURES:
            try:
                check = check_from_dict(body, content)
            except CheckFileError:
                continue  # a check the store holds but this kit's wording cannot read
            if len(_PICTURES) > 5000:
                _PICTURES.clear()
            _PICTURES[key] = logic.picture(check, content, cmap)
        pictures.append((public_id, stamp, name, _PICTURES[key]))
    named = not session.anonymous
    if named:
        return logic.combine(
            [(n, p) for _, _, n, p in pictures], content, session.min_group, named=True
        )
    done = [(pid, stamp, p) for pid, stamp, _, p in pictures if logic.answered([("", p)])]
    by_id = {pid: p for pid, _, p in done}

    def counted(ids: list[str]) -> dict:
        team = logic.combine(
            [("", by_id[i]) for i in ids], content, session.min_group, False, covered=len(ids)
        )
        return {"stops": team.stops, "gaps": team.gaps}

    level, body = store.kept_figure(
        session.code,
        "value_chain",
        [(pid, stamp) for pid, stamp, _ in done],
        session.min_group,
        counted,
    )
    gate = Gate(len(done), session.min_group, len(stored), level)
    if not gate.shown or not isinstance(body, dict):
        return logic.TeamChain(gate)
    return logic.TeamChain(
        gate,
        tuple((str(a), int(b)) for a, b in body["stops"]),
        tuple((str(a), int(b), int(c)) for a, b, c in body["gaps"]),
    )
