"""lifecycle's words for the individual's side of a finding (api-v1.1 A): which findings are
individual shortfall findings, the just-culture outcome in the guide's order, and when an
assessment is complete."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from sfo_review import lifecycle
from tests.helpers_rules import INDIVIDUAL_LEARNING, SYSTEM_LEARNING


def answers(**changes) -> SimpleNamespace:
    return SimpleNamespace(**{**SYSTEM_LEARNING, **changes})


@pytest.mark.parametrize(
    ("judgement", "attribution", "expected"),
    [
        ("insufficient", ["individual"], True),
        ("insufficient", ["team", "individual"], True),
        ("insufficient", ["team"], False),
        ("good_practice", ["individual"], False),
        ("sufficient", ["individual"], False),
    ],
)
def test_individual_shortfall_findings(judgement, attribution, expected):
    finding = SimpleNamespace(judgement=judgement, attribution=attribution)
    assert lifecycle.is_individual_shortfall(finding) is expected


def test_deliberate_harm_refers_elsewhere_at_once():
    nothing_else = SimpleNamespace(deliberate_harm="yes")
    assert lifecycle.just_culture_outcome(nothing_else) == "refer_elsewhere"
    assert lifecycle.just_culture_outcome(answers(deliberate_harm="yes")) == "refer_elsewhere"


def test_health_comes_next_once_harm_is_answered():
    assert (
        lifecycle.just_culture_outcome(SimpleNamespace(deliberate_harm="no", health_factors="yes"))
        == "support_for_health"
    )
    assert (
        lifecycle.just_culture_outcome(
            SimpleNamespace(deliberate_harm="unclear", health_factors="yes")
        )
        == "support_for_health"
    )
    assert (
        lifecycle.just_culture_outcome(SimpleNamespace(deliberate_harm=None, health_factors="yes"))
        is None
    )


@pytest.mark.parametrize(
    "missing",
    [
        "deliberate_harm",
        "health_factors",
        "protocol_existed",
        "protocol_workable",
        "knowingly_departed",
        "peers_would_act_same",
        "training_gap",
        "supervision_gap",
    ],
)
def test_no_outcome_while_an_answer_that_decides_it_is_missing(missing):
    assert lifecycle.just_culture_outcome(answers(**{missing: None})) is None
    assert lifecycle.just_culture_outcome(None) is None


@pytest.mark.parametrize(
    "because",
    [
        {"peers_would_act_same": "yes"},
        {"training_gap": True},
        {"supervision_gap": True},
        {"protocol_existed": "no"},
        {"protocol_workable": "no"},
    ],
)
def test_system_learning(because):
    base = {**INDIVIDUAL_LEARNING, **because}
    assert lifecycle.just_culture_outcome(SimpleNamespace(**base)) == "system_learning"


def test_individual_learning_otherwise():
    assert lifecycle.just_culture_outcome(SimpleNamespace(**INDIVIDUAL_LEARNING)) == (
        "individual_learning"
    )
    # "unclear" is not "yes": the substitution test did not point to the system.
    unclear = {**INDIVIDUAL_LEARNING, "peers_would_act_same": "unclear"}
    assert lifecycle.just_culture_outcome(SimpleNamespace(**unclear)) == "individual_learning"


def test_a_complete_assessment():
    assert lifecycle.just_culture_complete(answers())
    assert lifecycle.just_culture_complete(answers(rationale="r" * 100))
    assert lifecycle.just_culture_complete(answers(mitigation=None))


@pytest.mark.parametrize(
    "change",
    [
        {"deliberate_harm": None},
        {"knowingly_departed": None},
        {"peers_would_act_same": None},
        {"training_gap": None},
        {"supervision_gap": None},
        {"comparator": None},
        {"comparator": "   "},
        {"rationale": None},
        {"rationale": "r" * 99},
        {"rationale": "  " + "r" * 99 + "\n\n"},
    ],
)
def test_an_incomplete_assessment(change):
    assert not lifecycle.just_culture_complete(answers(**change))
    assert not lifecycle.just_culture_complete(None)


def test_refer_elsewhere_still_needs_a_complete_assessment():
    incomplete = SimpleNamespace(deliberate_harm="yes")
    assert lifecycle.just_culture_outcome(incomplete) == "refer_elsewhere"
    assert not lifecycle.just_culture_complete(incomplete)
