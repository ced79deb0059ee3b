"""The deadline pages: the history of every extension, asking for one, agreeing or refusing
it — who may open and use each page (404 when the review is not theirs to see), what bad
input says, and what the overview and the officer's view show."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sfo_review.extensions import db
from sfo_review.models import DeadlineExtension
from sfo_review.services import deadline_extensions as extension_service
from tests.helpers_forms import (
    HOSTILE,
    ROLES,
    errors,
    expect_status,
    move_to,
    page,
    sign_in,
    sign_out,
    text_of,
)
from tests.reviews.extension_helpers import (
    DEADLINE,
    READ,
    REASON,
    later_working_day,
    request_by_reviewer,
    url,
)
from tests.reviews.helpers import error_for, post_as

NEW = "/reviews/{r}/deadline/extensions/new"
DECIDE = "/reviews/{r}/deadline/extensions/{e}/decision"


def date_boxes(day):
    return [str(day.day), str(day.month), str(day.year)]


ASK = {**READ}  # the reviewer and leadership ask
DECIDE_MATRIX = {**READ, "reviewer": 403}  # leadership (and QA, once they can see it)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("template", "matrix"), [(DEADLINE, READ), (NEW, ASK), (DECIDE, DECIDE_MATRIX)]
)
def test_who_opens_each_page_in_review(client, login_as, full_review, role, template, matrix):
    data = full_review()
    extension = request_by_reviewer(data)
    sign_in(role, data, login_as)
    expect_status(client.get(url(template, data, extension)), matrix[role])


AT_QA = {"quality_assurer": 200}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("template", "matrix"),
    [
        (DEADLINE, {**READ, **AT_QA}),
        (NEW, {**ASK, "quality_assurer": 403}),
        (DECIDE, {**DECIDE_MATRIX, **AT_QA}),
    ],
)
def test_who_opens_each_page_at_quality_assurance(
    client, login_as, full_review, role, template, matrix
):
    data = full_review()
    move_to(data, "quality_assurance")
    extension = request_by_reviewer(data)
    sign_in(role, data, login_as)
    expect_status(client.get(url(template, data, extension)), matrix[role])


POST_ASK = {**ASK, "reviewer": 302, "leadership": 302}
POST_DECIDE = {**DECIDE_MATRIX, "leadership": 302}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_ask(client, login_as, full_review, role):
    data = full_review()
    sign_in(role, data, login_as)
    body = {"new_due_date": date_boxes(later_working_day()), "reason": REASON}
    response = post_as(client, role, url(NEW, data), body)
    expect_status(response, POST_ASK[role])
    made = db.session.query(DeadlineExtension).count()
    assert made == (1 if POST_ASK[role] == 302 else 0)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_decide(client, login_as, full_review, role):
    data = full_review()
    extension = request_by_reviewer(data)
    sign_in(role, data, login_as)
    response = post_as(client, role, url(DECIDE, data, extension), {"decision": "agreed"})
    expect_status(response, POST_DECIDE[role])
    db.session.expire_all()
    assert extension.status == ("agreed" if POST_DECIDE[role] == 302 else "requested")


def test_an_extension_of_another_review_is_not_found(client, login_as, full_review):
    data, other = full_review(), full_review()
    theirs = request_by_reviewer(other)
    login_as("leadership")
    assert client.get(url(DECIDE, data, theirs)).status_code == 404
    response = post_as(client, "leadership", url(DECIDE, data, theirs), {"decision": "agreed"})
    assert response.status_code == 404
    assert client.get(DECIDE.format(r=data["review"].id, e=999_999)).status_code == 404
    db.session.expire_all()
    assert theirs.status == "requested"


def test_nobody_decides_their_own_request(client, login_as, full_review):
    data = full_review()
    head = login_as("leadership")
    extension = extension_service.request_extension(
        head, data["review"], {"new_due_date": later_working_day(), "reason": REASON}
    )
    response = client.get(url(DECIDE, data, extension))
    assert response.status_code == 403
    assert "someone else decides" in text_of(response)
    response = post_as(client, "leadership", url(DECIDE, data, extension), {"decision": "agreed"})
    assert response.status_code == 403
    db.session.expire_all()
    assert extension.status == "requested"


def test_asking_then_agreeing_in_the_browser(client, login_as, full_review):
    data = full_review()
    review = data["review"]
    new = later_working_day(45)
    login_as(user=data["reviewer"])
    form = page(client.get(url(NEW, data)))
    assert form.select_one("h1").get_text(strip=True) == "Ask for a deadline extension"
    response = post_as(
        client, "reviewer", url(NEW, data), {"new_due_date": date_boxes(new), "reason": REASON}
    )
    assert response.headers["Location"].endswith(url(DEADLINE, data))
    soup = page(client.get(url(DEADLINE, data)))
    assert (
        "waiting for quality assurance or leadership"
        in soup.select_one("#pending-extension").get_text()
    )
    assert soup.select_one("#request-extension") is None  # one request at a time
    extension = db.session.query(DeadlineExtension).one()
    card = soup.select_one(f"#extension-{extension.id}")
    assert "Waiting for a decision" in card.get_text()
    assert REASON in card.get_text()

    sign_out(client)
    login_as("leadership")
    overview = page(client.get(f"/reviews/{review.id}"))
    decide = overview.select_one("#decide-link")
    assert decide["href"] == url(DECIDE, data, extension)
    response = post_as(
        client, "leadership", decide["href"], {"decision": "agreed", "note": "Chase weekly."}
    )
    assert response.status_code == 302
    soup = page(client.get(url(DEADLINE, data)))
    when = f"{new.day} {new:%B %Y}"
    assert when in soup.select_one("#deadline-in-force").get_text()
    assert "(extended)" in soup.select_one("#deadline-in-force").get_text()
    card = soup.select_one(f"#extension-{extension.id}").get_text(" ", strip=True)
    assert "Agreed" in card and "Chase weekly." in card
    overview = page(client.get(f"/reviews/{review.id}"))
    rows = {
        r.select_one("dt").get_text(strip=True): r.select_one("dd").get_text(" ", strip=True)
        for r in overview.select("#notification .govuk-summary-list__row")
    }
    counted = review.due_date
    assert rows["Deadline"].startswith(f"{when} Extended from {counted.day} {counted:%B %Y}")
    assert "Agreed" in overview.select_one("#extension-list").get_text()


def test_a_refusal_in_the_browser_keeps_the_deadline(client, login_as, full_review):
    data = full_review()
    extension = request_by_reviewer(data)
    login_as("leadership")
    response = post_as(client, "leadership", url(DECIDE, data, extension), {"decision": "refused"})
    assert response.status_code == 302
    db.session.expire_all()
    assert extension.status == "refused"
    assert data["review"].effective_due_date == data["review"].due_date
    soup = page(client.get(url(DEADLINE, data)))
    assert "Refused" in soup.select_one(f"#extension-{extension.id}").get_text()
    # nothing is waiting now, so a new request can be made (leadership may ask too)
    assert soup.select_one("#request-extension")["href"] == url(NEW, data)


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"new_due_date": ["", "", ""], "reason": ""}, "new_due_date", "Enter the new deadline"),
        ({"new_due_date": ["", "", ""], "reason": ""}, "reason", "Enter the reason"),
        ({"new_due_date": ["31", "2", "2027"]}, "new_due_date", "must be a real date"),
        ({"new_due_date": ["1", "", "2027"]}, "new_due_date", "must include a month"),
        ({"new_due_date": ["1", "1", "27"]}, "new_due_date", "must include 4 numbers"),
        ({"new_due_date": ["one", "1", "2027"]}, "new_due_date", "must be a real date"),
        ({"reason": "   "}, "reason", "Enter the reason"),
        ({"reason": "x" * 20_001}, "reason", "20,000 characters or fewer"),
    ],
)
def test_bad_requests_are_shown_next_to_the_field(
    client, login_as, full_review, body, field, message
):
    data = full_review()
    login_as(user=data["reviewer"])
    values = {"new_due_date": date_boxes(later_working_day()), "reason": REASON, **body}
    response = post_as(client, "reviewer", url(NEW, data), values)
    assert response.status_code == 200
    assert message in error_for(response, field)
    assert page(response).select_one(".govuk-error-summary")
    assert db.session.query(DeadlineExtension).count() == 0


def test_a_date_that_is_not_later_is_refused_with_the_deadline_named(client, login_as, full_review):
    data = full_review()
    review = data["review"]
    login_as(user=data["reviewer"])
    response = post_as(
        client,
        "reviewer",
        url(NEW, data),
        {"new_due_date": date_boxes(review.effective_due_date), "reason": REASON},
    )
    due = review.effective_due_date
    assert f"after the deadline in force, {due.day} {due:%B %Y}" in error_for(
        response, "new_due_date"
    )
    saturday = later_working_day(20)
    saturday += timedelta(days=(5 - saturday.weekday()) % 7)
    response = post_as(
        client, "reviewer", url(NEW, data), {"new_due_date": date_boxes(saturday), "reason": REASON}
    )
    assert "must be a working day" in error_for(response, "new_due_date")
    # what was typed is kept
    assert page(response).select_one("textarea[name=reason]").get_text() == REASON


def test_a_second_request_while_one_waits_is_explained(client, login_as, full_review):
    data = full_review()
    request_by_reviewer(data)
    login_as(user=data["reviewer"])
    soup = page(client.get(url(NEW, data)))
    assert "already waiting for a decision" in soup.select_one("#cannot-request").get_text()
    assert soup.select_one("form textarea") is None
    body = {"new_due_date": date_boxes(later_working_day(50)), "reason": REASON}
    response = post_as(client, "reviewer", url(NEW, data), body)
    assert response.status_code == 200
    assert any("already waiting" in e for e in errors(response))
    assert db.session.query(DeadlineExtension).count() == 1


def test_an_approved_review_offers_no_request(client, login_as, full_review):
    data = full_review()
    move_to(data, "approved")
    login_as(user=data["reviewer"])
    soup = page(client.get(url(NEW, data)))
    assert "cannot be extended" in soup.select_one("#cannot-request").get_text()
    assert page(client.get(url(DEADLINE, data))).select_one("#request-extension") is None
    assert (
        "no longer applies"
        in page(client.get(url(DEADLINE, data))).select_one("#days-left").get_text()
    )


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({}, "decision", "Select the decision"),
        ({"decision": "perhaps"}, "decision", "one of: agreed, refused"),
        ({"decision": "agreed", "note": "y" * 20_001}, "note", "20,000 characters"),
    ],
)
def test_bad_decisions_are_shown_next_to_the_field(
    client, login_as, full_review, body, field, message
):
    data = full_review()
    extension = request_by_reviewer(data)
    login_as("leadership")
    response = post_as(client, "leadership", url(DECIDE, data, extension), body)
    assert response.status_code == 200
    assert message in error_for(response, field)
    db.session.expire_all()
    assert extension.status == "requested"


def test_a_decided_request_shows_the_decision_and_no_form(client, login_as, full_review, make_user):
    data = full_review()
    extension = request_by_reviewer(data)
    extension_service.decide_extension(
        make_user("leadership"), data["review"], extension, {"decision": "refused"}
    )
    login_as("leadership")
    soup = page(client.get(url(DECIDE, data, extension)))
    assert "was refused by" in soup.select_one("#already-decided").get_text()
    assert soup.select_one("input[name=decision]") is None
    response = post_as(client, "leadership", url(DECIDE, data, extension), {"decision": "agreed"})
    assert any("already been refused" in e for e in errors(response))
    db.session.expire_all()
    assert extension.status == "refused"


def test_hostile_text_is_shown_literally(client, login_as, full_review, make_user):
    data = full_review()
    extension = request_by_reviewer(data, reason=HOSTILE)
    extension_service.decide_extension(
        make_user("leadership"), data["review"], extension, {"decision": "refused", "note": HOSTILE}
    )
    login_as(user=data["reviewer"])
    response = client.get(url(DEADLINE, data))
    html = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert page(response).select_one(f"#extension-{extension.id}").get_text().count("<script>") == 2


def test_officers_see_the_deadline_in_force_but_not_the_extensions(
    client, login_as, full_review, make_user
):
    data = full_review()
    extension = request_by_reviewer(data, reason="Waiting for the officer's sick note.")
    extension_service.decide_extension(
        make_user("leadership"), data["review"], extension, {"decision": "agreed"}
    )
    login_as(user=data["officer"])
    overview = client.get(f"/reviews/{data['review'].id}")
    soup = page(overview)
    new = extension.new_due_date
    deadline = [
        r.select_one("dd").get_text(" ", strip=True)
        for r in soup.select("#notification .govuk-summary-list__row")
        if r.select_one("dt").get_text(strip=True) == "Deadline"
    ]
    assert deadline[0].startswith(f"{new.day} {new:%B %Y}")
    assert soup.select_one("#deadline-section") is None
    assert "sick note" not in overview.get_data(as_text=True)
    # the statement is asked for by the deadline in force
    assert page(client.get("/")).select_one(f"#asked-by-{data['review'].id}").get_text(
        strip=True
    ) == (f"By {new.day} {new:%B %Y}")


def test_every_view_is_recorded(client, login_as, full_review):
    from sfo_review.models import AuditEvent

    data = full_review()
    login_as(user=data["reviewer"])
    client.get(url(DEADLINE, data))
    client.get(url(NEW, data))
    seen = [
        e.summary
        for e in db.session.query(AuditEvent)
        .filter_by(action="review.viewed")
        .order_by(AuditEvent.id)
    ]
    assert seen[-2:] == [
        "Viewed the deadline and extensions",
        "Viewed the deadline extension request form",
    ]
