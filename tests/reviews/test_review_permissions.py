"""Who may open and use each review page: 404 when the review is not theirs to see, 403 when
they may see it but not do this, sign-in for anonymous visitors."""

from __future__ import annotations

import pytest

from sfo_review.extensions import db
from sfo_review.models import Participant, Review
from tests.helpers_forms import ROLES, expect_status, move_to, sign_in
from tests.reviews.helpers import REVIEW_FORM, post_as

SEE = {  # the overview: everyone who can see the review
    "reviewer": 200,
    "other_reviewer": 404,
    "officer": 200,
    "other_officer": 404,
    "quality_assurer": 404,  # not named countersigner, not yet at quality assurance
    "leadership": 200,
    "admin": 404,
    "anonymous": "sign-in",
}
TEAM = {**SEE, "officer": 403}  # participants list: the review team and readers, not officers
EDIT = {**TEAM, "leadership": 403}  # the reviewer's own forms


def _url(path: str, data: dict) -> str:
    return path.format(r=data["review"].id, p=data["participant"].id)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("path", "matrix"),
    [
        ("/reviews/{r}", SEE),
        ("/reviews/{r}/participants", TEAM),
        ("/reviews/{r}/details", EDIT),
        ("/reviews/{r}/judgement", EDIT),
        ("/reviews/{r}/participants/{p}/remove", EDIT),
    ],
)
def test_review_pages_in_review(client, login_as, full_review, role, path, matrix):
    data = full_review()
    sign_in(role, data, login_as)
    expect_status(client.get(_url(path, data)), matrix[role])


AT_QA = {
    **SEE,
    "quality_assurer": 200,  # any quality assurer sees reviews at quality assurance
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("path", "matrix"),
    [
        ("/reviews/{r}", AT_QA),
        ("/reviews/{r}/participants", {**AT_QA, "officer": 403}),
        (
            "/reviews/{r}/details",
            {**AT_QA, "officer": 403, "leadership": 403, "quality_assurer": 403},
        ),
        (
            "/reviews/{r}/judgement",
            {**AT_QA, "officer": 403, "leadership": 403, "quality_assurer": 403},
        ),
    ],
)
def test_review_pages_at_quality_assurance(client, login_as, full_review, role, path, matrix):
    data = full_review()
    move_to(data, "quality_assurance")
    sign_in(role, data, login_as)
    expect_status(client.get(_url(path, data)), matrix[role])


def test_the_named_countersigner_sees_the_review_before_quality_assurance(
    client, login_as, full_review
):
    data = full_review()
    review = data["review"]
    review.countersigner_id = data["qa"].id
    db.session.commit()
    login_as(user=data["qa"])
    assert client.get(f"/reviews/{review.id}").status_code == 200
    assert client.get(f"/reviews/{review.id}/judgement").status_code == 403


INDEX = {
    "reviewer": 200,
    "other_reviewer": 200,
    "officer": 200,
    "other_officer": 200,
    "quality_assurer": 200,
    "leadership": 200,
    "admin": 302,
    "anonymous": "sign-in",
}


@pytest.mark.parametrize("role", ROLES)
def test_index_for_every_role(client, login_as, full_review, role):
    data = full_review()
    sign_in(role, data, login_as)
    response = client.get("/")
    expect_status(response, INDEX[role])
    if role == "admin":
        assert response.headers["Location"].endswith("/admin/users")


NEW = dict.fromkeys(ROLES, 403) | {
    "reviewer": 200,
    "other_reviewer": 200,
    "anonymous": "sign-in",
}


@pytest.mark.parametrize("role", ROLES)
def test_only_reviewers_open_the_notification_form(client, login_as, full_review, role):
    data = full_review()
    sign_in(role, data, login_as)
    expect_status(client.get("/reviews/new"), NEW[role])


@pytest.mark.parametrize("role", ROLES)
def test_only_reviewers_record_a_notification(client, login_as, full_review, role):
    data = full_review()
    sign_in(role, data, login_as)
    before = db.session.query(Review).count()
    response = post_as(client, role, "/reviews/new", REVIEW_FORM)
    expected = {**NEW, "reviewer": 302, "other_reviewer": 302}[role]
    expect_status(response, expected)
    created = 1 if expected == 302 else 0
    assert db.session.query(Review).count() == before + created


POSTS = {  # every state-changing route of the reviews blueprint, with a valid body
    "details": ("/reviews/{r}/details", {**REVIEW_FORM, "version": "1"}),
    "judgement": ("/reviews/{r}/judgement", {"version": "1", "overall_judgement": "x"}),
    "add participant": (
        "/reviews/{r}/participants",
        {"email": "someone@example.gov.uk", "role_in_case": "other"},
    ),
    "remove participant": ("/reviews/{r}/participants/{p}/remove", {}),
}
WRITE = {**EDIT, "reviewer": "allowed"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", POSTS)
def test_posts_are_refused_to_everyone_but_the_reviewer(
    client, login_as, full_review, role, action
):
    data = full_review()
    review = data["review"]
    version = review.version
    sign_in(role, data, login_as)
    path, body = POSTS[action]
    response = post_as(client, role, _url(path, data), body)
    if WRITE[role] == "allowed":
        assert response.status_code in (200, 302)
        return
    expect_status(response, WRITE[role])
    db.session.expire_all()
    assert review.version == version
    assert db.session.get(Participant, data["participant"].id) is not None


def test_a_participant_of_another_review_is_not_found(client, login_as, full_review):
    data = full_review()
    other = full_review()
    login_as(user=data["reviewer"])
    url = f"/reviews/{data['review'].id}/participants/{other['participant'].id}/remove"
    response = post_as(client, "reviewer", url, {})
    assert response.status_code == 404
    assert db.session.get(Participant, other["participant"].id) is not None


def test_an_unknown_review_is_not_found(client, login_as):
    login_as("leadership")
    assert client.get("/reviews/999999").status_code == 404
