"""Scores, strongest trait and traits to grow, as the results page shows them."""

from kit.instruments import scoring
from tests.conftest import answers_for


def test_trait_score_is_the_mean_of_its_items(hidden_leader):
    answers = {"urgency.1": "5", "urgency.2": "4", "urgency.3": "2", "urgency.4": "1"}
    scores = {s.trait.id: s for s in scoring.trait_scores(hidden_leader, answers)}
    assert scores["urgency"].mean == 3.0
    assert scores["urgency"].complete
    assert scores["ownership"].mean is None
    assert scores["ownership"].answered == 0


def test_results_sort_high_to_low_and_name_strongest_and_two_to_grow(hidden_leader):
    answers = answers_for(
        hidden_leader,
        {
            "enthusiasm": 2,
            "skill_and_communication": 5,
            "urgency": 4,
            "ownership": 1,
            "leading_change": 3,
        },
    )
    result = scoring.results(hidden_leader, answers)
    assert [s.trait.id for s in result.scores] == [
        "skill_and_communication",
        "urgency",
        "leading_change",
        "enthusiasm",
        "ownership",
    ]
    assert result.complete
    assert result.strongest.trait.id == "skill_and_communication"
    assert [s.trait.id for s in result.to_grow] == ["ownership", "enthusiasm"]


def test_partial_answers_give_scores_but_no_advice(hidden_leader):
    answers = answers_for(hidden_leader)
    del answers["ownership.2"]
    result = scoring.results(hidden_leader, answers)
    assert not result.complete
    assert (result.answered, result.total) == (19, 20)
    assert result.strongest is None and result.to_grow == ()
    assert scoring.unanswered(hidden_leader, answers) == ["ownership.2"]


def test_all_equal_never_names_the_strongest_trait_as_one_to_grow(hidden_leader):
    result = scoring.results(hidden_leader, answers_for(hidden_leader))
    assert result.strongest.trait.id == "enthusiasm"
    assert result.strongest not in result.to_grow
    assert len(result.to_grow) == 2


def test_out_of_range_and_junk_values_are_not_counted(hidden_leader):
    answers = {"urgency.1": "9", "urgency.2": "x", "urgency.3": "0", "urgency.4": "4"}
    scores = {s.trait.id: s for s in scoring.trait_scores(hidden_leader, answers)}
    assert scores["urgency"].answered == 1
    assert scores["urgency"].mean == 4.0
    assert scoring.progress(hidden_leader, answers) == (1, 20)
