"""The just-culture guide's decision (sfo_review/just_culture.py), over every combination
of answers: the contract's order of rules, None while undecided, and completeness."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from sfo_review import just_culture as jc

ANSWERS = ("yes", "no", "unclear", None)
GAP_VALUES = (True, False, None)


def expected(a: dict[str, Any]) -> str | None:
    """The contract's rule written out again, plainly, to compare with."""
    if a["deliberate_harm"] == "yes":
        return "refer_elsewhere"
    if a["deliberate_harm"] is None:
        return None
    if a["health_factors"] == "yes":
        return "support_for_health"
    if any(a[k] is None for k in jc.QUESTIONS) or any(a[g] is None for g in jc.GAPS):
        return None
    if (
        a["peers_would_act_same"] == "yes"
        or a["training_gap"]
        or a["supervision_gap"]
        or a["protocol_existed"] == "no"
        or a["protocol_workable"] == "no"
    ):
        return "system_learning"
    return "individual_learning"


def every_combination() -> list[dict[str, Any]]:
    keys = (*jc.QUESTIONS, *jc.GAPS)
    choices = [ANSWERS] * len(jc.QUESTIONS) + [GAP_VALUES] * len(jc.GAPS)
    return [dict(zip(keys, values, strict=True)) for values in itertools.product(*choices)]


def test_every_combination_of_answers_gives_the_contracts_outcome():
    combinations = every_combination()
    assert len(combinations) == 4**6 * 3**2
    seen = set()
    for answers in combinations:
        got = jc.outcome(answers)
        assert got == expected(answers), answers
        seen.add(got)
    assert seen == {None, *jc.MEANINGS}


def test_a_missing_key_is_the_same_as_none():
    assert jc.outcome({}) is None
    assert jc.outcome({"deliberate_harm": "yes"}) == "refer_elsewhere"
    assert jc.outcome({"deliberate_harm": "unclear", "health_factors": "yes"}) == (
        "support_for_health"
    )
    assert jc.outcome({"health_factors": "yes"}) is None  # deliberate harm not answered


ALL_NO = {
    "deliberate_harm": "no",
    "health_factors": "no",
    "protocol_existed": "yes",
    "protocol_workable": "yes",
    "knowingly_departed": "yes",
    "peers_would_act_same": "no",
    "training_gap": False,
    "supervision_gap": False,
}


@pytest.mark.parametrize(
    ("change", "outcome"),
    [
        ({}, "individual_learning"),
        ({"peers_would_act_same": "yes"}, "system_learning"),
        ({"peers_would_act_same": "unclear"}, "individual_learning"),
        ({"training_gap": True}, "system_learning"),
        ({"supervision_gap": True}, "system_learning"),
        ({"protocol_existed": "no"}, "system_learning"),
        ({"protocol_workable": "no"}, "system_learning"),
        ({"protocol_workable": "unclear"}, "individual_learning"),
        ({"knowingly_departed": "no"}, "individual_learning"),
        ({"health_factors": "yes", "training_gap": True}, "support_for_health"),
        ({"deliberate_harm": "yes", "health_factors": "yes"}, "refer_elsewhere"),
        ({"training_gap": None}, None),
        ({"knowingly_departed": None}, None),
    ],
)
def test_each_rule_on_its_own(change, outcome):
    assert jc.outcome({**ALL_NO, **change}) == outcome


RATIONALE = "x" * jc.RATIONALE_MIN
COMPLETE = {**ALL_NO, "comparator": "PSO, 14 months, 58 cases", "rationale": RATIONALE}


def test_complete_needs_every_answer_a_comparator_and_a_rationale_of_100():
    assert jc.is_complete(COMPLETE)
    assert jc.is_complete({**COMPLETE, "mitigation": None})  # mitigation is optional
    for key in (*jc.QUESTIONS, *jc.GAPS):
        assert not jc.is_complete({**COMPLETE, key: None}), key
    assert not jc.is_complete({**COMPLETE, "comparator": "   "})
    assert not jc.is_complete({**COMPLETE, "comparator": None})
    assert not jc.is_complete({**COMPLETE, "rationale": "x" * 99})
    assert not jc.is_complete({**COMPLETE, "rationale": "  " + "x" * 99 + "  "})
    assert jc.is_complete({**COMPLETE, "rationale": "  " + "x" * 100 + "\n"})
    # Answers decided early are still not complete: the record asks every question.
    assert not jc.is_complete({"deliberate_harm": "yes", "comparator": "c", "rationale": RATIONALE})


def test_false_gaps_count_as_answered():
    assert jc.is_complete({**COMPLETE, "training_gap": False, "supervision_gap": False})


@pytest.mark.parametrize(
    ("judgement", "attribution", "applies"),
    [
        ("insufficient", ["individual"], True),
        ("insufficient", ["team", "individual"], True),
        ("insufficient", ["team"], False),
        ("good_practice", ["individual"], False),
        ("sufficient", ["individual"], False),
    ],
)
def test_only_individual_shortfall_findings_are_assessed(judgement, attribution, applies):
    class Finding:
        pass

    finding = Finding()
    finding.judgement = judgement  # type: ignore[attr-defined]
    finding.attribution = attribution  # type: ignore[attr-defined]
    assert jc.is_individual_shortfall(finding) is applies
