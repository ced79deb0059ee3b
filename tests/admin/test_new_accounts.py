"""Admins never know another person's password (issue 12, item 7): a new account's owner sets
theirs with a one-time link emailed to their own address, and giving someone the leadership
or quality assurer role is recorded and told to every leadership user."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select

from sfo_review.extensions import db
from sfo_review.models import AuditEvent, Notification, OutboxEmail, PasswordLink
from sfo_review.services import notifications as notification_service
from sfo_review.services import password_links
from sfo_review.services import users as user_service
from sfo_review.services.errors import ValidationFailed
from tests.helpers import error_summary, page, post_form

NEW = {"name": "Rhian Director", "email": "rhian@example.gov.uk", "role": "leadership"}
LINK = re.compile(r"http://localhost:5000/set-password/([A-Za-z0-9_-]{43})")


def emails_to(address: str) -> list[OutboxEmail]:
    return list(db.session.scalars(select(OutboxEmail).where(OutboxEmail.to == address)))


def link_token(address: str) -> str:
    """The token of the newest set-password link emailed to `address`."""
    bodies = [e.body for e in emails_to(address) if e.subject == password_links.SUBJECT]
    found = LINK.search(bodies[-1])
    assert found, bodies[-1]
    return found.group(1)


# --- the admin's form --------------------------------------------------------------------------


def test_the_new_account_form_has_no_password_and_a_posted_one_is_ignored(client, login_as):
    login_as("admin")
    form = page(client.get("/admin/users/new"))
    assert form.select("input[type=password]") == []
    assert "We email them a link to set their own" in form.select_one("#password-link-note").text
    response = post_form(client, "/admin/users/new", {**NEW, "password": "the-admins-own-choice-1"})
    assert response.status_code == 302
    user = user_service.user_by_email(NEW["email"])
    assert user is not None and response.headers["Location"] == f"/admin/users/{user.id}"
    assert user.password_hash == user_service.NO_PASSWORD
    assert user_service.authenticate(NEW["email"], "the-admins-own-choice-1") is None
    assert user_service.authenticate(NEW["email"], user_service.NO_PASSWORD) is None
    shown = page(client.get(f"/admin/users/{user.id}"))
    banner = shown.select_one(".govuk-notification-banner").get_text(" ", strip=True)
    assert f"We have emailed {NEW['email']} a link to set their password" in banner
    assert (
        shown.select_one("#password-state")
        .get_text(" ", strip=True)
        .startswith("Not set yet A link to set it was emailed")
    )
    assert LINK.search(shown.decode()) is None  # the admin never sees the link


def test_the_service_refuses_a_password_from_an_admin(make_user):
    with pytest.raises(ValidationFailed) as raised:
        password_links.invite(make_user("admin"), {**NEW, "password": "chosen-by-the-admin-1"})
    assert raised.value.fields == {"password": ["Unknown field: password"]}


def test_the_link_goes_to_the_accounts_own_address_only_and_is_stored_hashed(client, login_as):
    login_as("admin")
    post_form(client, "/admin/users/new", NEW)
    token = link_token(NEW["email"])
    (email,) = emails_to(NEW["email"])
    assert email.secret and email.subject == "Set your password for SFO Review"
    others = db.session.scalars(select(OutboxEmail).where(OutboxEmail.to != NEW["email"]))
    assert all(token not in e.body for e in others)
    (link,) = db.session.scalars(select(PasswordLink))
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert link.created_by_id is not None and link.used_at is None
    hours = (link.expires_at - link.created_at).total_seconds() / 3600
    assert hours == 72


def test_the_link_is_wiped_from_the_outbox_once_sent_and_still_works(client, login_as):
    login_as("admin")
    post_form(client, "/admin/users/new", NEW)
    token = link_token(NEW["email"])
    notification_service.send_outbox()  # no SMTP_HOST in tests: logged, marked sent
    (email,) = emails_to(NEW["email"])
    assert email.sent_at is not None and token not in email.body
    assert email.body == notification_service.WIPED
    assert client.get(f"/set-password/{token}").status_code == 200


# --- a new link from the account's page ---------------------------------------------------------


def test_an_admin_emails_a_new_link_that_ends_the_old_one(client, login_as, make_user):
    login_as("admin")
    officer = make_user("officer")
    assert user_service.authenticate(officer.email, "correct-horse-battery") == officer
    for _ in range(2):
        response = post_form(
            client,
            f"/admin/users/{officer.id}/password-link",
            {},
            form_url=f"/admin/users/{officer.id}",
        )
        assert response.status_code == 302
    shown = page(client.get(f"/admin/users/{officer.id}"))
    assert "Any earlier link no longer works" in shown.select_one(".govuk-notification-banner").text
    assert shown.select_one("#password-state").get_text(" ", strip=True).startswith("Set by them")
    tokens = [LINK.search(e.body).group(1) for e in emails_to(officer.email)]
    assert len(tokens) == 2
    assert client.get(f"/set-password/{tokens[0]}").status_code == 404
    assert client.get(f"/set-password/{tokens[1]}").status_code == 200
    # Their current password keeps working until they use the link.
    assert user_service.authenticate(officer.email, "correct-horse-battery") == officer


def test_a_deactivated_account_gets_no_link_and_its_link_stops(client, login_as, make_user):
    admin = login_as("admin")
    officer = make_user("officer")
    password_links.send_new(admin, officer)
    token = link_token(officer.email)
    user_service.set_active(admin, officer, False)
    assert client.get(f"/set-password/{token}").status_code == 404
    shown = page(client.get(f"/admin/users/{officer.id}"))
    assert shown.select_one("#password-link-form") is None
    response = post_form(
        client,
        f"/admin/users/{officer.id}/password-link",
        {},
        form_url=f"/admin/users/{officer.id}",
    )
    assert response.status_code == 200
    assert any("reactivate it" in e for e in error_summary(response))
    assert len(emails_to(officer.email)) == 1


ROLES = ["reviewer", "officer", "quality_assurer", "leadership"]


@pytest.mark.parametrize("role", ROLES)
def test_only_admins_send_links(client, login_as, make_user, role):
    officer = make_user("officer")
    login_as(role)
    url = f"/admin/users/{officer.id}/password-link"
    response = post_form(client, url, {}, form_url="/account/password")
    assert response.status_code == 403
    assert emails_to(officer.email) == []


def test_signed_out_sending_a_link_is_sent_to_sign_in(app, client, make_user):
    officer = make_user("officer")
    response = client.post(f"/admin/users/{officer.id}/password-link")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


@pytest.mark.csrf
def test_sending_a_link_needs_csrf_a_post_and_a_real_account(client, login_as):
    login_as("admin")
    assert client.post("/admin/users/1/password-link").status_code == 400
    assert client.get("/admin/users/1/password-link").status_code == 405
    assert (
        post_form(
            client, "/admin/users/99999/password-link", {}, form_url="/admin/users"
        ).status_code
        == 404
    )
    assert client.post("/admin/users/x/password-link").status_code == 404


def test_the_command_line_prints_a_link_for_when_email_is_not_set_up(app, db, make_user):
    officer = make_user("officer")
    result = app.test_cli_runner().invoke(args=["users", "password-link", officer.email])
    assert result.exit_code == 0, result.output
    assert LINK.fullmatch(result.stdout.strip())
    assert result.stdout.strip().endswith(link_token(officer.email))
    assert "works once" in result.stderr
    missing = app.test_cli_runner().invoke(args=["users", "password-link", "nobody@x.gov.uk"])
    assert missing.exit_code != 0 and "No active user" in missing.output


# --- watched roles -----------------------------------------------------------------------------


def forget_what_the_set_up_caused() -> None:
    """The fixtures' accounts are made like any other (some announced): start afresh."""
    for model in (Notification, OutboxEmail, AuditEvent):
        db.session.query(model).delete()
    db.session.commit()


@pytest.mark.parametrize("role", ["leadership", "quality_assurer"])
def test_granting_a_watched_role_is_audited_and_told_to_every_leadership_user(
    client, login_as, make_user, role
):
    leaders = [make_user("leadership"), make_user("leadership")]
    gone = make_user("leadership")
    admin = make_user("admin")
    user_service.set_active(admin, gone, False)
    forget_what_the_set_up_caused()
    login_as(user=admin)
    post_form(client, "/admin/users/new", {**NEW, "role": role})
    user = user_service.user_by_email(NEW["email"])
    granted = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.role_granted")
    ).all()
    assert [(e.user_id, e.detail) for e in granted] == [
        (admin.id, {"user_id": user.id, "role": role})
    ]
    told = db.session.scalars(select(Notification).order_by(Notification.user_id)).all()
    label = "Leadership" if role == "leadership" else "Quality assurer"
    assert [(n.user_id, n.message) for n in told] == [
        (leader.id, f"{admin.name} gave Rhian Director ({NEW['email']}) the {label} role")
        for leader in leaders
    ]
    # Their emails carry a link to the notifications only, like every notification email.
    for leader in leaders:
        (email,) = emails_to(leader.email)
        assert email.body == notification_service.EMAIL_BODY.format(
            url="http://localhost:5000/notifications"
        )
        assert not email.secret


def test_the_command_line_granting_leadership_is_told_too(app, db, make_user):
    leader = make_user("leadership")
    forget_what_the_set_up_caused()
    result = app.test_cli_runner().invoke(
        args=["users", "create", "new@example.gov.uk", "--name", "New", "--role", "leadership"],
        input="a-long-enough-password\n",
    )
    assert result.exit_code == 0, result.output
    (told,) = db.session.scalars(select(Notification)).all()
    assert told.user_id == leader.id
    assert told.message == "The command line gave New (new@example.gov.uk) the Leadership role"


@pytest.mark.parametrize("role", ["reviewer", "officer", "admin"])
def test_other_roles_are_not_announced(client, login_as, make_user, role):
    make_user("leadership")
    login_as("admin")
    forget_what_the_set_up_caused()
    post_form(client, "/admin/users/new", {**NEW, "role": role})
    assert db.session.scalars(select(Notification)).all() == []
    assert (
        db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.role_granted")).all()
        == []
    )
