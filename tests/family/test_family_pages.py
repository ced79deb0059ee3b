"""The Family page and its forms, and the Criminal case page: who may open and use each
(officers, participants included, get 404 on every family route), bad input shown beside the
fields, hostile text escaped, and the outcome on the overview."""

from __future__ import annotations

from typing import Any

import pytest

from sfo_review.extensions import db
from sfo_review.models import FamilyContact, FamilyQuestion, Notification
from sfo_review.services import reviews
from tests.family.support import HOSTILE, add_contact, add_question
from tests.helpers import page
from tests.helpers_forms import ROLES, errors, expect_status, move_to, sign_in, text_of
from tests.reviews.helpers import error_for, post_as

# This module's fixtures only build (tests/snapshots.py: a build is reused).
SNAPSHOT_PURE = {"family_data"}

ALL_ROLES = (*ROLES, "countersigner")
HIDDEN: dict[str, Any] = {
    "other_reviewer": 404,
    "officer": 404,
    "other_officer": 404,
    "quality_assurer": 404,
    "admin": 404,
    "anonymous": "sign-in",
}
READ = {"reviewer": 200, "countersigner": 200, "leadership": 200, **HIDDEN}
WRITE = {**READ, "countersigner": 403, "leadership": 403}
CASE = {**WRITE, "officer": 403}  # the review is theirs to see; the outcome only the reviewer's

PAGES = {
    "/reviews/{r}/family": READ,
    "/reviews/{r}/family/contacts/new": WRITE,
    "/reviews/{r}/family/contacts/{c}/edit": WRITE,
    "/reviews/{r}/family/contacts/{c}/delete": WRITE,
    "/reviews/{r}/family/questions/new": WRITE,
    "/reviews/{r}/family/questions/{q}/answer": WRITE,
    "/reviews/{r}/family/questions/{q}/delete": WRITE,
    "/reviews/{r}/criminal-case": CASE,
}
POSTS = [p for p in PAGES if p != "/reviews/{r}/family"]
CONTACT_FORM = {
    "occurred_on": ["4", "3", "2024"],
    "channel": "phone",
    "with_whom": "The victim's sister",
    "advocate_offered": "no",
    "summary": "Called to explain the review.",
}


@pytest.fixture
def family_data(full_review):
    data = full_review()
    review = data["review"]
    reviews.update_review(
        data["reviewer"],
        review,
        {"version": review.version, "countersigner_email": data["qa"].email},
    )
    data["contact"] = add_contact(data["reviewer"], review)
    data["question"] = add_question(data["reviewer"], review)
    db.session.commit()
    return data


def _url(path: str, data: dict[str, Any]) -> str:
    return path.format(r=data["review"].id, c=data["contact"].id, q=data["question"].id)


def _sign_in(role, data, login_as):
    if role == "countersigner":
        return login_as(user=data["qa"])
    return sign_in(role, data, login_as)


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("path", PAGES)
def test_who_may_open_each_page(client, login_as, family_data, role, path):
    _sign_in(role, family_data, login_as)
    expect_status(client.get(_url(path, family_data)), PAGES[path][role])


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("path", POSTS)
def test_who_may_post_each_form(client, login_as, family_data, role, path):
    _sign_in(role, family_data, login_as)
    response = post_as(client, role, _url(path, family_data), {})
    expected = PAGES[path][role]
    if expected == 200:  # the reviewer: an empty form is the page again with its errors,
        assert response.status_code in (200, 302)  # or (a confirmation) the deletion
        return
    expect_status(response, expected)
    assert db.session.query(FamilyContact).count() == 1
    assert db.session.query(FamilyQuestion).count() == 1


def test_the_family_tab_is_hidden_from_officers(client, login_as, family_data):
    login_as(user=family_data["officer"])
    html = client.get(f"/reviews/{family_data['review'].id}")
    assert html.status_code == 200
    assert page(html).find("a", string="Family") is None
    assert "Awaiting the outcome of the criminal case" in text_of(html)
    login_as(user=family_data["reviewer"])
    html = client.get(f"/reviews/{family_data['review'].id}")
    assert page(html).find("a", string="Family") is not None


def test_the_family_page_shows_the_log_and_the_questions(client, login_as, family_data):
    add_question(family_data["reviewer"], family_data["review"], question=HOSTILE)
    add_contact(
        family_data["reviewer"], family_data["review"], summary=HOSTILE, occurred_on="2024-05-01"
    )
    db.session.commit()
    login_as("leadership")
    response = client.get(f"/reviews/{family_data['review'].id}/family")
    html = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    soup = page(response)
    dates = [t.get_text() for t in soup.select("#family-contacts time")]
    assert dates == ["1 May 2024", "4 March 2024"]  # newest first
    assert "Not answered yet" in text_of(response)
    # leadership reads: no buttons to record or answer
    assert soup.find(id="record-contact") is None
    assert soup.find(string="Answer") is None


def test_record_a_contact(client, login_as, family_data):
    login_as(user=family_data["reviewer"])
    url = f"/reviews/{family_data['review'].id}/family/contacts/new"
    response = post_as(client, "reviewer", url, CONTACT_FORM)
    assert response.status_code == 302
    contact = db.session.query(FamilyContact).order_by(FamilyContact.id.desc()).first()
    assert contact.channel == "phone" and contact.advocate_offered is False


BAD_CONTACT_FORMS = {
    "empty": ({}, ["occurred_on", "channel", "with_whom", "advocate_offered", "summary"]),
    "too long": ({**CONTACT_FORM, "with_whom": "x" * 201}, ["with_whom"]),
    "not a date": ({**CONTACT_FORM, "occurred_on": ["31", "2", "2024"]}, ["occurred_on"]),
    "letters for a date": ({**CONTACT_FORM, "occurred_on": ["a", "b", "c"]}, ["occurred_on"]),
    "future": ({**CONTACT_FORM, "occurred_on": ["1", "1", "2999"]}, ["occurred_on"]),
    "before the charge": ({**CONTACT_FORM, "occurred_on": ["1", "1", "2023"]}, ["occurred_on"]),
    "made-up channel": ({**CONTACT_FORM, "channel": "pigeon"}, ["channel"]),
    "made-up answer": ({**CONTACT_FORM, "advocate_offered": "maybe"}, ["advocate_offered"]),
}


@pytest.mark.parametrize("case", BAD_CONTACT_FORMS)
def test_bad_contact_forms(client, login_as, family_data, case):
    body, fields = BAD_CONTACT_FORMS[case]
    login_as(user=family_data["reviewer"])
    url = f"/reviews/{family_data['review'].id}/family/contacts/new"
    response = post_as(client, "reviewer", url, body)
    assert response.status_code == 200
    assert errors(response)
    for field in fields:
        assert error_for(response, field), field
    assert db.session.query(FamilyContact).count() == 1


def test_add_and_answer_a_question(client, login_as, family_data):
    review = family_data["review"]
    login_as(user=family_data["reviewer"])
    response = post_as(
        client,
        "reviewer",
        f"/reviews/{review.id}/family/questions/new",
        {"question": HOSTILE, "asked_on": ["5", "3", "2024"]},
    )
    assert response.status_code == 302
    question = db.session.query(FamilyQuestion).order_by(FamilyQuestion.id.desc()).first()
    form = client.get(f"/reviews/{review.id}/family/questions/{question.id}/answer")
    assert "&lt;script&gt;" in form.get_data(as_text=True)
    version = page(form).select_one("input[name=version]")["value"]
    answered = post_as(
        client,
        "reviewer",
        f"/reviews/{review.id}/family/questions/{question.id}/answer",
        {"answer": "Because…", "version": version},
    )
    assert answered.status_code == 302
    db.session.refresh(question)
    assert question.answer == "Because…"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"question": "", "asked_on": ["5", "3", "2024"]}, "question"),
        ({"question": "x" * 20_001, "asked_on": ["5", "3", "2024"]}, "question"),
        ({"question": "Why?", "asked_on": ["", "", ""]}, "asked_on"),
        ({"question": "Why?", "asked_on": ["5", "3", "2999"]}, "asked_on"),
        ({"question": "Why?", "asked_on": ["5", "13", "2024"]}, "asked_on"),
    ],
)
def test_bad_question_forms(client, login_as, family_data, body, field):
    login_as(user=family_data["reviewer"])
    url = f"/reviews/{family_data['review'].id}/family/questions/new"
    response = post_as(client, "reviewer", url, body)
    assert response.status_code == 200
    assert error_for(response, field)
    assert db.session.query(FamilyQuestion).count() == 1


@pytest.mark.parametrize("answer", ["", "   ", "x" * 20_001])
def test_bad_answers(client, login_as, family_data, answer):
    login_as(user=family_data["reviewer"])
    q = family_data["question"]
    url = f"/reviews/{family_data['review'].id}/family/questions/{q.id}/answer"
    response = post_as(client, "reviewer", url, {"answer": answer, "version": q.version})
    assert response.status_code == 200
    assert error_for(response, "answer")
    db.session.refresh(q)
    assert q.answer is None


def test_delete_a_question_and_a_contact(client, login_as, family_data):
    login_as(user=family_data["reviewer"])
    r = family_data["review"].id
    q, c = family_data["question"].id, family_data["contact"].id
    assert (
        post_as(client, "reviewer", f"/reviews/{r}/family/questions/{q}/delete", {}).status_code
        == 302
    )
    assert (
        post_as(client, "reviewer", f"/reviews/{r}/family/contacts/{c}/delete", {}).status_code
        == 302
    )
    assert db.session.query(FamilyQuestion).count() == 0
    assert db.session.query(FamilyContact).count() == 0


def test_the_family_page_after_closing(client, login_as, family_data):
    from sfo_review.services import family as family_service

    q = family_data["question"]
    family_service.update_question(
        family_data["reviewer"], family_data["review"], q, {"answer": "A", "version": 1}
    )
    move_to(family_data, "closed")
    login_as(user=family_data["reviewer"])
    r = family_data["review"].id
    response = client.get(f"/reviews/{r}/family")
    assert page(response).find(id="record-contact") is None
    refused = post_as(client, "reviewer", f"/reviews/{r}/family/contacts/new", CONTACT_FORM)
    assert refused.status_code == 200
    assert db.session.query(FamilyContact).count() == 1


# The Criminal case page ----------------------------------------------------------------------


def _case_form(data, **fields):
    db.session.refresh(data["review"])
    return {"version": data["review"].version, **fields}


def test_record_an_acquittal_in_the_browser(client, login_as, family_data):
    login_as(user=family_data["reviewer"])
    url = f"/reviews/{family_data['review'].id}/criminal-case"
    body = _case_form(family_data, case_outcome="acquitted", case_outcome_date=["14", "2", "2024"])
    response = post_as(client, "reviewer", url, body)
    assert response.status_code == 302, errors(response)
    db.session.refresh(family_data["review"])
    assert family_data["review"].case_outcome == "acquitted"
    overview = client.get(f"/reviews/{family_data['review'].id}")
    assert "Acquitted on 14 February 2024" in text_of(overview)
    officers = db.session.query(Notification).filter_by(user_id=family_data["officer"].id).all()
    assert any("without a conviction" in n.message for n in officers)
    # the officer sees the outcome on their overview too
    login_as(user=family_data["officer"])
    assert "Acquitted on 14 February 2024" in text_of(
        client.get(f"/reviews/{family_data['review'].id}")
    )


@pytest.mark.parametrize(
    ("fields", "field_id", "message"),
    [
        ({}, "case_outcome", "Select the outcome of the criminal case"),
        ({"case_outcome": "acquitted"}, "case_outcome_date", "Enter the date of the outcome"),
        (
            {"case_outcome": "awaiting", "case_outcome_date": ["1", "2", "2024"]},
            "case_outcome_date",
            "Leave the date of the outcome empty",
        ),
        (
            {"case_outcome": "discontinued", "case_outcome_date": ["1", "1", "2999"]},
            "case_outcome_date",
            "today or in the past",
        ),
        (
            {"case_outcome": "convicted_lesser", "case_outcome_date": ["1", "1", "2020"]},
            "case_outcome_date",
            "on or after the charge date",
        ),
        (
            {"case_outcome": "convicted_of_sfo", "case_outcome_date": ["30", "2", "2024"]},
            "case_outcome_date",
            "real date",
        ),
        ({"case_outcome": "<script>"}, "case_outcome", "Select the outcome"),
    ],
)
def test_bad_case_forms(client, login_as, family_data, fields, field_id, message):
    login_as(user=family_data["reviewer"])
    url = f"/reviews/{family_data['review'].id}/criminal-case"
    response = post_as(client, "reviewer", url, _case_form(family_data, **fields))
    assert response.status_code == 200
    assert message in error_for(response, field_id)
    assert "<script>" not in response.get_data(as_text=True).split("<main")[1].split("</main>")[
        0
    ].replace("<script ", "")
    db.session.refresh(family_data["review"])
    assert family_data["review"].case_outcome == "awaiting"


def test_the_outcome_changes_after_approval_in_the_browser(client, login_as, family_data):
    from sfo_review.services import family as family_service

    family_service.update_question(
        family_data["reviewer"],
        family_data["review"],
        family_data["question"],
        {"answer": "A", "version": 1},
    )
    move_to(family_data, "approved")
    login_as(user=family_data["reviewer"])
    url = f"/reviews/{family_data['review'].id}/criminal-case"
    body = _case_form(
        family_data, case_outcome="convicted_of_sfo", case_outcome_date=["1", "2", "2024"]
    )
    assert post_as(client, "reviewer", url, body).status_code == 302
    move_to(family_data, "closed")
    closed = client.get(url)
    assert page(closed).find(id="edit-window-closed") is not None
    assert page(closed).find("input", attrs={"name": "case_outcome"}) is None


def test_every_family_page_has_one_heading_and_unique_ids(client, login_as, family_data):
    from collections import Counter

    login_as(user=family_data["reviewer"])
    for path in PAGES:
        url = _url(path, family_data)
        soup = page(client.get(url))
        assert len(soup.select("h1")) == 1, url
        ids = Counter(tag["id"] for tag in soup.select("[id]"))
        assert [i for i, n in ids.items() if n > 1] == [], url


def test_change_a_contact(client, login_as, family_data):
    login_as(user=family_data["reviewer"])
    contact = family_data["contact"]
    url = f"/reviews/{family_data['review'].id}/family/contacts/{contact.id}/edit"
    form = page(client.get(url))
    assert form.select_one("input[name=advocate_offered][value=yes]").has_attr("checked")
    version = form.select_one("input[name=version]")["value"]
    bad = post_as(client, "reviewer", url, {**CONTACT_FORM, "summary": "", "version": version})
    assert error_for(bad, "summary")
    saved = post_as(client, "reviewer", url, {**CONTACT_FORM, "version": version})
    assert saved.status_code == 302
    db.session.refresh(contact)
    assert contact.channel == "phone" and contact.advocate_offered is False
    assert contact.version == 2
