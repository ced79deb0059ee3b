"""Admins manage accounts; nobody else can, and admins never see review content."""

from __future__ import annotations

import pytest

from sfo_review.services import users as user_service
from tests.helpers import error_summary, page, post_form

ROLES = ["reviewer", "officer", "quality_assurer", "leadership"]


def test_admin_lists_and_creates_users(client, login_as):
    login_as("admin")
    soup = page(client.get("/admin/users"))
    assert soup.select_one("h1").get_text(strip=True) == "Users"
    response = post_form(
        client,
        "/admin/users/new",
        {"name": "Nia Officer", "email": "nia@example.gov.uk", "role": "officer"},
    )
    assert response.status_code == 302
    assert "Nia Officer" in page(client.get("/admin/users")).get_text()
    assert user_service.user_by_email("nia@example.gov.uk") is not None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {
                "name": "",
                "email": "a@example.gov.uk",
                "role": "officer",
            },
            "Enter the full name",
        ),
        (
            {
                "name": "   ",
                "email": "a@example.gov.uk",
                "role": "officer",
            },
            "Enter the full name",
        ),
        (
            {
                "name": "x" * 201,
                "email": "a@example.gov.uk",
                "role": "officer",
            },
            "200 characters or fewer",
        ),
        (
            {
                "name": "A",
                "email": "not-an-email",
                "role": "officer",
            },
            "correct format",
        ),
        (
            {
                "name": "A",
                "email": "a@example.gov.uk",
                "role": "emperor",
            },
            "Select the role",
        ),
    ],
)
def test_new_user_bad_input(client, login_as, data, message):
    login_as("admin")
    response = post_form(client, "/admin/users/new", data)
    assert response.status_code == 200
    assert any(message in e for e in error_summary(response)), error_summary(response)
    assert user_service.user_by_email("a@example.gov.uk") is None


def test_hostile_names_are_shown_escaped(client, login_as):
    login_as("admin")
    post_form(
        client,
        "/admin/users/new",
        {
            "name": "<script>alert(1)</script>",
            "email": "h@example.gov.uk",
            "role": "officer",
        },
    )
    html = client.get("/admin/users").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_deactivate_and_reactivate(client, login_as, make_user):
    login_as("admin")
    officer = make_user("officer")
    response = post_form(client, f"/admin/users/{officer.id}", {"active": "no"})
    assert response.status_code == 302
    assert not officer.active
    post_form(client, f"/admin/users/{officer.id}", {"active": "yes"})
    assert officer.active


def test_admin_cannot_deactivate_themselves(client, login_as):
    admin = login_as("admin")
    response = post_form(client, f"/admin/users/{admin.id}", {"active": "no"})
    assert response.status_code == 200
    assert "cannot deactivate your own account" in " ".join(error_summary(response))
    assert admin.active


def test_unknown_user_is_404(client, login_as):
    login_as("admin")
    assert client.get("/admin/users/99999").status_code == 404


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", ["/admin/users", "/admin/users/new", "/admin/users/1"])
def test_other_roles_cannot_manage_users(client, login_as, role, path):
    login_as(role)
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", ["/admin/users", "/admin/users/new", "/admin/users/1"])
def test_anonymous_is_sent_to_sign_in(client, db, path):
    response = client.get(path)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_admin_never_sees_review_content(client, login_as, full_review):
    data = full_review()
    login_as("admin")
    assert client.get(f"/reviews/{data['review'].id}").status_code == 404
