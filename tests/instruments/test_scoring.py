"""Scores, strongest trait and traits to grow, as the results page shows them."""

from kit.instruments import scoring, views
from tests.conftest import answers_for


def _results_at(instrument, *levels):
    """Results when every item of each trait, in the instrument's order, is at its level."""
    by_trait = {t.id: level for t, level in zip(instrument.traits, levels, strict=True)}
    return scoring.results(instrument, answers_for(instrument, by_trait))


def _ids(scores):
    return [s.trait.id for s in scores]


def test_trait_score_is_the_mean_of_its_items(hidden_leader):
    answers = {"urgency.1": "5", "urgency.2": "4", "urgency.3": "2", "urgency.4": "1"}
    scores = {s.trait.id: s for s in scoring.trait_scores(hidden_leader, answers)}
    assert scores["urgency"].mean == 3.0
    assert scores["urgency"].complete
    assert scores["ownership"].mean is None
    assert scores["ownership"].answered == 0


def test_results_sort_high_to_low_and_name_strongest_and_two_to_grow(hidden_leader):
    # Levels in the instrument's order: enthusiasm, skill, urgency, ownership, change.
    result = _results_at(hidden_leader, 2, 5, 4, 1, 3)
    assert _ids(result.scores) == [
        "skill_and_communication",
        "urgency",
        "leading_change",
        "enthusiasm",
        "ownership",
    ]
    assert result.complete
    assert [s.trait.id for s in result.strongest] == ["skill_and_communication"]
    assert [s.trait.id for s in result.to_grow] == ["ownership", "enthusiasm"]


def test_partial_answers_give_scores_but_no_advice(hidden_leader):
    answers = answers_for(hidden_leader)
    del answers["ownership.2"]
    result = scoring.results(hidden_leader, answers)
    assert not result.complete
    assert (result.answered, result.total) == (19, 20)
    assert result.strongest == () and result.to_grow == ()
    assert scoring.unanswered(hidden_leader, answers) == ["ownership.2"]


def test_all_equal_names_no_single_strongest_and_nothing_to_grow(hidden_leader):
    result = scoring.results(hidden_leader, answers_for(hidden_leader))
    assert result.all_level
    assert len(result.strongest) == 5 and result.to_grow == ()
    shown = views.highlights(result)
    assert "All 5 traits score 3.00: none stands out" in shown
    assert "Your strongest trait" not in shown and "One of your strongest" not in shown


def test_a_tie_at_the_top_names_both_traits_at_their_exact_score(hidden_leader):
    # Urgency 4, 4, 3, 2 and ownership 5, 3, 3, 2 both make 3.25; the rest lower.
    answers = answers_for(hidden_leader, {"enthusiasm": 2, "leading_change": 2})
    answers |= {"urgency.1": 4, "urgency.2": 4, "urgency.3": 3, "urgency.4": 2}
    answers |= {"ownership.1": 5, "ownership.2": 3, "ownership.3": 3, "ownership.4": 2}
    result = scoring.results(hidden_leader, answers)
    assert [s.trait.id for s in result.strongest] == ["urgency", "ownership"]
    assert [s.mean for s in result.strongest] == [3.25, 3.25]
    shown = views.highlights(result)
    assert (
        "Sense of urgency for the customer and An owner&#x27;s mind-set tie as your strongest, at 3.25"
        in shown
    )
    assert "<span class='kit-score'>3.25</span>" in shown and "3.2<" not in shown
    assert shown.count("One of your strongest traits") == 2
    assert shown.count("One way to use it for your team:") == 2
    assert hidden_leader.trait("urgency").team_use in shown.replace("&#x27;", "'")
    table = views.score_table(result)
    assert "<td class='kit-num'>3.25</td>" in table


def test_a_tie_at_the_cut_of_the_traits_to_grow_shows_all_of_them(hidden_leader):
    result = _results_at(hidden_leader, 1, 2, 2, 2, 5)
    assert _ids(result.to_grow) == ["enthusiasm", "skill_and_communication", "urgency", "ownership"]
    shown = views.highlights(result)
    assert "tie at 2.00, so all of them are shown as traits to grow: choose the one" in shown
    assert shown.count("A trait to grow") == 4


def test_the_strongest_trait_offers_one_way_to_use_it_for_the_team(hidden_leader):
    answers = answers_for(hidden_leader, {t.id: 2 for t in hidden_leader.traits} | {"urgency": 5})
    result = scoring.results(hidden_leader, answers)
    shown = views.highlights(result)
    strongest_card = shown.split("A trait to grow")[0]
    assert "Your strongest trait" in strongest_card
    assert "One way to use it for your team:" in strongest_card
    assert hidden_leader.trait("urgency").team_use in strongest_card


def test_every_hidden_leader_trait_has_a_way_to_use_it_for_the_team(hidden_leader):
    assert all(t.team_use for t in hidden_leader.traits)


def test_out_of_range_and_junk_values_are_not_counted(hidden_leader):
    answers = {"urgency.1": "9", "urgency.2": "x", "urgency.3": "0", "urgency.4": "4"}
    scores = {s.trait.id: s for s in scoring.trait_scores(hidden_leader, answers)}
    assert scores["urgency"].answered == 1
    assert scores["urgency"].mean == 4.0
    assert scoring.progress(hidden_leader, answers) == (1, 20)
