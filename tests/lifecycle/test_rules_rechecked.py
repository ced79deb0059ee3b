"""Every transition checks every rule of the path so far, approval included.

Content stays editable until quality assurance, so a rule met at one step may be broken
later (a chronology entry deleted during the factual accuracy check, or a finding left
unbalanced by a race with the move to QA, issue 13): the next step forward checks it again,
and approval — the last gate before the PDFs are stored — checks them all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sfo_review import lifecycle
from sfo_review.cli.ratings_data import approval
from sfo_review.extensions import db
from sfo_review.models import ChronologyEntry, Finding, Review
from sfo_review.services import evidence, reviews, transitions
from sfo_review.services.errors import Conflict
from tests import helpers_rules
from tests.services.test_lifecycle import _ready_for_qa

HINDSIGHT = (
    "Finding “Risk not reassessed” must rest on what was known at the time: link at least one "
    "chronology entry that was known to the practitioner then"
)


def _at_qa(full_review: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    data = full_review()
    _ready_for_qa(data)
    transitions.transition(data["reviewer"], data["review"], {"to": "quality_assurance"})
    helpers_rules.address_factors(data["review"])  # api-v1.1 B: the action balance rule
    return data


def _unbalance_behind_the_services(finding: Finding) -> None:
    """What the race left behind: a finding made unbalanced after the review reached QA."""
    finding.systemic_factors = []
    finding.caseload_contexts = []
    finding.context_note = None
    db.session.commit()


def test_approval_refuses_a_review_with_an_unbalanced_finding(full_review) -> None:
    data = _at_qa(full_review)
    _unbalance_behind_the_services(data["finding"])

    with pytest.raises(Conflict) as caught:
        transitions.transition(data["qa"], data["review"], approval())

    assert set(caught.value.fields) == {"findings"}
    assert "finds an individual's practice insufficient" in caught.value.fields["findings"][0]
    db.session.expire_all()
    assert db.session.get(Review, data["review"].id).status == "quality_assurance"


def test_approval_refuses_a_review_whose_earlier_rules_are_unmet(full_review) -> None:
    data = _at_qa(full_review)
    review = data["review"]
    db.session.delete(db.session.get(ChronologyEntry, data["entry"].id))
    review.overall_judgement = None
    db.session.commit()

    with pytest.raises(Conflict) as caught:
        transitions.transition(data["qa"], review, approval())

    # The finding lost its only entry known at the time: the hindsight rule is unmet too.
    assert set(caught.value.fields) == {"chronology", "overall_judgement", "findings"}
    assert caught.value.fields["findings"] == [HINDSIGHT]


def test_the_move_to_quality_assurance_checks_the_factual_accuracy_rules_again(
    full_review,
) -> None:
    data = full_review()
    _ready_for_qa(data)
    evidence.delete_evidence(data["reviewer"], data["review"], data["entry"])  # during FA

    with pytest.raises(Conflict) as caught:
        transitions.transition(data["reviewer"], data["review"], {"to": "quality_assurance"})

    assert caught.value.fields == {
        "chronology": ["Add at least one chronology entry"],
        "findings": [HINDSIGHT],
    }


def test_each_step_forward_holds_every_rule_before_it() -> None:
    table = lifecycle.TRANSITIONS
    to_fa = table[("in_review", "factual_accuracy")]
    to_qa = table[("factual_accuracy", "quality_assurance")]
    approve = table[("quality_assurance", "approved")]
    assert set(to_fa) < set(to_qa) <= set(approve)
    assert lifecycle._shortfall_findings_rules in approve
    assert lifecycle._statements_settled in to_fa


def test_a_review_meeting_every_rule_is_still_approved(full_review) -> None:
    data = _at_qa(full_review)
    reviews.record_view(data["qa"], data["review"], "review")

    transitions.transition(data["qa"], data["review"], approval())

    db.session.expire_all()
    assert db.session.get(Review, data["review"].id).status == "approved"
