"""The whole journey of one review through the JSON API, with users and tokens from the CLI."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sfo_review.cli.ratings_data import approval
from sfo_review.models import (
    AuditEvent,
    ChronologyEntry,
    Finding,
    Participant,
    ReportSnapshot,
    Review,
)
from tests import helpers_rules
from tests.api.support import error

REVIEW = {
    "case_reference": "X123456",
    "person_initials": "JM",
    "offence_charged": "Murder",
    "offence_category": "murder",
    "charge_date": "2023-06-26",
    "notification_date": "2023-06-28",
    "region": "London",
    "pdu": "Camden and Islington",
    "sentence_type": "licence",
    "rosh_level": "medium",
}
CASELOAD = {
    "period_start": "2023-01-01",
    "period_end": "2023-06-26",
    "caseload_count": 58,
    "high_risk_count": 12,
    "workload_percent": 143,
    "grade": "probation_services_officer",
    "months_in_role": 14,
    "team_vacancy_percent": 30,
    "officer_changes_on_case": 3,
    "management_oversight_sessions": 1,
    "notes": "Covering two vacant caseloads.",
}


def _is_utc_timestamp(value: str) -> bool:
    parsed = datetime.fromisoformat(value)
    return parsed.tzinfo is not None and parsed.utcoffset() == UTC.utcoffset(None)


def test_a_review_from_notification_to_closure(api, cli_user, token_for, db):
    reviewer = cli_user("reviewer", "Rae Reviewer")
    officer = cli_user("officer", "Olu Officer")
    manager = cli_user("officer", "Mo Manager")
    qa = cli_user("quality_assurer", "Quinn Assurer")
    other_qa = cli_user("quality_assurer")
    lead = cli_user("leadership")
    rt, ot, mt, qt, oqt, lt = map(token_for, (reviewer, officer, manager, qa, other_qa, lead))

    # The reviewer records the notification.
    response = api.post("/reviews", rt, REVIEW)
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert {k: created[k] for k in REVIEW} == REVIEW
    assert re.fullmatch(r"SFO-\d{4}-\d{4}", created["reference"])
    assert created["status"] == "in_review" and created["version"] == 1
    assert created["reviewer"] == {
        "id": reviewer.id,
        "name": "Rae Reviewer",
        "email": reviewer.email,
    }
    assert created["countersigner"] is None
    assert created["due_date"] > REVIEW["notification_date"]
    assert _is_utc_timestamp(created["created_at"]) and _is_utc_timestamp(created["updated_at"])
    review_id = created["id"]
    base = f"/reviews/{review_id}"

    # People involved, the chronology, their conditions and the wider factors.
    po = api.post(
        f"{base}/participants", rt, {"email": officer.email, "role_in_case": "responsible_officer"}
    )
    assert po.status_code == 201
    assert po.get_json()["user"]["name"] == "Olu Officer"
    assert po.get_json()["role_in_case"] == "responsible_officer"
    lm = api.post(
        f"{base}/participants", rt, {"email": manager.email, "role_in_case": "line_manager"}
    )
    assert lm.status_code == 201
    later = api.post(
        f"{base}/chronology",
        rt,
        {"occurred_on": "2023-06-01", "source": "Police", "summary": "Arrest", "significant": True},
    )
    earlier = api.post(
        f"{base}/chronology",
        rt,
        {"occurred_on": "2023-05-02", "source": "Probation", "summary": "Home visit missed"},
    )
    assert later.status_code == earlier.status_code == 201
    assert earlier.get_json()["significant"] is False
    listed = api.get(f"{base}/chronology", rt).get_json()["items"]
    assert [e["occurred_on"] for e in listed] == ["2023-05-02", "2023-06-01"]

    # Findings can't be shared before the rules of the next stage are met.
    blocked = api.post(f"{base}/transitions", rt, {"to": "factual_accuracy"})
    assert blocked.status_code == 409
    assert set(error(blocked)["fields"]) == {"findings", "caseload_contexts", "statements"}

    context = api.post(
        f"{base}/caseload-contexts", rt, {**CASELOAD, "participant_id": po.get_json()["id"]}
    )
    assert context.status_code == 201, context.get_json()
    factor = api.post(
        f"{base}/systemic-factors",
        rt,
        {
            "category": "workload_and_capacity",
            "level": "team",
            "description": "30% vacancies",
            "evidence": "Staffing return",
        },
    )
    assert factor.status_code == 201
    finding = api.post(
        f"{base}/findings",
        rt,
        {
            "title": "Risk not reassessed",
            "practice_area": "assessment",
            "judgement": "insufficient",
            "narrative": "The assessment was not updated after the arrest.",
            "attribution": ["individual"],
            "chronology_ids": [later.get_json()["id"]],
            "subject_participant_ids": [po.get_json()["id"]],
        },
    )
    assert finding.status_code == 201, finding.get_json()
    finding_id = finding.get_json()["id"]
    assert finding.get_json()["responses"] == []

    # The officer writes a statement: a private draft until they submit it.
    draft = api.post(f"{base}/statements", ot, {"body": "I held 58 cases that spring."})
    assert draft.status_code == 201 and draft.get_json()["status"] == "draft"
    sid = draft.get_json()["id"]
    assert api.get(f"{base}/statements", rt).get_json()["items"] == []
    assert api.get(f"{base}/statements", mt).get_json()["items"] == []
    edited = api.patch(f"{base}/statements/{sid}", ot, {"body": "I held 58 cases.", "version": 1})
    assert edited.status_code == 200 and edited.get_json()["version"] == 2
    submitted = api.post(f"{base}/statements/{sid}/submit", ot)
    assert submitted.status_code == 200
    assert submitted.get_json()["status"] == "submitted"
    assert _is_utc_timestamp(submitted.get_json()["submitted_at"])
    seen = api.get(f"{base}/statements", rt).get_json()["items"]
    assert [st["body"] for st in seen] == ["I held 58 cases."]
    assert seen[0]["author"]["name"] == "Olu Officer" and seen[0]["include_in_report"] == "full"
    assert api.get(f"{base}/statements", mt).get_json()["items"] == []
    summary = api.patch(
        f"{base}/statements/{sid}",
        rt,
        {"include_in_report": "summary", "summary": "High caseload.", "version": 3},
    )
    assert summary.status_code == 200 and summary.get_json()["include_in_report"] == "summary"

    # The line manager has not answered: the reviewer says why the review goes on (v1.1).
    version = api.get(base, rt).get_json()["version"]
    reason = api.patch(
        base,
        rt,
        {
            "version": version,
            "statements_outstanding_reason": "Mo Manager is on leave until "
            "August; the statutory deadline does not allow waiting for their statement.",
        },
    )
    assert reason.status_code == 200, reason.get_json()

    # Officers see the findings only from the factual accuracy check on.
    assert api.get(base, ot).get_json()["findings"] == []
    moved = api.post(f"{base}/transitions", rt, {"to": "factual_accuracy"})
    assert moved.status_code == 200 and moved.get_json()["status"] == "factual_accuracy"
    assert [f["id"] for f in api.get(base, ot).get_json()["findings"]] == [finding_id]
    reply = api.post(
        f"{base}/findings/{finding_id}/responses",
        ot,
        {"body": "I asked for a review of my caseload."},
    )
    assert reply.status_code == 201
    assert reply.get_json()["author"]["id"] == officer.id
    shown = api.get(f"{base}/findings/{finding_id}", rt).get_json()
    assert [r["body"] for r in shown["responses"]] == ["I asked for a review of my caseload."]

    # The balance rule, the judgement, a countersigner and (api-v1.1 C) the summary for the
    # family gate quality assurance.
    blocked = api.post(f"{base}/transitions", rt, {"to": "quality_assurance"})
    assert blocked.status_code == 409
    assert set(error(blocked)["fields"]) == {
        "findings",
        "overall_judgement",
        "countersigner",
        "family_summary",
    }
    # What the API of this branch cannot set yet (the findings and replies branches add it):
    # whom the finding is about, its just-culture assessment, what was known at the time and
    # the reply's outcome.
    row = db.session.get(Finding, finding_id)
    helpers_rules.name_subjects(row, db.session.get(Participant, po.get_json()["id"]))
    helpers_rules.assess(row, **helpers_rules.INDIVIDUAL_LEARNING)
    helpers_rules.known_at_the_time(db.session.get(ChronologyEntry, later.get_json()["id"]))
    row.responses[0].outcome = "context_added"
    db.session.commit()
    version = api.get(base, rt).get_json()["version"]
    patched = api.patch(
        base,
        rt,
        {
            "version": version,
            "overall_judgement": "Not all reasonable steps were taken.",
            "countersigner_email": qa.email,
            "family_summary": helpers_rules.FAMILY_SUMMARY,
        },
    )
    assert patched.status_code == 200, patched.get_json()
    assert patched.get_json()["countersigner"]["email"] == qa.email
    linked = api.patch(
        f"{base}/findings/{finding_id}",
        rt,
        {
            "version": shown["version"],
            "caseload_context_ids": [context.get_json()["id"]],
            "systemic_factor_ids": [factor.get_json()["id"]],
        },
    )
    assert linked.status_code == 200 and linked.get_json()["caseload_context_ids"] == [
        context.get_json()["id"]
    ]
    moved = api.post(f"{base}/transitions", rt, {"to": "quality_assurance"})
    assert moved.status_code == 200 and moved.get_json()["status"] == "quality_assurance"

    # Quality assurance returns it once with a reason, then approves.
    assert api.post(f"{base}/transitions", qt, {"to": "in_review"}).status_code == 422
    returned = api.post(
        f"{base}/transitions", qt, {"to": "in_review", "reason": "Say more about supervision."}
    )
    assert (
        returned.status_code == 200
        and returned.get_json()["return_reason"] == "Say more about supervision."
    )
    for to in ("factual_accuracy", "quality_assurance"):
        assert api.post(f"{base}/transitions", rt, {"to": to}).status_code == 200
    # api-v1.1 B, the action balance rule: the team factor needs an action at PDU level or
    # above before approval (written through the ORM with the 1.1 fields)
    blocked = api.post(f"{base}/transitions", qt, approval())
    assert blocked.status_code == 409 and set(error(blocked)["fields"]) == {"actions"}
    plan = helpers_rules.address_factors(db.session.get(Review, review_id))
    assert plan is not None
    assert api.post(f"{base}/transitions", rt, approval()).status_code == 403
    assert api.post(f"{base}/transitions", oqt, approval()).status_code == 403
    approved = api.post(f"{base}/transitions", qt, approval())
    assert approved.status_code == 200, approved.get_json()
    assert approved.get_json()["status"] == "approved"
    assert _is_utc_timestamp(approved.get_json()["approved_at"])
    # each variant as the standard PDF/UA and the archival PDF/A-3b copy
    assert db.session.query(ReportSnapshot).filter_by(review_id=review_id).count() == 4

    # Frozen: content edits answer 409.
    frozen = api.patch(
        base, rt, {"version": approved.get_json()["version"], "offence_charged": "Manslaughter"}
    )
    assert frozen.status_code == 409 and error(frozen)["code"] == "conflict"

    pdf = api.get(f"{base}/report.pdf?variant=family_summary", lt)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    assert (
        pdf.headers["Content-Disposition"]
        == f'attachment; filename="{created["reference"]}-family-summary.pdf"'
    )

    # Leadership add actions after approval; the owner marks it done with the evidence,
    # someone else verifies it, and closing needs every action verified (api-v1.1 B).
    action = api.post(
        f"{base}/actions",
        lt,
        {
            "description": "Cap caseloads at 50",
            "owner": "Head of PDU",
            "owner_email": lead.email,
            "level": "pdu",
            "due_date": "2030-01-31",
            "review_date": "2030-06-30",
            "success_measure": "No PSO above 50 cases at the next audit.",
            "finding_ids": [finding_id],
            "systemic_factor_ids": [],
        },
    )
    assert action.status_code == 201 and action.get_json()["status"] == "open"
    aid = action.get_json()["id"]
    blocked = api.post(f"{base}/transitions", qt, {"to": "closed"})
    assert blocked.status_code == 409 and set(error(blocked)["fields"]) == {"actions"}
    no_note = api.patch(f"{base}/actions/{aid}", lt, {"version": 1, "status": "done"})
    assert no_note.status_code == 422 and "completion_note" in error(no_note)["fields"]
    done = api.patch(
        f"{base}/actions/{aid}",
        lt,
        {"version": 1, "status": "done", "completion_note": "Cap agreed."},
    )
    assert done.status_code == 200 and done.get_json()["status"] == "done"
    still_blocked = api.post(f"{base}/transitions", lt, {"to": "closed"})
    assert still_blocked.status_code == 409
    own = {"version": 2, "status": "verified", "verification_note": "Mine"}
    assert api.patch(f"{base}/actions/{aid}", lt, own).status_code == 403
    verified = api.patch(
        f"{base}/actions/{aid}",
        qt,
        {"version": 2, "status": "verified", "verification_note": "Audit seen."},
    )
    assert verified.status_code == 200 and verified.get_json()["status"] == "verified"
    helpers_rules.verify_actions(db.session.get(Review, review_id), qa)  # the agreed plan's too
    closed = api.post(f"{base}/transitions", lt, {"to": "closed"})
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"

    # The themes count it; the audit trail recorded the reads.
    themes = api.get("/themes?region=London", lt).get_json()
    assert themes["reviews"] == 1
    workload = {c["key"]: c["count"] for c in themes["systemic_factor_categories"]}
    assert workload["workload_and_capacity"] == 1
    assert themes["caseload"]["above_reference"] == 0 and themes["workload"]["above_reference"] == 1
    views = db.session.query(AuditEvent).filter_by(review_id=review_id, action="review.viewed")
    assert views.count() >= 3
