"""Staff support: a page for everyone signed in, a panel on every officer page, and the text
set by admins (a plain textarea, shown escaped with its line breaks)."""

from __future__ import annotations

from collections import Counter

import pytest

from sfo_review.extensions import db
from sfo_review.models import AuditEvent, Setting
from sfo_review.services import support as support_service
from sfo_review.services.errors import Conflict, Forbidden, ValidationFailed
from tests.helpers_forms import HOSTILE, errors, expect_status, move_to, page, post

ALL_ROLES = ("reviewer", "officer", "quality_assurer", "leadership", "admin")
NEW_TEXT = "Call the Employee Assistance Programme.\n\nTalk to your union rep."


@pytest.mark.parametrize("role", [*ALL_ROLES, "anonymous"])
def test_the_support_page_is_open_to_everyone_signed_in(client, login_as, role):
    if role != "anonymous":
        login_as(role)
    response = client.get("/support")
    if role == "anonymous":
        expect_status(response, "sign-in")
        return
    expect_status(response, 200)
    soup = page(response)
    assert [h.get_text(strip=True) for h in soup.select("h1")] == ["Support for you"]
    text = soup.select_one("#support-text").get_text()
    for signpost in (
        "Employee Assistance Programme",
        "trade union",
        "line manager",
        "Occupational health",
    ):
        assert signpost in text
    assert "app-preserve-lines" in soup.select_one("#support-text")["class"]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("admin", 200),
        ("reviewer", 403),
        ("officer", 403),
        ("quality_assurer", 403),
        ("leadership", 403),
        ("anonymous", "sign-in"),
    ],
)
def test_only_admins_edit_the_support_text(client, login_as, role, expected):
    if role != "anonymous":
        login_as(role)
    expect_status(client.get("/admin/support-text"), expected)
    token_page = "/sign-in" if role == "anonymous" else "/account/password"
    response = post(
        client, "/admin/support-text", {"value": NEW_TEXT, "version": 0}, form_url=token_page
    )
    if expected == 200:
        assert response.status_code == 302
        assert support_service.support_text() == NEW_TEXT
    else:
        expect_status(response, expected)
        assert support_service.support_setting() is None


def test_an_admin_changes_the_text_and_officers_see_it(client, login_as, full_review, make_user):
    admin = login_as("admin")
    form = page(client.get("/admin/support-text"))
    assert [h.get_text(strip=True) for h in form.select("h1")] == ["Support text"]
    assert (
        form.select_one("label[for=value]").get_text(strip=True) == "Support text shown to officers"
    )
    assert form.select_one("#value-hint") is not None
    assert "Employee Assistance Programme" in form.select_one("textarea[name=value]").get_text()
    assert form.select_one("input[name=version]")["value"] == "0"
    response = post(client, "/admin/support-text", {"value": NEW_TEXT, "version": 0})
    assert response.status_code == 302
    assert (
        "The support text has been saved."
        in page(client.get(response.headers["Location"])).get_text()
    )
    setting = db.session.get(Setting, "support_text")
    assert setting.version == 1 and setting.updated_by_id == admin.id
    assert (
        db.session.query(AuditEvent).filter_by(action="settings.support_text_updated").count() == 1
    )
    # edited again from the version shown
    response = post(client, "/admin/support-text", {"value": NEW_TEXT + " Again.", "version": 1})
    assert response.status_code == 302
    assert db.session.get(Setting, "support_text").version == 2


@pytest.mark.parametrize(
    ("value", "message"),
    [("", "Enter the support text"), ("  \n ", "Enter the support text"), ("x" * 20_001, "20,000")],
)
def test_bad_support_text_is_refused(client, login_as, value, message):
    login_as("admin")
    response = post(client, "/admin/support-text", {"value": value, "version": 0})
    assert response.status_code == 200
    assert any(message in e for e in errors(response)), errors(response)
    assert support_service.support_setting() is None


@pytest.mark.parametrize("version", ["", "abc", "1.5"])
def test_a_missing_or_malformed_version_is_refused(client, login_as, version):
    login_as("admin")
    response = post(client, "/admin/support-text", {"value": NEW_TEXT, "version": version})
    assert response.status_code == 200
    assert errors(response)
    assert support_service.support_setting() is None


def test_a_stale_save_never_overwrites(client, login_as, make_user):
    admin = login_as("admin")
    support_service.update_support_text(admin, {"value": "First admin's text", "version": 0})
    response = post(client, "/admin/support-text", {"value": "Second admin's text", "version": 0})
    assert response.status_code == 200
    assert any("changed by someone else" in e for e in errors(response))
    assert (
        page(response).select_one("textarea[name=value]").get_text().strip()
        == "Second admin's text"
    )
    assert support_service.support_text() == "First admin's text"


def test_hostile_text_is_shown_escaped_with_line_breaks(client, login_as, full_review):
    admin = login_as("admin")
    support_service.update_support_text(admin, {"value": HOSTILE + "\nSecond line", "version": 0})
    html = client.get("/support").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    assert (
        page(client.get("/support")).select_one("#support-text").get_text()
        == HOSTILE + "\nSecond line"
    )


def test_the_service_refuses_non_admins_and_wrong_types(make_user):
    with pytest.raises(Forbidden):
        support_service.update_support_text(make_user("reviewer"), {"value": "x", "version": 0})
    admin = make_user("admin")
    with pytest.raises(ValidationFailed):
        support_service.update_support_text(admin, {"value": 12, "version": 0})
    with pytest.raises(ValidationFailed):
        support_service.update_support_text(admin, {"value": "x", "version": "0"})
    with pytest.raises(Conflict):
        support_service.update_support_text(admin, {"value": "x", "version": 3})


# --- the panel on officer pages ----------------------------------------------------------


def officer_pages(data):
    rid = data["review"].id
    return ["/", f"/reviews/{rid}", f"/reviews/{rid}/statement", f"/reviews/{rid}/findings"]


def test_every_officer_page_has_the_support_panel(client, login_as, full_review):
    data = full_review()
    move_to(data, "factual_accuracy")
    admin_text = "Ring the EAP any time."
    from sfo_review.services import users

    support_service.update_support_text(
        users.create_user(
            None,
            {
                "email": "a@example.gov.uk",
                "name": "A",
                "role": "admin",
                "password": "correct-horse-battery",
            },
        ),
        {"value": admin_text, "version": 0},
    )
    login_as(user=data["officer"])
    extra = [
        "/support",
        "/notifications",
        f"/reviews/{data['review'].id}/findings/{data['finding'].id}",
    ]
    for path in officer_pages(data) + extra:
        soup = page(client.get(path))
        panel = soup.select_one("#support-panel")
        if path in ("/support", "/notifications"):
            assert len(soup.select("h1")) == 1
            continue
        assert panel is not None, path
        assert panel.select_one("h2").get_text(strip=True) == "Support for you"
        assert admin_text in panel.get_text()
        assert panel.select_one("a[href='/support']") is not None
        assert len(soup.select("h1")) == 1
        ids = Counter(tag["id"] for tag in soup.select("[id]"))
        assert [i for i, n in ids.items() if n > 1] == [], path


def test_other_roles_see_no_support_panel(client, login_as, full_review):
    data = full_review()
    login_as(user=data["reviewer"])
    for path in officer_pages(data):
        assert page(client.get(path)).select_one("#support-panel") is None
