"""Statement addenda: after submitting, an officer adds an addendum with a confirmation step; it
is kept apart, never changed, shown under the statement to those who may read it (never to
another officer), in the full report, and through the API."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from sfo_review.extensions import db
from sfo_review.models import StatementAddendum
from sfo_review.services import addenda as addendum_service
from sfo_review.services import statements as statement_service
from sfo_review.services import users as user_service
from sfo_review.services.errors import Conflict, Forbidden, ValidationFailed
from tests.helpers_forms import (
    HOSTILE,
    ROLES,
    errors,
    expect_status,
    move_to,
    page,
    post,
    sign_in,
    sign_out,
    text_of,
)

ADD = "/reviews/{r}/statement/addendum"
ADDENDUM = "I remembered later that the duty manager post was vacant in May."


def submitted(full_review, who="officer"):
    data = full_review()
    statement = statement_service.create_statement(
        data[who], data["review"], {"body": "My account."}
    )
    statement_service.submit_statement(data[who], data["review"], statement)
    return data, statement


def add_url(data):
    return ADD.format(r=data["review"].id)


def addenda():
    return list(db.session.scalars(select(StatementAddendum)))


WRITE = {
    "reviewer": 403,
    "other_reviewer": 404,
    "officer": 200,
    "other_officer": 404,
    "quality_assurer": 404,
    "leadership": 403,
    "admin": 404,
    "anonymous": "sign-in",
}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_the_addendum_page(client, full_review, login_as, role):
    data, _ = submitted(full_review)
    sign_in(role, data, login_as)
    expect_status(client.get(add_url(data)), WRITE[role])


@pytest.mark.parametrize("role", ROLES)
def test_who_may_post_an_addendum(client, full_review, login_as, role):
    data, _ = submitted(full_review)
    sign_in(role, data, login_as)
    token_page = "/account/password" if role != "anonymous" else "/sign-in"
    response = post(
        client, add_url(data), {"body": ADDENDUM, "step": "confirm"}, form_url=token_page
    )
    expected = WRITE[role]
    if expected == 200:
        assert response.status_code == 302
        assert len(addenda()) == 1
    else:
        expect_status(response, expected)
        assert addenda() == []


def test_the_officer_checks_then_submits_an_addendum(client, full_review, login_as):
    data, statement = submitted(full_review)
    login_as(user=data["officer"])
    mine = page(client.get(f"/reviews/{data['review'].id}/statement"))
    assert mine.select_one("#add-addendum")["href"] == add_url(data)
    form = page(client.get(add_url(data)))
    assert [h.get_text(strip=True) for h in form.select("h1")] == [
        "Add an addendum to your statement"
    ]
    assert form.select_one("label[for=body]").get_text(strip=True) == "Your addendum"
    assert "cannot be changed once submitted" in form.select_one("#body-hint").get_text()
    # the check step shows it back with a warning, and saves nothing
    response = post(client, add_url(data), {"body": ADDENDUM, "step": "check"})
    assert response.status_code == 200
    check = page(response)
    assert check.select_one("#addendum-preview").get_text() == ADDENDUM
    assert "cannot change or delete your addendum" in check.get_text()
    assert addenda() == []
    # changing goes back to the form with the text kept
    response = post(client, add_url(data), {"body": ADDENDUM, "step": "change"})
    assert page(response).select_one("textarea[name=body]").get_text().strip() == ADDENDUM
    assert addenda() == []
    response = post(client, add_url(data), {"body": ADDENDUM, "step": "confirm"})
    assert response.status_code == 302
    shown = page(client.get(response.headers["Location"]))
    assert "Your addendum has been submitted" in shown.get_text()
    [item] = shown.select(".app-addendum")
    assert ADDENDUM in item.get_text()
    assert "It cannot be changed" in item.get_text()
    assert statement.body == "My account."  # the statement itself is untouched


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Enter the addendum"),
        ("   \n  ", "Enter the addendum"),
        ("x" * 20_001, "20,000"),
    ],
)
@pytest.mark.parametrize("step", ["check", "confirm"])
def test_bad_addenda_are_refused_next_to_the_field(
    client, full_review, login_as, body, message, step
):
    data, _ = submitted(full_review)
    login_as(user=data["officer"])
    response = post(client, add_url(data), {"body": body, "step": step})
    assert response.status_code == 200
    assert any(message in e for e in errors(response)), errors(response)
    assert page(response).select_one("#body-error") is not None
    assert addenda() == []


def test_hostile_text_is_kept_and_shown_escaped(client, full_review, login_as):
    data, statement = submitted(full_review)
    login_as(user=data["officer"])
    response = post(client, add_url(data), {"body": HOSTILE, "step": "check"})
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    assert page(response).select_one("#addendum-preview").get_text() == HOSTILE
    response = post(client, add_url(data), {"body": HOSTILE, "step": "confirm"})
    assert response.status_code == 302
    assert addenda()[0].body == HOSTILE
    html = client.get(f"/reviews/{data['review'].id}/statement").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_draft_statement_cannot_have_an_addendum(client, full_review, login_as):
    data = full_review()
    statement_service.create_statement(data["officer"], data["review"], {"body": "Draft."})
    login_as(user=data["officer"])
    response = client.get(add_url(data))
    assert response.status_code == 302
    response = post(
        client, add_url(data), {"body": ADDENDUM, "step": "confirm"}, form_url="/account/password"
    )
    assert response.status_code == 302
    assert "Submit your statement first" in text_of(client.get(response.headers["Location"]))
    assert addenda() == []


def test_addenda_are_immutable_and_only_the_author_adds_them(full_review):
    data, statement = submitted(full_review)
    review = data["review"]
    with pytest.raises(Forbidden):
        addendum_service.add_addendum(data["manager"], review, statement, {"body": "Not mine"})
    with pytest.raises(Forbidden):
        addendum_service.add_addendum(data["reviewer"], review, statement, {"body": "Not mine"})
    with pytest.raises(ValidationFailed):
        addendum_service.add_addendum(data["officer"], review, statement, {"body": 42})
    with pytest.raises(ValidationFailed):
        addendum_service.add_addendum(data["officer"], review, statement, {"body": "x", "extra": 1})
    added = addendum_service.add_addendum(data["officer"], review, statement, {"body": ADDENDUM})
    # there is no service to change or delete an addendum; neither route nor API offers one
    assert not hasattr(addendum_service, "update_addendum")
    assert not hasattr(addendum_service, "delete_addendum")
    assert added.body == ADDENDUM


def test_addenda_can_be_added_at_factual_accuracy_but_not_after(client, full_review, login_as):
    data, statement = submitted(full_review)
    move_to(data, "factual_accuracy")
    addendum_service.add_addendum(data["officer"], data["review"], statement, {"body": ADDENDUM})
    move_to(data, "quality_assurance")
    with pytest.raises(Conflict):
        addendum_service.add_addendum(data["officer"], data["review"], statement, {"body": "Late"})
    login_as(user=data["officer"])
    mine = page(client.get(f"/reviews/{data['review'].id}/statement"))
    assert mine.select_one("#add-addendum") is None
    assert ADDENDUM in mine.select_one("#addenda").get_text()
    response = post(
        client, add_url(data), {"body": "Late", "step": "confirm"}, form_url="/account/password"
    )
    assert "in review or at factual accuracy" in " ".join(errors(response))
    assert len(addenda()) == 1


def test_readers_of_the_statement_see_the_addendum_and_another_officer_never(
    client, full_review, login_as
):
    data, statement = submitted(full_review)
    addendum_service.add_addendum(data["officer"], data["review"], statement, {"body": ADDENDUM})
    rid = data["review"].id
    login_as(user=data["reviewer"])
    assert (
        ADDENDUM
        in page(client.get(f"/reviews/{rid}/statements/{statement.id}"))
        .select_one("#addenda")
        .get_text()
    )
    listing = page(client.get(f"/reviews/{rid}/statements"))
    assert "and 1 addendum" in listing.select_one(f"#addenda-count-{statement.id}").get_text()
    sign_out(client)
    login_as(user=data["manager"])
    assert client.get(f"/reviews/{rid}/statements/{statement.id}").status_code == 404
    for path in (f"/reviews/{rid}/statement", f"/reviews/{rid}", "/"):
        assert ADDENDUM not in client.get(path).get_data(as_text=True)


def test_the_full_report_shows_addenda_under_the_statement(full_review):
    from sfo_review.pdf.render import render_html

    data, statement = submitted(full_review)
    addendum_service.add_addendum(data["officer"], data["review"], statement, {"body": ADDENDUM})
    html = render_html(data["review"], "full")
    # the section itself, not its line on the contents page
    section = html[html.index('id="statements"') : html.index('id="findings"')]
    assert "Addendum 1" in section and ADDENDUM in section
    family = render_html(data["review"], "family_summary")
    assert ADDENDUM not in family


# --- API ---------------------------------------------------------------------------------


def bearer(user):
    return {"Authorization": f"Bearer {user_service.issue_token(user)}"}


def api_url(data, statement):
    return f"/api/v1/reviews/{data['review'].id}/statements/{statement.id}/addenda"


def test_the_api_adds_an_addendum_and_lists_addenda_in_the_statement(client, full_review):
    data, statement = submitted(full_review)
    response = client.post(
        api_url(data, statement), json={"body": ADDENDUM}, headers=bearer(data["officer"])
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["body"] == ADDENDUM and body["submitted_at"] and body["id"]
    one = client.get(
        f"/api/v1/reviews/{data['review'].id}/statements/{statement.id}",
        headers=bearer(data["reviewer"]),
    ).get_json()
    assert one["addenda"] == [body]


@pytest.mark.parametrize(
    ("who", "status"), [("manager", 404), ("reviewer", 403), ("qa", 404), ("other", 404)]
)
def test_only_the_author_may_add_through_the_api(client, full_review, make_user, who, status):
    data, statement = submitted(full_review)
    user = make_user("reviewer") if who == "other" else data[who]
    response = client.post(api_url(data, statement), json={"body": ADDENDUM}, headers=bearer(user))
    assert response.status_code == status
    assert addenda() == []


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({}, 422),
        ({"body": "  "}, 422),
        ({"body": 5}, 422),
        ({"body": "x" * 20_001}, 422),
        ([], 400),
        ("x", 400),
    ],
)
def test_bad_api_bodies(client, full_review, payload, status):
    data, statement = submitted(full_review)
    response = client.post(api_url(data, statement), json=payload, headers=bearer(data["officer"]))
    assert response.status_code == status, response.get_json()
    assert addenda() == []


def test_the_api_refuses_an_addendum_to_a_draft(client, full_review):
    data = full_review()
    draft = statement_service.create_statement(data["officer"], data["review"], {"body": "Draft."})
    response = client.post(
        api_url(data, draft), json={"body": ADDENDUM}, headers=bearer(data["officer"])
    )
    assert response.status_code == 409
