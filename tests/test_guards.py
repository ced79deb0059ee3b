"""Guard tests: properties every route must have, checked by walking the URL map."""

from __future__ import annotations

import re

import pytest

from sfo_review import permissions as perm
from sfo_review.auth.session import login_required_for
from sfo_review.loaders import get_review_or_404, review_permission_checked
from tests.conftest import sign_in_through_session

# Routes that are public on purpose; everything else needs a signed-in user and a
# permission check (the API authenticates every request in its before_request hook).
# The set-password page is opened with a one-time link: the link is the key (it is tested
# for every role and signed out in tests/auth/test_set_password.py).
PUBLIC_ENDPOINTS = {
    "static",
    "healthz",
    "readyz",
    "accessibility",
    "auth.login",
    "auth.set_password",
    # Single sign-on's start and the provider's way back (tests/sso: bad input, every state).
    "auth.sso_start",
    "auth.sso_callback",
}
ROLES = ("reviewer", "officer", "quality_assurer", "leadership", "admin")
NO_SUCH_ID = 999_999


def _browser_rules(app):
    return [r for r in app.url_map.iter_rules() if not r.endpoint.startswith("api.")]


def _guarded_rules(app):
    return [r for r in _browser_rules(app) if r.endpoint not in PUBLIC_ENDPOINTS]


def _about_a_review(rule) -> bool:
    return "review_id" in rule.arguments


def test_every_browser_route_is_permission_checked(app):
    unchecked = []
    for rule in _guarded_rules(app):
        view = app.view_functions[rule.endpoint]
        if not getattr(view, "permission_checked", False):
            unchecked.append(rule.endpoint)
    assert unchecked == [], f"routes without @login_required_for: {unchecked}"


def test_every_route_not_about_one_review_names_its_permission(app):
    """`@login_required_for(perm.can_…)`: a function of sfo_review/permissions.py, never a
    role's name and never nothing (a route about one review names its permission where it
    loads the review: see the next test)."""
    unnamed = []
    for rule in _guarded_rules(app):
        if _about_a_review(rule):
            continue
        named = getattr(app.view_functions[rule.endpoint], "permissions", ())
        if not named or not all(perm.is_named_permission(getattr(perm, n, None)) for n in named):
            unnamed.append(rule.endpoint)
    assert unnamed == [], f"routes naming no permission of sfo_review.permissions: {unnamed}"


def _permissions_used(client, people, rule, method: str) -> set[str]:
    """The permissions a route loads its review under, asked as each of `people` for a
    review that does not exist (nothing is shown or changed): the loader comes first."""
    used: set[str] = set()

    def record(_sender, permission):
        used.add(permission.__name__)

    url = re.sub(r"<int:[^>]+>", str(NO_SUCH_ID), rule.rule)
    with review_permission_checked.connected_to(record):
        for user in people:
            sign_in_through_session(client, user)
            response = client.open(url, method=method)
            assert response.status_code in (403, 404), f"{method} {url} as {user.role}: a review?"
            if used:
                break
    return used


def test_every_route_about_a_review_loads_it_under_a_named_permission(app, client, make_user):
    """A route with a review id reaches review content: it must load the review through
    loaders.get_review_or_404 with a permission function of sfo_review/permissions.py, for
    every method it answers (a route reading the row itself would fail here)."""
    people = [make_user(role) for role in ROLES]
    unnamed, checked = [], 0
    for rule in _guarded_rules(app):
        if not _about_a_review(rule):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            used = _permissions_used(client, people, rule, method)
            if not used or not all(perm.is_named_permission(getattr(perm, n)) for n in used):
                unnamed.append(f"{method} {rule.rule}")
            checked += 1
    assert unnamed == [], f"routes loading a review under no named permission: {unnamed}"
    assert checked >= 60


def test_the_guard_fails_for_a_route_that_reads_the_review_itself(app, client, make_user):
    """The test above can fail: a view that loads the review without the loader is caught."""
    from flask import abort

    from sfo_review.extensions import db
    from sfo_review.models import Review

    def leaky(review_id: int) -> str:
        review = db.session.get(Review, review_id) or abort(404)
        return review.case_reference

    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == "reviews.overview")
    real = app.view_functions["reviews.overview"]
    app.view_functions["reviews.overview"] = login_required_for()(leaky)
    try:
        assert _permissions_used(client, [make_user("reviewer")], rule, "GET") == set()
    finally:
        app.view_functions["reviews.overview"] = real


def test_decorators_and_the_loader_take_only_named_permissions():
    with pytest.raises(TypeError):
        login_required_for("admin")
    with pytest.raises(TypeError):
        login_required_for(lambda user: True)
    with pytest.raises(TypeError):
        get_review_or_404(1, None, lambda user, review: True)
    assert perm.is_named_permission(perm.can_manage_users)
    assert not perm.is_named_permission(perm.is_reviewer_of)  # a helper, not a permission


def test_paths_are_kebab_case_with_typed_ids(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        static_parts = re.sub(r"<[^>]+>", "", rule.rule)
        assert static_parts == static_parts.lower(), rule.rule
        assert "_" not in static_parts, f"{rule.rule} is not kebab-case"
        for arg in re.findall(r"<([^>]+)>", rule.rule):
            if ":" not in arg and arg.endswith("_id"):
                pytest.fail(f"{rule.rule}: id '{arg}' needs a typed converter like <int:{arg}>")


def test_endpoint_names_are_snake_case(app):
    for rule in app.url_map.iter_rules():
        assert re.fullmatch(r"[a-z_]+(\.[a-z_]+)?", rule.endpoint), rule.endpoint


def test_anonymous_users_are_sent_to_sign_in(app, client):
    for rule in _browser_rules(app):
        if rule.endpoint in PUBLIC_ENDPOINTS or "GET" not in rule.methods:
            continue
        url = re.sub(r"<int:[^>]+>", "1", rule.rule)
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/sign-in" in response.headers["Location"], url


def test_api_requires_a_token_everywhere(app, client):
    from sfo_review.api.blueprint import PUBLIC_ENDPOINTS

    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api.") or rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        url = re.sub(r"<int:[^>]+>", "1", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            assert response.status_code == 401, f"{method} {url}"
            assert response.get_json()["error"]["code"] == "unauthenticated"


@pytest.mark.csrf
def test_every_post_form_carries_csrf(app, client, login_as, full_review):
    """Walk every GET page as the reviewer and check each POST form has a CSRF token."""
    from bs4 import BeautifulSoup

    data = full_review()
    login_as(user=data["reviewer"])
    ids = {
        "review_id": data["review"].id,
        "entry_id": data["entry"].id,
        "context_id": data["context"].id,
        "factor_id": data["factor"].id,
        "finding_id": data["finding"].id,
        "participant_id": data["participant"].id,
    }
    checked = 0
    for rule in _browser_rules(app):
        skipped = ("static", "reports.report", "healthz", "readyz")
        if "GET" not in rule.methods or rule.endpoint in skipped:
            continue
        args = re.findall(r"<int:([^>]+)>", rule.rule)
        if any(a not in ids for a in args):
            continue
        url = rule.rule
        for arg in args:
            url = url.replace(f"<int:{arg}>", str(ids[arg]))
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue  # downloads (the chronology CSV) are not pages
        soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        assert len(soup.select("h1")) == 1, f"{url} must have exactly one <h1>"
        for form in soup.select("form"):
            if (form.get("method") or "get").lower() == "post":
                assert form.select_one("input[name=csrf_token]"), f"POST form without CSRF on {url}"
        checked += 1
    assert checked >= 5


def test_security_headers(client):
    response = client.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert f'nonce="{nonce}"' in response.get_data(as_text=True)


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers
    secure = client.get("/sign-in", base_url="https://localhost")
    assert "max-age=" in secure.headers["Strict-Transport-Security"]
