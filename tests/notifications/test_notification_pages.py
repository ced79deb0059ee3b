"""The notifications page: each person sees only their own, with a count in the header, and
marks them as read with a button (POST with CSRF)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from sfo_review.extensions import db
from sfo_review.models import Notification
from sfo_review.services import notifications as notification_service
from tests.helpers_forms import expect_status, move_to, page, post, text_of

ALL_ROLES = ("reviewer", "officer", "quality_assurer", "leadership", "admin")


def nav_texts(response):
    return [
        a.get_text(" ", strip=True)
        for a in page(response).select(".govuk-service-navigation__link")
    ]


@pytest.mark.parametrize("role", [*ALL_ROLES, "anonymous"])
def test_every_signed_in_person_has_a_notifications_page(client, login_as, role):
    if role != "anonymous":
        login_as(role)
    response = client.get("/notifications")
    if role == "anonymous":
        expect_status(response, "sign-in")
        return
    expect_status(response, 200)
    soup = page(response)
    assert [h.get_text(strip=True) for h in soup.select("h1")] == ["Notifications"]
    assert soup.select_one("#no-notifications") is not None
    assert "Notifications" in nav_texts(response)


def test_an_officer_sees_their_request_and_the_count_in_the_header(client, login_as, full_review):
    data = full_review()
    review = data["review"]
    move_to(data, "factual_accuracy")
    login_as(user=data["officer"])
    response = client.get("/notifications")
    assert "Notifications (2)" in nav_texts(response)
    items = page(response).select("#notifications li")
    assert len(items) == 2
    links = {
        a.get_text(strip=True): a["href"] for a in page(response).select("#notifications li a")
    }
    assert (
        links[f"Your statement has been requested ({review.reference})"]
        == f"/reviews/{review.id}/statement"
    )
    [fa_link] = [
        href for text, href in links.items() if text.startswith("Factual accuracy check open until")
    ]
    assert fa_link == f"/reviews/{review.id}/findings"
    # the links open pages the officer may see
    for href in links.values():
        assert client.get(href).status_code == 200
    # the count shows on other pages too
    assert "Notifications (2)" in nav_texts(client.get("/"))


def test_notifications_are_visible_only_to_their_recipient(client, login_as, full_review):
    data = full_review()
    login_as(user=data["manager"])
    response = client.get("/notifications")
    texts = [li.get_text(" ", strip=True) for li in page(response).select("#notifications li")]
    assert len(texts) == 1  # the manager's own request only, never the officer's
    other = db.session.scalar(
        select(Notification).where(Notification.user_id == data["officer"].id)
    )
    response = post(client, f"/notifications/{other.id}/read", {}, form_url="/notifications")
    expect_status(response, 404)
    db.session.refresh(other)
    assert other.read_at is None


def test_marking_one_as_read(client, login_as, full_review):
    data = full_review()
    login_as(user=data["officer"])
    item = db.session.scalar(select(Notification).where(Notification.user_id == data["officer"].id))
    response = post(client, f"/notifications/{item.id}/read", {}, form_url="/notifications")
    assert response.status_code == 302
    response = client.get(response.headers["Location"])
    assert "Notification marked as read." in text_of(response)
    assert "Notifications" in nav_texts(response)
    assert (
        page(response).select_one(f"#notification-{item.id} .govuk-tag").get_text(strip=True)
        == "Read"
    )
    assert page(response).select_one(f"#notification-{item.id} form") is None
    # marking again changes nothing and is not an error
    first = db.session.get(Notification, item.id).read_at
    post(
        client,
        f"/notifications/{item.id}/read",
        {},
        form_url="/account/password",
    )
    assert db.session.get(Notification, item.id).read_at == first


def test_marking_all_as_read(client, login_as, full_review):
    data = full_review()
    move_to(data, "factual_accuracy")
    login_as(user=data["officer"])
    assert notification_service.unread_count(data["officer"]) == 2
    response = post(client, "/notifications/read-all", {}, form_url="/notifications")
    assert response.status_code == 302
    assert notification_service.unread_count(data["officer"]) == 0
    assert notification_service.unread_count(data["manager"]) == 2


@pytest.mark.csrf
@pytest.mark.parametrize("path", ["/notifications/{id}/read", "/notifications/read-all"])
def test_marking_needs_the_csrf_token(client, login_as, full_review, path):
    data = full_review()
    login_as(user=data["officer"])
    item = db.session.scalar(select(Notification).where(Notification.user_id == data["officer"].id))
    response = client.post(path.format(id=item.id))
    assert response.status_code in (302, 400)
    assert notification_service.unread_count(data["officer"]) == 1


@pytest.mark.parametrize("bad", ["999999", "abc", "-1", "1.5"])
def test_unknown_or_malformed_ids_are_not_found(client, login_as, bad):
    login_as("officer")
    response = post(client, f"/notifications/{bad}/read", {}, form_url="/notifications")
    assert response.status_code in (404, 405)


@pytest.mark.parametrize("method", ["get"])
def test_mark_read_is_post_only(client, login_as, method):
    login_as("officer")
    assert client.get("/notifications/1/read").status_code == 405
    assert client.get("/notifications/read-all").status_code == 405


def test_anonymous_cannot_mark(client, full_review):
    data = full_review()
    item = db.session.scalar(select(Notification).where(Notification.user_id == data["officer"].id))
    response = client.post(f"/notifications/{item.id}/read")
    assert response.status_code in (302, 400)
    assert notification_service.unread_count(data["officer"]) == 1
