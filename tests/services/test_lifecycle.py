"""The lifecycle state machine and the balance rule (api-v1.1 A, rule 2), through the services."""

from __future__ import annotations

import pytest

from sfo_review import lifecycle
from sfo_review.cli.ratings_data import approval
from sfo_review.models import AuditEvent, ReportSnapshot
from sfo_review.services import evidence, findings, reviews, transitions
from sfo_review.services.errors import Conflict, Forbidden, ValidationFailed
from tests import helpers_rules

LONG_NOTE = "No wider factor applied: " + "the officer had a normal caseload and support. " * 3


def _to_fa(data):
    transitions.transition(data["reviewer"], data["review"], {"to": "factual_accuracy"})


def _ready_for_qa(data):
    _to_fa(data)
    helpers_rules.settle_statements(data["review"], data["officer"])
    helpers_rules.nothing_to_add(data["review"])
    reviews.update_review(
        data["reviewer"],
        data["review"],
        {
            "version": data["review"].version,
            "overall_judgement": "All reasonable steps taken.",
            "countersigner_email": data["qa"].email,
        },
    )


def test_factual_accuracy_needs_chronology_finding_and_caseload(make_user, make_review, db):
    reviewer, officer = make_user("reviewer"), make_user("officer")
    review = make_review(reviewer)
    reviews.add_participant(
        reviewer, review, {"email": officer.email, "role_in_case": "responsible_officer"}
    )
    with pytest.raises(Conflict) as caught:
        transitions.transition(reviewer, review, {"to": "factual_accuracy"})
    assert set(caught.value.fields) == {"chronology", "findings", "caseload_contexts", "statements"}
    assert review.status == "in_review"


def test_every_unmet_rule_is_listed_at_once(full_review, db):
    data = full_review(balanced=False)
    _to_fa(data)
    with pytest.raises(Conflict) as caught:
        transitions.transition(data["reviewer"], data["review"], {"to": "quality_assurance"})
    assert set(caught.value.fields) == {
        "findings",
        "factual_accuracy",
        "overall_judgement",
        "countersigner",
    }
    unmet = lifecycle.unmet_rules(data["review"], "quality_assurance")
    assert {r.endpoint for r in unmet} == {
        "findings.edit_finding",  # rule 2 (context) and rule 4 (no team factor)
        "statements.statements",  # rule 6: the subject's statement
        "findings.findings",  # the subject has not replied nor said they have nothing to add
        "reviews.judgement",
    }


FIXES = {
    # the subject's caseload context and a systemic factor of the attributed level
    "factor and context": {"systemic_factor_ids": "factor", "caseload_context_ids": "context"},
    # a note weighs the context; the assessment then points to individual learning
    "note": {"context_note": LONG_NOTE},
}


@pytest.mark.parametrize("fix", list(FIXES))
def test_balance_rule_blocks_then_passes(full_review, db, fix):
    data = full_review(balanced=False)
    _ready_for_qa(data)
    finding, review, reviewer = data["finding"], data["review"], data["reviewer"]
    with pytest.raises(Conflict) as caught:
        transitions.transition(reviewer, review, {"to": "quality_assurance"})
    assert list(caught.value.fields) == ["findings"]
    change = {
        key: [data[value].id] if key.endswith("_ids") else value
        for key, value in FIXES[fix].items()
    }
    if fix == "note":
        helpers_rules.assess(finding, **helpers_rules.INDIVIDUAL_LEARNING)
    findings.update_finding(reviewer, review, finding, {"version": finding.version, **change})
    transitions.transition(reviewer, review, {"to": "quality_assurance"})
    assert review.status == "quality_assurance"


@pytest.mark.parametrize("linked", ["factor", "context"])
def test_a_factor_or_a_context_alone_is_not_enough(full_review, db, linked):
    data = full_review(balanced=False)
    finding = data["finding"]
    key = {"factor": "systemic_factor_ids", "context": "caseload_context_ids"}[linked]
    findings.update_finding(
        data["reviewer"],
        data["review"],
        finding,
        {"version": finding.version, key: [data[linked].id]},
    )
    assert not lifecycle.finding_is_balanced(finding)


def test_a_short_note_does_not_satisfy_the_balance_rule(full_review, db):
    data = full_review(balanced=False)
    finding = data["finding"]
    findings.update_finding(
        data["reviewer"],
        data["review"],
        finding,
        {"version": finding.version, "context_note": "x" * 99},
    )
    assert not lifecycle.finding_is_balanced(finding)


def test_team_only_findings_need_no_context(full_review, db):
    data = full_review(individual=False, balanced=False)
    assert lifecycle.finding_is_balanced(data["finding"])


def test_approval_only_by_the_named_countersigner(full_review, make_user, db):
    data = full_review()
    _ready_for_qa(data)
    review = data["review"]
    transitions.transition(data["reviewer"], review, {"to": "quality_assurance"})
    helpers_rules.address_factors(review)  # api-v1.1 B: the action balance rule
    for who in (data["reviewer"], make_user("quality_assurer"), make_user("leadership")):
        with pytest.raises(Forbidden):
            transitions.transition(who, review, approval())
    transitions.transition(data["qa"], review, approval())
    assert review.status == "approved"
    snapshots = db.session.query(ReportSnapshot).filter_by(review_id=review.id).all()
    assert {(s.variant, s.format) for s in snapshots} == {
        (v, f) for v in ("full", "family_summary") for f in ("standard", "archival")
    }
    assert all(len(s.sha256) == 64 and s.pdf.startswith(b"%PDF") for s in snapshots)


def test_approved_reviews_are_frozen(full_review, db):
    data = full_review()
    _ready_for_qa(data)
    review = data["review"]
    transitions.transition(data["reviewer"], review, {"to": "quality_assurance"})
    helpers_rules.address_factors(review)  # api-v1.1 B: the action balance rule
    transitions.transition(data["qa"], review, approval())
    with pytest.raises(Conflict):
        evidence.add_chronology_entry(
            data["reviewer"],
            review,
            {"occurred_on": "2023-05-03", "source": "Police", "summary": "Late"},
        )
    with pytest.raises(Conflict):
        reviews.update_review(
            data["reviewer"], review, {"version": review.version, "region": "Wales"}
        )


def test_return_needs_a_reason_and_keeps_it(full_review, db):
    data = full_review()
    _ready_for_qa(data)
    review = data["review"]
    transitions.transition(data["reviewer"], review, {"to": "quality_assurance"})
    with pytest.raises(ValidationFailed) as caught:
        transitions.transition(data["qa"], review, {"to": "in_review", "reason": "   "})
    assert "reason" in caught.value.fields
    assert review.status == "quality_assurance"
    transitions.transition(
        data["qa"], review, {"to": "in_review", "reason": "Chronology misses the MAPPA meeting"}
    )
    assert review.status == "in_review"
    assert review.return_reason == "Chronology misses the MAPPA meeting"


def test_transitions_not_in_the_table_are_conflicts(full_review, db):
    data = full_review()
    with pytest.raises(Conflict):
        transitions.transition(data["reviewer"], data["review"], {"to": "quality_assurance"})
    with pytest.raises(ValidationFailed):
        transitions.transition(data["reviewer"], data["review"], {"to": "published"})


def test_every_change_writes_an_audit_event_in_the_same_transaction(full_review, db):
    data = full_review()
    events = db.session.query(AuditEvent).filter_by(review_id=data["review"].id)
    actions = [e.action for e in events.order_by(AuditEvent.id)]
    assert actions[:1] == ["review.created"]
    assert {
        "participant.added",
        "chronology.added",
        "caseload_context.added",
        "systemic_factor.added",
        "finding.added",
    } <= set(actions)
    # A failed use case leaves neither the change nor an audit event behind.
    before = db.session.query(AuditEvent).count()
    with pytest.raises(ValidationFailed):
        evidence.add_chronology_entry(data["reviewer"], data["review"], {"source": "x"})
    assert db.session.query(AuditEvent).count() == before


def test_audit_events_are_append_only(full_review, db):
    from sfo_review.models.audit import AuditIsAppendOnly

    full_review()
    event = db.session.query(AuditEvent).first()
    event.summary = "rewritten"
    with pytest.raises(AuditIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.query(AuditEvent).first())
    with pytest.raises(AuditIsAppendOnly):
        db.session.flush()
    db.session.rollback()
