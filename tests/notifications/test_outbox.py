"""The outbox: `flask send-outbox` sends pending emails over SMTP when SMTP_HOST is set (a
fake SMTP server records them here), only logs them when it is not, and records failures."""

from __future__ import annotations

import logging
import smtplib

import pytest
from sqlalchemy import select

from sfo_review.extensions import db
from sfo_review.models import OutboxEmail
from sfo_review.services import notifications as notification_service
from tests.helpers_forms import move_to

SECRET = "Zanzibar-Quokka-7731"


class FakeSMTP:
    """Records what would have gone over the wire (mocking at the edge only)."""

    instances: list[FakeSMTP] = []
    fail_for: set[str] = set()
    refuse_connection = False

    def __init__(self, host, port, timeout=None):
        if FakeSMTP.refuse_connection:
            raise ConnectionRefusedError("connection refused")
        self.host, self.port = host, port
        self.sent = []
        self.started_tls = False
        self.login_as = None
        FakeSMTP.instances.append(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        self.started_tls = True

    def login(self, user, password):
        self.login_as = (user, password)

    def send_message(self, message):
        if message["To"] in FakeSMTP.fail_for:
            raise smtplib.SMTPRecipientsRefused({message["To"]: (550, b"no such user")})
        self.sent.append(message)


@pytest.fixture
def smtp(app, monkeypatch):
    FakeSMTP.instances = []
    FakeSMTP.fail_for = set()
    FakeSMTP.refuse_connection = False
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    settings = {
        "SMTP_HOST": "smtp.example.gov.uk",
        "SMTP_PORT": 2525,
        "SMTP_USERNAME": "sfo",
        "SMTP_PASSWORD": "pw",
        "SMTP_FROM": "sfo-review@example.gov.uk",
        "SMTP_STARTTLS": True,
    }
    old = {k: app.config.get(k) for k in settings}
    app.config.update(settings)
    yield FakeSMTP
    app.config.update(old)


def pending():
    return list(db.session.scalars(select(OutboxEmail).where(OutboxEmail.sent_at.is_(None))))


def test_pending_emails_are_sent_over_smtp(full_review, smtp):
    data = full_review()
    move_to(data, "factual_accuracy")
    assert len(pending()) == 4
    sent, left = notification_service.send_outbox()
    assert (sent, left) == (4, 0)
    [server] = smtp.instances
    assert (server.host, server.port) == ("smtp.example.gov.uk", 2525)
    assert server.started_tls and server.login_as == ("sfo", "pw")
    assert sorted(m["To"] for m in server.sent) == sorted(
        [data["officer"].email] * 2 + [data["manager"].email] * 2
    )
    for message in server.sent:
        assert message["From"] == "sfo-review@example.gov.uk"
        assert message["Subject"] == "You have a new notification in SFO Review"
        body = message.get_content()
        assert "/notifications" in body
        assert data["review"].reference not in body
    emails = list(db.session.scalars(select(OutboxEmail)))
    assert all(e.sent_at is not None and e.attempts == 1 and e.last_error is None for e in emails)
    # nothing is sent twice
    assert notification_service.send_outbox() == (0, 0)
    assert len(smtp.instances[-1].sent) == 0


def test_no_email_carries_review_content(full_review, smtp):
    data = full_review()
    review = data["review"]
    from sfo_review.services import findings

    findings.update_finding(
        data["reviewer"],
        review,
        data["finding"],
        {"version": data["finding"].version, "narrative": f"{SECRET} narrative"},
    )
    move_to(data, "approved")
    notification_service.send_outbox()
    messages = [m for server in smtp.instances for m in server.sent]
    assert len(messages) >= 6
    for message in messages:
        whole = message.as_string()
        for leak in (SECRET, review.reference, review.case_reference, "Risk not reassessed"):
            assert leak not in whole


def test_a_refused_recipient_is_recorded_and_retried_later(full_review, smtp):
    data = full_review()
    smtp.fail_for = {data["officer"].email}
    sent, left = notification_service.send_outbox()
    assert (sent, left) == (1, 1)
    [failed] = pending()
    assert failed.to == data["officer"].email
    assert failed.attempts == 1 and "no such user" in failed.last_error
    smtp.fail_for = set()
    assert notification_service.send_outbox() == (1, 0)


def test_an_unreachable_server_leaves_everything_pending(full_review, smtp):
    full_review()
    smtp.refuse_connection = True
    assert notification_service.send_outbox() == (0, 2)
    assert all(e.attempts == 1 and "refused" in e.last_error for e in pending())


def test_emails_are_given_up_after_five_attempts(full_review, smtp):
    data = full_review()
    smtp.fail_for = {data["officer"].email, data["manager"].email}
    for _ in range(5):
        notification_service.send_outbox()
    assert notification_service.send_outbox() == (0, 0)
    assert all(e.attempts == 5 for e in pending())


def test_without_smtp_host_emails_are_only_logged(app, full_review, monkeypatch, caplog):
    assert not app.config.get("SMTP_HOST")

    def no_network(*args, **kwargs):
        raise AssertionError("SMTP must not be used without SMTP_HOST")

    monkeypatch.setattr(smtplib, "SMTP", no_network)
    data = full_review()
    with caplog.at_level(logging.INFO, logger="sfo_review.services.notifications"):
        assert notification_service.send_outbox() == (2, 0)
    assert data["officer"].email in caplog.text
    assert "SMTP_HOST is not set" in caplog.text
    assert pending() == []
    assert notification_service.send_outbox() == (0, 0)


def test_the_cli_command_sends_the_outbox(app, full_review, smtp):
    full_review()
    result = app.test_cli_runner().invoke(args=["send-outbox"])
    assert result.exit_code == 0, result.output
    assert "Sent 2 emails; 0 still pending." in result.output
    assert len(smtp.instances[0].sent) == 2


def test_web_requests_never_send_email(client, login_as, full_review, monkeypatch, app):
    def no_network(*args, **kwargs):
        raise AssertionError("a web request must not wait on SMTP")

    monkeypatch.setattr(smtplib, "SMTP", no_network)
    app.config["SMTP_HOST"] = "smtp.example.gov.uk"
    try:
        data = full_review()
        login_as(user=data["officer"])
        assert client.get("/notifications").status_code == 200
    finally:
        app.config["SMTP_HOST"] = None
    assert len(pending()) == 2
