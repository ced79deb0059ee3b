"""services.findings.set_just_culture and confirm_just_culture: the browser's way in (answers
merged page by page), the API's (the object replaced), permissions, window and audit."""

from __future__ import annotations

import pytest

from sfo_review.extensions import db
from sfo_review.models import AuditEvent, JustCultureAssessment
from sfo_review.services import findings as finding_service
from sfo_review.services.errors import Conflict, Forbidden, ValidationFailed

RATIONALE = "r" * 100


@pytest.fixture
def full_review(full_review):
    """The shared review, its finding not assessed yet (the shared fixture assesses it)."""

    def build(**kwargs):
        data = full_review(**kwargs)
        finding = data["finding"]
        if finding.just_culture is not None:
            finding.just_culture = None
            db.session.commit()
            db.session.refresh(finding)
        return data

    return build


def assessment(data):
    return db.session.get(JustCultureAssessment, data["finding"].id)


def answer(data, answers, **kw):
    finding = data["finding"]
    db.session.refresh(finding)
    return finding_service.set_just_culture(
        data["reviewer"], data["review"], finding, answers, finding.version, **kw
    )


def test_pages_are_merged_and_the_outcome_follows_every_save(full_review):
    data = full_review()
    start = data["finding"].version
    answer(data, {"deliberate_harm": "no"})
    assert assessment(data).outcome is None
    answer(data, {"health_factors": "yes"})
    assert assessment(data).deliberate_harm == "no"  # kept from the page before
    assert assessment(data).outcome == "support_for_health"
    answer(data, {"health_factors": "no"})
    assert assessment(data).outcome is None  # not every question answered yet
    for key, value in {
        "protocol_existed": "yes",
        "protocol_workable": "yes",
        "knowingly_departed": "yes",
        "training_gap": False,
    }.items():
        answer(data, {key: value})
    answer(data, {"peers_would_act_same": "no", "comparator": "Peers"})
    assert assessment(data).outcome is None
    answer(data, {"supervision_gap": False})
    assert assessment(data).outcome == "individual_learning"
    assert data["finding"].version == start + 9


def test_saving_the_same_answers_again_changes_nothing(full_review):
    data = full_review()
    answer(data, {"deliberate_harm": "no"})
    version = data["finding"].version
    events = db.session.query(AuditEvent).count()
    answer(data, {"deliberate_harm": "no"})
    assert data["finding"].version == version
    assert db.session.query(AuditEvent).count() == events


def test_a_page_must_answer_its_question_but_mitigation_may_be_empty(full_review):
    data = full_review()
    with pytest.raises(ValidationFailed) as raised:
        answer(data, {"deliberate_harm": None})
    assert list(raised.value.fields) == ["just_culture.deliberate_harm"]
    answer(data, {"rationale": RATIONALE, "mitigation": None})
    assert assessment(data).rationale == RATIONALE and assessment(data).mitigation is None


@pytest.mark.parametrize("who", ["officer", "manager", "qa"])
def test_only_the_reviewer_answers(full_review, who):
    data = full_review()
    with pytest.raises(Forbidden):
        finding_service.set_just_culture(
            data[who], data["review"], data["finding"], {"deliberate_harm": "no"}, 1
        )
    with pytest.raises(Forbidden):
        finding_service.confirm_just_culture(data[who], data["review"], data["finding"])
    assert assessment(data) is None


def test_a_stale_version_changes_nothing(full_review):
    data = full_review()
    version = data["finding"].version
    answer(data, {"deliberate_harm": "no"})
    with pytest.raises(Conflict):
        finding_service.set_just_culture(
            data["reviewer"], data["review"], data["finding"], {"deliberate_harm": "yes"}, version
        )
    assert assessment(data).deliberate_harm == "no"


def test_confirming_needs_a_complete_assessment_and_is_audited(full_review):
    data = full_review()
    answer(data, {"deliberate_harm": "yes"})
    with pytest.raises(ValidationFailed):
        finding_service.confirm_just_culture(data["reviewer"], data["review"], data["finding"])
    answer(
        data,
        {
            "health_factors": "no",
            "protocol_existed": "yes",
            "protocol_workable": "yes",
            "knowingly_departed": "no",
            "peers_would_act_same": "unclear",
            "comparator": "PSOs",
            "training_gap": True,
            "supervision_gap": False,
            "rationale": RATIONALE,
        },
    )
    finding_service.confirm_just_culture(data["reviewer"], data["review"], data["finding"])
    event = db.session.query(AuditEvent).filter_by(action="finding.just_culture_confirmed").one()
    assert event.detail == {"id": data["finding"].id, "outcome": "refer_elsewhere"}
    assert "Refer to another process" in event.summary


def test_the_use_cases_lock_the_review():
    assert finding_service.set_just_culture.locks_review  # type: ignore[attr-defined]
    assert finding_service.confirm_just_culture.locks_review  # type: ignore[attr-defined]
