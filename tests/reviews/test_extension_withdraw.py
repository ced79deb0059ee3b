"""Withdrawing an extension request still waiting for a decision: who may (404 when the
review is not theirs to see), what it changes (nothing but the request), what is kept and
told, and the refusals (decided already, review approved, another review's request)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from sfo_review.extensions import db
from sfo_review.models import AuditEvent, DeadlineExtension, Notification
from sfo_review.pdf.render import render_html
from sfo_review.services import deadline_extensions as extension_service
from sfo_review.services.errors import Conflict, Forbidden
from tests.helpers_forms import ROLES, expect_status, move_to, page, sign_in, text_of
from tests.reviews.extension_helpers import (
    DEADLINE,
    READ,
    later_working_day,
    request_by_reviewer,
    url,
)
from tests.reviews.helpers import post_as

WITHDRAW = "/reviews/{r}/deadline/extensions/{e}/withdraw"
OPEN = {**READ, "quality_assurer": 404}  # who asks may withdraw: the reviewer, leadership
POSTED = {**OPEN, "reviewer": 302, "leadership": 302}
AT_QA = {**OPEN, "quality_assurer": 403}  # QA can see the review then, but never withdraws


@pytest.mark.parametrize("role", ROLES)
def test_who_opens_the_withdraw_page(client, login_as, full_review, role):
    data = full_review()
    extension = request_by_reviewer(data)
    sign_in(role, data, login_as)
    expect_status(client.get(url(WITHDRAW, data, extension)), OPEN[role])


@pytest.mark.parametrize("role", ROLES)
def test_who_may_withdraw(client, login_as, full_review, role):
    data = full_review()
    extension = request_by_reviewer(data)
    due = data["review"].effective_due_date
    sign_in(role, data, login_as)
    response = post_as(client, role, url(WITHDRAW, data, extension), {})
    expect_status(response, POSTED[role])
    db.session.expire_all()
    assert extension.status == ("withdrawn" if POSTED[role] == 302 else "requested")
    assert data["review"].effective_due_date == due


@pytest.mark.parametrize("role", ROLES)
def test_who_may_withdraw_at_quality_assurance(client, login_as, full_review, role):
    data = full_review()
    move_to(data, "quality_assurance")
    extension = request_by_reviewer(data)
    sign_in(role, data, login_as)
    expect_status(client.get(url(WITHDRAW, data, extension)), AT_QA[role])
    response = post_as(client, role, url(WITHDRAW, data, extension), {})
    expect_status(response, {**AT_QA, "reviewer": 302, "leadership": 302}[role])


def test_withdrawing_in_the_browser_keeps_the_request_in_the_history(client, login_as, full_review):
    data = full_review()
    review = data["review"]
    extension = request_by_reviewer(data)
    login_as(user=data["reviewer"])

    card = page(client.get(url(DEADLINE, data)))
    link = card.select_one(f"#withdraw-{extension.id}")
    assert link is not None and "Withdraw" in link.get_text()
    confirm = client.get(link["href"])
    assert page(confirm).select_one("h1").get_text(strip=True) == ("Withdraw the extension request")
    done = post_as(client, "reviewer", link["href"], {})
    assert done.status_code == 302
    shown = client.get(done.headers["Location"])

    assert "You have withdrawn the request" in text_of(shown)
    history = page(shown).select_one(f"#extension-{extension.id}")
    assert "Withdrawn" in history.get_text()
    assert f"Withdrawn by {data['reviewer'].name}" in " ".join(history.get_text().split())
    assert page(shown).select_one(f"#withdraw-{extension.id}") is None
    assert page(shown).select_one(f"#decide-{extension.id}") is None
    # a new request may be made now, and the full PDF lists the withdrawn one
    assert extension_service.may_request(data["reviewer"], review)
    assert "Withdrawn" in render_html(review, "full")


def test_a_decided_request_cannot_be_withdrawn(client, login_as, full_review, make_user):
    data = full_review()
    extension = request_by_reviewer(data)
    decision = {"decision": "refused"}
    extension_service.decide_extension(make_user("leadership"), data["review"], extension, decision)
    login_as(user=data["reviewer"])

    shown = client.get(url(WITHDRAW, data, extension))
    assert "This request was refused by" in text_of(shown)
    assert "Withdraw the request" not in [b.get_text(strip=True) for b in page(shown)("button")]
    response = post_as(client, "reviewer", url(WITHDRAW, data, extension), {})

    assert response.status_code == 200
    assert "already been refused" in text_of(response)
    db.session.expire_all()
    assert extension.status == "refused"


def test_an_approved_review_keeps_its_waiting_request(full_review):
    data = full_review()
    extension = request_by_reviewer(data)
    move_to(data, "approved")
    with pytest.raises(Conflict) as caught:
        extension_service.withdraw_extension(data["reviewer"], data["review"], extension)
    assert "no longer applies" in caught.value.message
    db.session.expire_all()
    assert extension.status == "requested"


def test_another_reviews_request_or_an_unknown_one_is_not_found(client, login_as, full_review):
    data, other = full_review(), full_review()
    theirs = request_by_reviewer(other)
    login_as("leadership")
    assert client.get(url(WITHDRAW, data, theirs)).status_code == 404
    assert post_as(client, "leadership", url(WITHDRAW, data, theirs), {}).status_code == 404
    assert client.get(WITHDRAW.format(r=data["review"].id, e=999_999)).status_code == 404
    assert client.get(WITHDRAW.format(r=data["review"].id, e="x")).status_code == 404
    db.session.expire_all()
    assert theirs.status == "requested"


def test_withdrawing_is_audited_and_told_to_those_asked_to_decide(full_review, make_user):
    data = full_review()
    review = data["review"]
    head = make_user("leadership")
    extension = extension_service.request_extension(
        head, review, {"new_due_date": later_working_day(), "reason": "Police disclosure."}
    )

    extension_service.withdraw_extension(head, review, extension)

    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "extension.withdrawn")
    ).all()
    assert [e.detail["extension_id"] for e in events] == [extension.id]
    told = db.session.scalars(
        select(Notification).where(Notification.message.contains("withdrawn by"))
    ).all()
    assert {n.user_id for n in told} >= {review.reviewer_id}
    assert head.id not in {n.user_id for n in told}
    assert extension.decided_by_id == head.id and extension.decided_at is not None


def test_an_officer_or_quality_assurer_cannot_withdraw_in_the_service(full_review):
    data = full_review()
    extension = request_by_reviewer(data)
    for person in (data["officer"], data["qa"]):
        with pytest.raises(Forbidden):
            extension_service.withdraw_extension(person, data["review"], extension)
    assert db.session.get(DeadlineExtension, extension.id).status == "requested"
