"""API v1.1 §A: a participant officer reads the caseload contexts about themselves (never a
colleague's) and adds their account of them; the review team reads the accounts."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from sfo_review.extensions import db
from sfo_review.models import AuditEvent, CaseloadAccount, Notification
from sfo_review.services import evidence
from sfo_review.services import findings as finding_service
from tests.api.support import error
from tests.helpers_forms import HOSTILE, move_to

# The line manager's own figures (the colleague of the responsible officer, whose context
# conftest's full_review records with 58 cases and a WMT of 143%).
MANAGER = {
    "period_start": "2023-01-01",
    "period_end": "2023-06-26",
    "caseload_count": 271,
    "high_risk_count": 23,
    "workload_percent": 289,
    "grade": "senior_probation_officer",
    "months_in_role": 257,
    "team_vacancy_percent": 30,
    "officer_changes_on_case": 3,
    "management_oversight_sessions": 0,
    "notes": "Sentinel-manager-notes",
}
ACCOUNT = {"body": "Half of those cases were transfers.", "disputed_fields": ["caseload_count"]}
ROLES = (
    "officer",
    "manager",
    "other_officer",
    "reviewer",
    "other_reviewer",
    "quality_assurer",
    "countersigner",
    "leadership",
    "admin",
    "anonymous",
)


def accounts() -> int:
    return int(db.session.scalar(select(func.count()).select_from(CaseloadAccount)) or 0)


def add_manager_context(w):
    review = w["review"]
    manager = review.participant_for(w["manager"])
    return evidence.add_caseload_context(
        w["reviewer"], review, {"participant_id": manager.id, **MANAGER}
    )


def url(w, context=None, tail="/accounts"):
    cid = (context or w["context"]).id
    return f"/reviews/{w['id']}/caseload-contexts/{cid}{tail}"


# --- who may add an account ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("officer", 201),  # the subject of the context
        ("manager", 404),  # a colleague taking part: may not read the context at all
        ("other_officer", 404),  # not taking part
        ("reviewer", 403),  # reads the context, is not its subject
        ("other_reviewer", 404),
        ("quality_assurer", 404),  # not the countersigner: the review is not theirs yet
        ("countersigner", 403),
        ("leadership", 403),
        ("admin", 404),
        ("anonymous", 401),
    ],
)
def test_only_the_subject_adds_an_account(api, world, role, expected):
    w = world(*ROLES)
    response = api.post(url(w), w["tokens"][role], ACCOUNT)
    assert response.status_code == expected, response.get_json()
    if expected == 201:
        body = response.get_json()
        assert set(body) == {"id", "body", "disputed_fields", "author", "created_at"}
        assert body["body"] == ACCOUNT["body"]
        assert body["disputed_fields"] == ["caseload_count"]
        assert body["author"]["name"] == w["officer"].name
        assert body["created_at"].endswith("+00:00")
        assert accounts() == 1
    else:
        assert error(response) and accounts() == 0


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        ("in_review", 201),
        ("factual_accuracy", 201),
        ("quality_assurance", 409),
        ("approved", 409),
        ("closed", 409),
    ],
)
def test_an_account_is_added_while_the_review_is_editable(api, world, stage, expected):
    w = world("officer", "reviewer")
    move_to(w, stage)
    response = api.post(url(w), w["tokens"]["officer"], ACCOUNT)
    assert response.status_code == expected, response.get_json()
    assert accounts() == (1 if expected == 201 else 0)
    if expected == 409:
        assert error(response)["code"] == "conflict"
        # Outside the window the reviewer is still refused for who they are, not when.
        assert api.post(url(w), w["tokens"]["reviewer"], ACCOUNT).status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"body": ""},
        {"body": "   "},
        {"body": 12},
        {"body": ["text"]},
        {"body": "x" * 20_001},
        {"body": "ok", "disputed_fields": "caseload_count"},
        {"body": "ok", "disputed_fields": [1]},
        {"body": "ok", "disputed_fields": ["notes"]},  # a field, but not a figure
        {"body": "ok", "disputed_fields": ["participant_id"]},
        {"body": "ok", "disputed_fields": ["caseload"]},
        {"body": "ok", "disputed_fields": {"caseload_count": True}},
        {"body": "ok", "author_id": 1},
    ],
)
def test_bad_accounts_are_refused_and_nothing_is_written(api, world, body):
    w = world("officer")
    response = api.post(url(w), w["tokens"]["officer"], body)
    assert response.status_code == 422, response.get_json()
    assert error(response)["fields"]
    assert accounts() == 0


def test_a_body_that_is_not_an_object_is_a_bad_request(api, world):
    w = world("officer")
    assert api.post(url(w), w["tokens"]["officer"], ["body"]).status_code == 400
    assert api.call("POST", url(w), w["tokens"]["officer"], raw="{").status_code == 400
    assert accounts() == 0


def test_an_account_is_never_edited_or_deleted(api, world):
    w = world("officer")
    created = api.post(url(w), w["tokens"]["officer"], ACCOUNT).get_json()
    item = url(w, tail=f"/accounts/{created['id']}")
    for method in ("PATCH", "DELETE"):
        assert api.call(method, url(w), w["tokens"]["officer"], {}).status_code == 405
        assert api.call(method, item, w["tokens"]["officer"], {}).status_code in (404, 405)
    assert accounts() == 1


def test_a_context_of_another_review_is_not_found(api, world):
    w = world("officer")
    other = world("officer")  # another review, with its own responsible officer
    response = api.post(
        f"/reviews/{w['id']}/caseload-contexts/{other['context'].id}/accounts",
        w["tokens"]["officer"],
        ACCOUNT,
    )
    assert response.status_code == 404 and accounts() == 0
    missing = f"/reviews/{w['id']}/caseload-contexts/999999/accounts"
    assert api.post(missing, w["tokens"]["officer"], ACCOUNT).status_code == 404


def test_a_colleague_cannot_answer_for_the_subject(api, world):
    w = world("manager")
    own = add_manager_context(w)
    # The manager answers their own context, but the responsible officer's is not found.
    assert api.post(url(w, own), w["tokens"]["manager"], ACCOUNT).status_code == 201
    assert api.post(url(w), w["tokens"]["manager"], ACCOUNT).status_code == 404
    assert [a.context.id for a in db.session.scalars(select(CaseloadAccount))] == [own.id]


def test_hostile_text_is_kept_as_typed_and_duplicates_are_dropped(api, world):
    w = world("officer", "reviewer")
    body = {"body": HOSTILE, "disputed_fields": ["grade", "grade", "period_end"]}
    created = api.post(url(w), w["tokens"]["officer"], body).get_json()
    assert created["body"] == HOSTILE
    assert created["disputed_fields"] == ["grade", "period_end"]
    context = api.get(url(w, tail=""), w["tokens"]["reviewer"]).get_json()
    assert context["accounts"] == [created]


def test_the_reviewer_is_told_and_the_account_is_audited(api, world):
    w = world("officer", "reviewer")
    created = api.post(url(w), w["tokens"]["officer"], {"body": "Context.", "disputed_fields": []})
    assert created.status_code == 201 and created.get_json()["disputed_fields"] == []
    told = db.session.scalars(
        select(Notification).where(Notification.user_id == w["reviewer"].id)
    ).all()
    assert any(
        w["officer"].name in n.message
        and "working conditions" in n.message
        and n.link.endswith(f"/caseload-contexts#caseload_contexts-{w['context'].id}")
        for n in told
    )
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "caseload_account.added")
    ).one()
    assert event.user_id == w["officer"].id and event.review_id == w["review"].id
    assert event.detail["caseload_context_id"] == w["context"].id


# --- who reads which context ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "listed"),
    [
        ("officer", {"officer"}),  # their own only
        ("manager", {"manager"}),
        ("reviewer", {"officer", "manager"}),
        ("countersigner", {"officer", "manager"}),
        ("leadership", {"officer", "manager"}),
    ],
)
def test_the_list_answers_an_officer_only_their_own_contexts(api, world, role, listed):
    w = world(*ROLES)
    add_manager_context(w)
    api.post(url(w), w["tokens"]["officer"], ACCOUNT)
    response = api.get(f"/reviews/{w['id']}/caseload-contexts", w["tokens"][role])
    assert response.status_code == 200
    items = response.get_json()["items"]
    by_person = {w["review"].participant_for(w[p]).id: p for p in ("officer", "manager")}
    assert {by_person[i["participant_id"]] for i in items} == listed
    for item in items:
        expected = 1 if by_person[item["participant_id"]] == "officer" else 0
        assert len(item["accounts"]) == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [("other_officer", 404), ("other_reviewer", 404), ("admin", 404), ("anonymous", 401)],
)
def test_people_outside_the_review_read_no_contexts(api, world, role, expected):
    w = world(role)
    assert api.get(f"/reviews/{w['id']}/caseload-contexts", w["tokens"][role]).status_code == (
        expected
    )
    assert api.get(url(w, tail=""), w["tokens"][role]).status_code == expected


def test_a_colleagues_context_is_not_found_and_never_appears(api, world):
    w = world("officer", "manager")
    own = add_manager_context(w)
    finding = w["finding"]
    finding_service.update_finding(
        w["reviewer"],
        w["review"],
        finding,
        {"version": finding.version, "caseload_context_ids": [w["context"].id, own.id]},
    )
    api.post(url(w), w["tokens"]["officer"], {"body": "Sentinel-officer-account"})
    move_to(w, "factual_accuracy")
    manager = w["tokens"]["manager"]

    assert api.get(url(w, tail=""), manager).status_code == 404
    assert api.get(url(w, own, tail=""), manager).status_code == 200
    detail = api.get(f"/reviews/{w['id']}", manager).get_json()
    assert [c["id"] for c in detail["caseload_contexts"]] == [own.id]
    [shown] = [f for f in detail["findings"] if f["id"] == finding.id]
    assert shown["caseload_context_ids"] == [own.id]
    assert shown["working_conditions_not_shown"] == 1
    single = api.get(f"/reviews/{w['id']}/findings/{finding.id}", manager).get_json()
    assert single["caseload_context_ids"] == [own.id]
    assert single["working_conditions_not_shown"] == 1
    text = api.get(f"/reviews/{w['id']}", manager).get_data(as_text=True)
    # Not the figures, not the account, not even whose they are. (Since api-v1.1 A the
    # finding names whom it is about, to every reader: that list is the one place the
    # subject's name may appear.)
    assert "Sentinel-officer-account" not in text
    named = json.loads(text)
    for shown_finding in named["findings"]:
        subjects = shown_finding.pop("subjects")
        assert all(set(s) == {"participant_id", "name", "role_in_case"} for s in subjects)
    assert w["officer"].name not in json.dumps(named)
    assert '"caseload_count":58' not in text.replace(" ", "")
    assert '"caseload_count":271' in text.replace(" ", "")  # the manager's own are there
    # The subject reads their own, and the finding counts the colleague's.
    mine = api.get(f"/reviews/{w['id']}/findings/{finding.id}", w["tokens"]["officer"])
    assert mine.get_json()["caseload_context_ids"] == [w["context"].id]
    assert mine.get_json()["working_conditions_not_shown"] == 1
