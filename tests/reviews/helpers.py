"""Helpers for the review and evidence page tests."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.helpers_forms import page, post

# Pages that anyone can open, to read a CSRF token from when the form page itself is closed
# to the visitor (the POST must still be refused by the route, not by CSRF).
TOKEN_PAGE = {"signed_in": "/account/password", "anonymous": "/sign-in"}

# What the notification form posts for a valid review (dates as three boxes).
REVIEW_FORM: dict[str, Any] = {
    "case_reference": "x654321",
    "person_initials": "ab",
    "offence_charged": "Manslaughter",
    "offence_category": "manslaughter",
    "charge_date": ["26", "6", "2023"],
    "notification_date": ["28", "6", "2023"],
    "region": "Greater Manchester",
    "pdu": "Manchester North",
    "sentence_type": "licence",
    "rosh_level": "high",
}


def post_as(client: FlaskClient, role: str, url: str, data: dict[str, Any]) -> TestResponse:
    """POST with a valid CSRF token taken from a page this visitor can open."""
    key = "anonymous" if role == "anonymous" else "signed_in"
    return post(client, url, data, form_url=TOKEN_PAGE[key])


def error_for(response: TestResponse, field_id: str) -> str:
    """The error message shown next to a field (its form group), or ''."""
    soup = page(response)
    target = soup.find(id=field_id) or soup.find(id=f"{field_id}-day")
    assert target is not None, f"no field {field_id}"
    group = target.find_parent(class_="govuk-form-group")
    message = group.select_one(".govuk-error-message") if group else None
    return " ".join(message.get_text(" ").split()) if message else ""


def hidden_version(response: TestResponse) -> int:
    field = page(response).select_one("input[name=version]")
    assert field is not None
    return int(str(field["value"]))
