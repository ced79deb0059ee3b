"""A participant says they have nothing to add at factual accuracy, from the browser
(api-v1.1 A): a confirmation page with one button, linked from their overview and the
findings page."""

from __future__ import annotations

import pytest

from sfo_review.extensions import db
from sfo_review.models import Participant
from sfo_review.services import findings as finding_service
from tests.helpers_forms import (
    ROLES,
    errors,
    expect_status,
    move_to,
    page,
    post,
    sign_in,
    text_of,
)

DONE = "/reviews/{r}/factual-accuracy/done"
WHO_MAY = {
    "reviewer": 403,
    "other_reviewer": 404,
    "officer": 200,
    "other_officer": 404,
    "quality_assurer": 404,
    "leadership": 403,
    "admin": 404,
    "anonymous": "sign-in",
}


def url(data) -> str:
    return DONE.format(r=data["review"].id)


def done_at(data):
    db.session.expire_all()
    return db.session.get(Participant, data["participant"].id).factual_accuracy_done_at


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_and_press_the_button(client, full_review, login_as, role):
    data = full_review()
    move_to(data, "factual_accuracy")
    sign_in(role, data, login_as)
    expect_status(client.get(url(data)), WHO_MAY[role])
    form_url = {"officer": url(data), "anonymous": "/sign-in"}.get(role, "/account/password")
    response = post(client, url(data), {}, form_url=form_url)
    expect_status(response, {**WHO_MAY, "officer": 302}[role])
    assert (done_at(data) is not None) == (role == "officer")


def test_the_page_names_the_findings_not_replied_to_and_warns(client, full_review, login_as):
    data = full_review()
    move_to(data, "factual_accuracy")
    login_as(user=data["officer"])
    soup = page(client.get(url(data)))
    assert soup.select_one("h1").get_text(strip=True) == (
        "Do you have anything to add to the draft findings?"
    )
    outstanding = soup.select("#outstanding a")
    assert [a.get_text(strip=True) for a in outstanding] == ["Risk not reassessed"]
    assert client.get(outstanding[0]["href"]).status_code == 200
    assert "may send the review to quality assurance" in soup.select_one(".govuk-warning-text").text
    button = soup.select_one("main form button")
    assert button.get_text(strip=True) == "I have nothing to add"
    response = post(client, url(data), {})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/reviews/{data['review'].id}")
    assert done_at(data) is not None
    overview = client.get(response.headers["Location"])
    assert "You have said you have nothing to add" in text_of(overview)
    assert "Say you have nothing to add" not in text_of(overview)
    again = page(client.get(url(data)))
    assert again.select_one("main form") is None and again.select_one("#done-at")


def test_the_officer_is_offered_it_on_the_overview_and_the_findings_page(
    client, full_review, login_as
):
    data = full_review()
    move_to(data, "factual_accuracy")
    login_as(user=data["officer"])
    overview = page(client.get(f"/reviews/{data['review'].id}"))
    links = {a.get_text(strip=True): a["href"] for a in overview.select("#asked a")}
    assert links["Say you have nothing to add"] == url(data)
    findings = page(client.get(f"/reviews/{data['review'].id}/findings"))
    assert findings.select_one("#nothing-to-add a")["href"] == url(data)
    # The reviewer is never offered it.
    login_as(user=data["reviewer"])
    assert (
        page(client.get(f"/reviews/{data['review'].id}/findings")).select_one("#nothing-to-add")
        is None
    )


def test_outside_factual_accuracy_nothing_is_recorded(client, full_review, login_as):
    data = full_review()
    login_as(user=data["officer"])
    soup = page(client.get(url(data)))
    assert soup.select_one("#not-open") and soup.select_one("main form") is None
    response = post(client, url(data), {}, form_url=f"/reviews/{data['review'].id}/statement")
    assert response.status_code == 200
    assert errors(response) == [
        "You can only say you have nothing to add during the factual accuracy check: this "
        "review is in review."
    ]
    assert done_at(data) is None


def test_a_reply_to_every_finding_naming_them_is_enough(client, full_review, login_as):
    data = full_review()
    move_to(data, "factual_accuracy")
    finding_service.add_response(
        data["officer"], data["review"], data["finding"], {"body": "The visit was moved."}
    )
    login_as(user=data["officer"])
    soup = page(client.get(url(data)))
    assert soup.select_one("#outstanding") is None
