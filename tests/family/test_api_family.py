"""api-v1.1 C, contact with the family: every family endpoint × every role (officers, the
review's participants included, get 404), bad input, and the sub-resource conventions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sfo_review.extensions import db
from sfo_review.models import AuditEvent, FamilyContact, FamilyQuestion
from sfo_review.services import family as family_service
from tests.api.conftest import ROLES
from tests.api.support import error
from tests.family.support import CONTACT, HOSTILE, QUESTION, add_contact, add_question
from tests.helpers_forms import move_to

# This module's fixtures only build (tests/snapshots.py: a build is reused).
SNAPSHOT_PURE = {"family_world"}

HIDDEN = {
    "other_reviewer": 404,
    "officer": 404,  # a participant: never the family's material
    "other_officer": 404,
    "quality_assurer": 404,  # not the countersigner; the review is in review
    "admin": 404,
    "anonymous": 401,
}
READ = {"reviewer": 200, "countersigner": 200, "leadership": 200, **HIDDEN}


def _write(ok: int) -> dict[str, int]:
    return {"reviewer": ok, "countersigner": 403, "leadership": 403, **HIDDEN}


W = dict[str, Any]
ENDPOINTS: dict[str, tuple[str, Callable[[W], str], Callable[[W], Any], dict[str, int]]] = {
    "list contacts": ("GET", lambda w: f"/reviews/{w['id']}/family-contacts", lambda w: None, READ),
    "one contact": (
        "GET",
        lambda w: f"/reviews/{w['id']}/family-contacts/{w['contact'].id}",
        lambda w: None,
        READ,
    ),
    "add contact": (
        "POST",
        lambda w: f"/reviews/{w['id']}/family-contacts",
        lambda w: CONTACT,
        _write(201),
    ),
    "change contact": (
        "PATCH",
        lambda w: f"/reviews/{w['id']}/family-contacts/{w['contact'].id}",
        lambda w: {"channel": "phone", "version": w["contact"].version},
        _write(200),
    ),
    "delete contact": (
        "DELETE",
        lambda w: f"/reviews/{w['id']}/family-contacts/{w['contact'].id}",
        lambda w: None,
        _write(204),
    ),
    "list questions": (
        "GET",
        lambda w: f"/reviews/{w['id']}/family-questions",
        lambda w: None,
        READ,
    ),
    "one question": (
        "GET",
        lambda w: f"/reviews/{w['id']}/family-questions/{w['question'].id}",
        lambda w: None,
        READ,
    ),
    "add question": (
        "POST",
        lambda w: f"/reviews/{w['id']}/family-questions",
        lambda w: QUESTION,
        _write(201),
    ),
    "answer question": (
        "PATCH",
        lambda w: f"/reviews/{w['id']}/family-questions/{w['question'].id}",
        lambda w: {"answer": "He was not recalled because…", "version": w["question"].version},
        _write(200),
    ),
    "delete question": (
        "DELETE",
        lambda w: f"/reviews/{w['id']}/family-questions/{w['question'].id}",
        lambda w: None,
        _write(204),
    ),
}


@pytest.fixture
def family_world(world: Callable[..., W]) -> W:
    w = world(*ROLES)
    w["contact"] = add_contact(w["reviewer"], w["review"])
    w["question"] = add_question(w["reviewer"], w["review"])
    db.session.commit()
    return w


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ENDPOINTS)
def test_permission_matrix(api, family_world, name, role):
    method, path, body, expected = ENDPOINTS[name]
    w = family_world
    response = api.call(method, path(w), w["tokens"].get(role), body(w))
    assert response.status_code == expected[role], (name, role, response.get_data(as_text=True))
    if response.status_code >= 400:
        error(response)


def test_officers_get_404_on_a_review_they_are_a_participant_of(api, family_world):
    """Not 403: the family's material does not exist for them."""
    w = family_world
    for path in (f"/reviews/{w['id']}/family-contacts", f"/reviews/{w['id']}/family-questions"):
        response = api.get(path, w["tokens"]["officer"])
        assert response.status_code == 404
        assert error(response)["code"] == "not_found"
    # the review itself they do see, with its criminal case
    body = api.get(f"/reviews/{w['id']}", w["tokens"]["officer"]).get_json()
    assert body["case_outcome"] == "awaiting"


def test_a_contact_is_recorded_and_listed_newest_first(api, family_world):
    w = family_world
    url = f"/reviews/{w['id']}/family-contacts"
    later = {**CONTACT, "occurred_on": "2024-05-01", "channel": "via_advocate"}
    created = api.post(url, w["tokens"]["reviewer"], later)
    assert created.status_code == 201
    body = created.get_json()
    assert body["version"] == 1
    assert body["advocate_offered"] is True
    assert body["recorded_by"]["id"] == w["reviewer"].id
    items = api.get(url, w["tokens"]["leadership"]).get_json()["items"]
    assert [i["occurred_on"] for i in items] == ["2024-05-01", "2024-03-04"]
    actions = {e.action for e in db.session.query(AuditEvent).filter_by(review_id=w["id"])}
    assert "family_contact.added" in actions


BAD_CONTACTS = {
    "empty": ({}, {"occurred_on", "channel", "with_whom", "advocate_offered", "summary"}),
    "blank text": ({**CONTACT, "with_whom": "  ", "summary": ""}, {"with_whom", "summary"}),
    "too long": (
        {**CONTACT, "with_whom": "x" * 201, "summary": "x" * 20_001},
        {"with_whom", "summary"},
    ),
    "yes string": ({**CONTACT, "advocate_offered": "yes"}, {"advocate_offered"}),
    "number for bool": ({**CONTACT, "advocate_offered": 1}, {"advocate_offered"}),
    "unknown channel": ({**CONTACT, "channel": "pigeon"}, {"channel"}),
    "not a date": ({**CONTACT, "occurred_on": "2024-02-30"}, {"occurred_on"}),
    "date as number": ({**CONTACT, "occurred_on": 20240304}, {"occurred_on"}),
    "in the future": ({**CONTACT, "occurred_on": "2999-01-01"}, {"occurred_on"}),
    "before the charge": ({**CONTACT, "occurred_on": "2023-06-25"}, {"occurred_on"}),
    "text as list": ({**CONTACT, "summary": ["a"]}, {"summary"}),
    "unknown field": ({**CONTACT, "colour": "red"}, {"colour"}),
}


@pytest.mark.parametrize("case", BAD_CONTACTS)
def test_bad_contacts_are_422_naming_each_field_and_nothing_is_written(api, family_world, case):
    w = family_world
    body, fields = BAD_CONTACTS[case]
    before = db.session.query(FamilyContact).count()
    response = api.post(f"/reviews/{w['id']}/family-contacts", w["tokens"]["reviewer"], body)
    assert response.status_code == 422
    err = error(response)
    assert err["code"] == "validation_error"
    assert set(err["fields"]) == fields
    assert db.session.query(FamilyContact).count() == before


BAD_QUESTIONS = {
    "empty": ({}, {"question", "asked_on"}),
    "too long": ({**QUESTION, "question": "x" * 20_001}, {"question"}),
    "wrong type": ({**QUESTION, "question": 7}, {"question"}),
    "future": ({**QUESTION, "asked_on": "2999-01-01"}, {"asked_on"}),
    "not a date": ({**QUESTION, "asked_on": "4 March 2024"}, {"asked_on"}),
    "before the charge": ({**QUESTION, "asked_on": "2020-01-01"}, {"asked_on"}),
    "unknown field": ({**QUESTION, "answer_by": "x"}, {"answer_by"}),
}


@pytest.mark.parametrize("case", BAD_QUESTIONS)
def test_bad_questions_are_422(api, family_world, case):
    w = family_world
    body, fields = BAD_QUESTIONS[case]
    response = api.post(f"/reviews/{w['id']}/family-questions", w["tokens"]["reviewer"], body)
    assert response.status_code == 422
    assert set(error(response)["fields"]) == fields
    assert db.session.query(FamilyQuestion).count() == 1


def test_hostile_text_is_stored_as_sent(api, family_world):
    w = family_world
    body = {**QUESTION, "question": HOSTILE}
    created = api.post(f"/reviews/{w['id']}/family-questions", w["tokens"]["reviewer"], body)
    assert created.get_json()["question"] == HOSTILE


def _patch_question(api, w, body):
    return api.patch(
        f"/reviews/{w['id']}/family-questions/{w['question'].id}", w["tokens"]["reviewer"], body
    )


def test_answering_a_question(api, family_world):
    w = family_world
    response = _patch_question(api, w, {"answer": "Because the officer…", "version": 1})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["answered"] is True
    assert body["answered_by"]["id"] == w["reviewer"].id
    assert body["answered_at"]
    assert body["version"] == 2


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"answer": "An answer"}, 422, "version"),
        ({"answer": "An answer", "version": 9}, 409, "version"),
        ({"answer": "An answer", "version": "1"}, 422, "version"),
        ({"answer": "", "version": 1}, 422, "answer"),
        ({"answer": None, "version": 1}, 422, "answer"),
        ({"answer": "x" * 20_001, "version": 1}, 422, "answer"),
        ({"answer": ["a"], "version": 1}, 422, "answer"),
        ({"answered": True, "version": 1}, 422, "answered"),
    ],
)
def test_bad_answers(api, family_world, body, status, field):
    w = family_world
    response = _patch_question(api, w, body)
    assert response.status_code == status
    assert field in error(response)["fields"]
    db.session.refresh(w["question"])
    assert w["question"].answer is None


def test_question_text_changes_while_unanswered_only(api, family_world):
    w = family_world
    changed = _patch_question(api, w, {"question": "Why not recalled?", "version": 1})
    assert changed.status_code == 200
    _patch_question(api, w, {"answer": "Because…", "version": 2})
    refused = _patch_question(api, w, {"question": "Something else?", "version": 3})
    assert refused.status_code == 409
    assert error(refused)["code"] == "conflict"
    # the answer itself may still be corrected
    assert _patch_question(api, w, {"answer": "Because, in fact…", "version": 3}).status_code == 200


def test_an_answered_question_is_not_deleted(api, family_world):
    w = family_world
    _patch_question(api, w, {"answer": "Because…", "version": 1})
    url = f"/reviews/{w['id']}/family-questions/{w['question'].id}"
    response = api.delete(url, w["tokens"]["reviewer"])
    assert response.status_code == 409
    assert db.session.get(FamilyQuestion, w["question"].id) is not None


def test_contact_patch_needs_the_current_version(api, family_world):
    w = family_world
    url = f"/reviews/{w['id']}/family-contacts/{w['contact'].id}"
    assert api.patch(url, w["tokens"]["reviewer"], {"channel": "phone"}).status_code == 422
    stale = api.patch(url, w["tokens"]["reviewer"], {"channel": "phone", "version": 5})
    assert stale.status_code == 409
    bad = api.patch(url, w["tokens"]["reviewer"], {"advocate_offered": "no", "version": 1})
    assert bad.status_code == 422
    ok = api.patch(url, w["tokens"]["reviewer"], {"advocate_offered": False, "version": 1})
    assert ok.get_json()["advocate_offered"] is False
    assert ok.get_json()["version"] == 2


def test_ids_of_another_review_are_not_found(api, family_world, make_review):
    w = family_world
    other = make_review(w["reviewer"])
    url = f"/reviews/{other.id}/family-contacts/{w['contact'].id}"
    assert api.get(url, w["tokens"]["reviewer"]).status_code == 404


def test_contact_goes_on_after_approval_until_closed(api, family_world):
    w = family_world
    family_service.update_question(
        w["reviewer"], w["review"], w["question"], {"answer": "Because…", "version": 1}
    )
    move_to(w, "approved")
    url = f"/reviews/{w['id']}/family-contacts"
    assert api.post(url, w["tokens"]["reviewer"], CONTACT).status_code == 201
    # quality assurance reads it then; a quality assurer who is not the countersigner too
    assert api.get(url, w["tokens"]["quality_assurer"]).status_code == 200
    assert api.post(url, w["tokens"]["leadership"], CONTACT).status_code == 403
    move_to(w, "closed")
    closed = api.post(url, w["tokens"]["reviewer"], CONTACT)
    assert closed.status_code == 409
    assert error(closed)["code"] == "conflict"
    assert api.get(url, w["tokens"]["reviewer"]).status_code == 200


def test_messages_name_each_field(api, family_world):
    w = family_world
    response = api.post(f"/reviews/{w['id']}/family-contacts", w["tokens"]["reviewer"], {})
    fields = error(response)["fields"]
    assert fields["advocate_offered"] == ["Select whether an advocate was offered"]
    assert fields["channel"][0].startswith("Select the way the contact was made")
    yes = api.post(
        f"/reviews/{w['id']}/family-contacts",
        w["tokens"]["reviewer"],
        {**CONTACT, "advocate_offered": "yes"},
    )
    assert error(yes)["fields"]["advocate_offered"] == [
        "Answer to whether an advocate was offered must be true or false"
    ]
