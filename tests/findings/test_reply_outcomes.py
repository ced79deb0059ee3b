"""The reviewer answers a participant's reply to a finding (api-v1.1 A): the "Answer this
reply" page, who may open and post it, its errors, and the answer shown beside the reply."""

from __future__ import annotations

from typing import Any

import pytest

from sfo_review.extensions import db
from sfo_review.models import FindingResponse, Review
from sfo_review.services import findings as finding_service
from sfo_review.services import reply_outcomes
from tests.helpers_forms import (
    HOSTILE,
    ROLES,
    errors,
    expect_status,
    page,
    post,
    sign_in,
    text_of,
)

ONE = "/reviews/{r}/findings/{f}"
ANSWER = "/reviews/{r}/findings/{f}/responses/{rid}/outcome"
REPLY = "The home visit was rearranged, not missed: see the contact log of 3 May."
WHY = "The contact log shows no rearranged visit on 3 May."

# Opening or posting the answer page: the review's reviewer only.
WHO = {
    "reviewer": 200,
    "other_reviewer": 404,
    "officer": 403,  # the reply's author
    "manager": 403,  # another participant
    "other_officer": 404,
    "quality_assurer": 404,  # not named, review not at quality assurance
    "leadership": 403,
    "admin": 404,
    "anonymous": "sign-in",
}
assert set(WHO) == {*ROLES, "manager"}


def set_status(review: Review, status: str) -> None:
    """The review at `status` as committed: the edit window is what is tested here."""
    review.status = status
    db.session.commit()


def with_reply(full_review: Any) -> dict[str, Any]:
    data = full_review(individual=False)
    set_status(data["review"], "factual_accuracy")
    data["reply"] = finding_service.add_response(
        data["officer"], data["review"], data["finding"], {"body": REPLY}
    )
    return data


def url(template: str, data: dict[str, Any]) -> str:
    return template.format(r=data["review"].id, f=data["finding"].id, rid=data["reply"].id)


def as_role(role: str, data: dict[str, Any], login_as: Any) -> None:
    if role == "manager":
        login_as(user=data["manager"])
    else:
        sign_in(role, data, login_as)


def stored(data: dict[str, Any]) -> tuple[str | None, str | None]:
    db.session.expire_all()
    row = db.session.get(FindingResponse, data["reply"].id)
    assert row is not None
    return row.outcome, row.outcome_note


@pytest.mark.parametrize(("role", "expected"), list(WHO.items()))
def test_who_may_open_the_answer_page(client, full_review, login_as, role, expected):
    data = with_reply(full_review)
    as_role(role, data, login_as)
    response = client.get(url(ANSWER, data))
    expect_status(response, expected)
    if expected == 200:
        assert page(response).select_one("h1").get_text(strip=True) == "Answer this reply"


@pytest.mark.parametrize(("role", "expected"), list(WHO.items()))
def test_who_may_post_an_answer(client, full_review, login_as, role, expected):
    data = with_reply(full_review)
    as_role(role, data, login_as)
    form_url = "/sign-in" if role == "anonymous" else "/account/password"
    response = post(client, url(ANSWER, data), {"outcome": "context_added"}, form_url=form_url)
    expect_status(response, 302 if expected == 200 else expected)
    assert stored(data) == (("context_added", None) if expected == 200 else (None, None))


def test_the_page_asks_one_question_with_a_hint_on_each_answer_and_a_note(
    client, full_review, login_as
):
    data = with_reply(full_review)
    login_as(user=data["reviewer"])
    soup = page(client.get(url(ANSWER, data)))

    assert soup.select_one("legend").get_text(strip=True) == "How have you answered this reply?"
    assert REPLY in soup.select_one("#reply").get_text()
    radios = soup.select("input[name=outcome]")
    assert [r["value"] for r in radios] == ["fact_corrected", "context_added", "not_accepted"]
    assert not any(r.has_attr("checked") for r in radios)
    labels = [soup.select_one(f"label[for={r['id']}]").get_text(strip=True) for r in radios]
    assert labels == ["Fact corrected", "Context added", "Not accepted"]
    for radio in radios:
        assert soup.select_one(f"#{radio['id']}-item-hint").get_text(strip=True)
    # One note box, after the answers (no conditional reveal: see reply_forms.py).
    assert soup.select_one("label[for=note]").get_text(strip=True) == "Note"
    assert "at least 20 characters" in soup.select_one("#note-hint").get_text()
    assert soup.select_one("[data-aria-controls]") is None


def test_not_accepted_needs_a_reason_of_20_characters(client, full_review, login_as):
    data = with_reply(full_review)
    login_as(user=data["reviewer"])

    nothing = post(client, url(ANSWER, data), {})
    assert nothing.status_code == 200
    assert errors(nothing) == ["Select the answer to the reply"]
    assert page(nothing).select_one("a[href='#outcome']") is not None
    assert page(nothing).title.get_text().startswith("Error:")

    short = post(client, url(ANSWER, data), {"outcome": "not_accepted", "note": "Too short"})
    assert errors(short) == ["Why the reply was not accepted must be at least 20 characters"]
    soup = page(short)
    assert soup.select_one("a[href='#note']") is not None
    field = soup.select_one("#note").find_parent(class_="govuk-form-group")
    assert "govuk-form-group--error" in field["class"]
    assert "must be at least 20 characters" in field.select_one(".govuk-error-message").get_text()
    # What was typed is kept, and the chosen answer stays chosen.
    assert soup.select_one("#note").get_text() == "Too short"
    assert soup.select_one("input[value=not_accepted]").has_attr("checked")

    blank = post(client, url(ANSWER, data), {"outcome": "not_accepted", "note": "  "})
    assert errors(blank) == ["Enter why the reply was not accepted"]

    bad = post(client, url(ANSWER, data), {"outcome": "accepted"})
    assert len(errors(bad)) == 1 and "Select the answer to the reply" in errors(bad)[0]
    too_long = post(client, url(ANSWER, data), {"outcome": "context_added", "note": "x" * 20_001})
    assert errors(too_long) == ["Note must be 20,000 characters or fewer"]
    assert stored(data) == (None, None)


def test_the_answer_is_saved_and_shown_beside_the_reply(client, full_review, login_as):
    data = with_reply(full_review)
    login_as(user=data["reviewer"])
    finding_page = page(client.get(url(ONE, data)))
    link = finding_page.select_one(f"#answer-reply-{data['reply'].id}")
    assert link["href"] == url(ANSWER, data)
    assert "No answer yet" in finding_page.select_one(f"#reply-{data['reply'].id}").get_text()

    response = post(
        client,
        url(ANSWER, data),
        {"outcome": "not_accepted", "note": WHY},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(url(ONE, data) + f"#reply-{data['reply'].id}")
    assert stored(data) == ("not_accepted", WHY)

    after = page(client.get(url(ONE, data)))
    shown = after.select_one(f"#reply-outcome-{data['reply'].id}").get_text(" ", strip=True)
    assert "Reviewer’s answer: Not accepted" in shown and WHY in shown
    assert after.select_one(f"#answer-reply-{data['reply'].id}") is None  # answered once


def test_a_second_answer_is_refused_and_the_page_says_it_was_answered(
    client, full_review, login_as
):
    data = with_reply(full_review)
    login_as(user=data["reviewer"])
    reply_outcomes.answer_reply(
        data["reviewer"],
        data["review"],
        data["finding"],
        data["reply"],
        {"outcome": "fact_corrected"},
    )
    shown = client.get(url(ANSWER, data))
    assert page(shown).select_one("form input[name=outcome]") is None
    assert "You have answered this reply" in text_of(shown)

    again = post(client, url(ANSWER, data), {"outcome": "not_accepted", "note": WHY})
    assert again.status_code == 200
    assert errors(again) == [reply_outcomes.ALREADY_ANSWERED]
    assert stored(data) == ("fact_corrected", None)


@pytest.mark.parametrize("status", ["quality_assurance", "approved"])
def test_outside_the_edit_window_nothing_can_be_answered(client, full_review, login_as, status):
    data = with_reply(full_review)
    set_status(data["review"], status)
    login_as(user=data["reviewer"])
    shown = client.get(url(ANSWER, data))
    assert shown.status_code == 200
    assert page(shown).select_one("#edit-window-closed") is not None
    assert page(shown).select_one("input[name=outcome]") is None
    assert page(client.get(url(ONE, data))).select_one(f"#answer-reply-{data['reply'].id}") is None

    response = post(client, url(ANSWER, data), {"outcome": "context_added"})
    assert response.status_code == 200
    assert "can only be edited while in review or at factual accuracy" in text_of(response)
    assert stored(data) == (None, None)


def test_ids_of_another_review_or_finding_are_not_found(client, full_review, login_as):
    data = with_reply(full_review)
    other = with_reply(full_review)
    login_as(user=data["reviewer"])
    mixed = {**data, "reply": other["reply"]}
    assert client.get(url(ANSWER, mixed)).status_code == 404
    assert post(client, url(ANSWER, mixed), {"outcome": "context_added"}).status_code == 404
    foreign = {**other}
    assert client.get(url(ANSWER, foreign)).status_code == 404
    assert stored(other) == (None, None)


@pytest.mark.parametrize("role", ["officer", "manager", "quality_assurer", "leadership"])
def test_everyone_who_sees_the_finding_sees_the_answer_escaped(client, full_review, login_as, role):
    data = with_reply(full_review)
    reply_outcomes.answer_reply(
        data["reviewer"],
        data["review"],
        data["finding"],
        data["reply"],
        {"outcome": "not_accepted", "note": HOSTILE},
    )
    if role == "quality_assurer":
        login_as(user=data["qa"])
        data["review"].countersigner_id = data["qa"].id
        db.session.commit()
    else:
        as_role(role, data, login_as)
    response = client.get(url(ONE, data))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    shown = page(response).select_one(f"#reply-outcome-{data['reply'].id}")
    assert HOSTILE in shown.get_text()
    assert "Not accepted" in shown.get_text()
    # Nobody but the reviewer is offered to answer.
    assert page(response).select_one(f"#answer-reply-{data['reply'].id}") is None


def test_the_reply_is_shown_escaped_on_the_answer_page_and_its_author_is_told(
    client, full_review, login_as
):
    data = full_review(individual=False)
    set_status(data["review"], "factual_accuracy")
    data["reply"] = finding_service.add_response(
        data["officer"], data["review"], data["finding"], {"body": HOSTILE}
    )
    login_as(user=data["reviewer"])
    shown = client.get(url(ANSWER, data))
    assert "<script>alert(1)</script>" not in shown.get_data(as_text=True)
    assert HOSTILE in page(shown).select_one("#reply").get_text()

    assert post(client, url(ANSWER, data), {"outcome": "fact_corrected"}).status_code == 302
    login_as(user=data["officer"])
    listed = text_of(client.get("/notifications"))
    assert f"The reviewer answered your reply to a finding ({data['review'].reference})" in listed
