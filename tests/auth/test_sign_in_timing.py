"""Sign-in does the same work whether or not an email has an account (issue 12, item 5):
the time a refusal takes must not tell an attacker which emails exist."""

from __future__ import annotations

from collections import Counter

import pytest
from argon2 import PasswordHasher

from sfo_review.services import users as user_service
from tests.conftest import PASSWORD


@pytest.fixture
def argon2_calls(monkeypatch):
    """Every Argon2 hash and verify the app makes, counted by name."""
    calls: Counter[str] = Counter()
    real_hash, real_verify = PasswordHasher.hash, PasswordHasher.verify

    def counted_hash(self, *args, **kwargs):
        calls["hash"] += 1
        return real_hash(self, *args, **kwargs)

    def counted_verify(self, *args, **kwargs):
        calls["verify"] += 1
        return real_verify(self, *args, **kwargs)

    monkeypatch.setattr(PasswordHasher, "hash", counted_hash)
    monkeypatch.setattr(PasswordHasher, "verify", counted_verify)
    return calls


def _work(calls: Counter[str], email: str, password: str) -> Counter[str]:
    user_service.authenticate(email, password)  # warm: the dummy hash is made once
    calls.clear()
    user_service.authenticate(email, password)
    return Counter(calls)


def test_an_unknown_email_costs_exactly_what_a_known_one_costs(argon2_calls, make_user):
    user = make_user("leadership")
    known_wrong = _work(argon2_calls, user.email, "not-the-password-1")
    known_right = _work(argon2_calls, user.email, PASSWORD)
    unknown = _work(argon2_calls, "nobody@example.gov.uk", "not-the-password-1")
    empty = _work(argon2_calls, "", "not-the-password-1")
    assert known_wrong == known_right == unknown == empty == Counter(verify=1)


def test_a_deactivated_account_and_one_without_a_password_cost_the_same(
    argon2_calls, make_user, db
):
    admin = make_user("admin")
    gone = make_user("officer")
    user_service.set_active(admin, gone, False)
    assert _work(argon2_calls, gone.email, PASSWORD) == Counter(verify=1)
    assert user_service.authenticate(gone.email, PASSWORD) is None
    waiting = make_user("officer")
    waiting.password_hash = user_service.NO_PASSWORD
    db.session.commit()
    assert _work(argon2_calls, waiting.email, "anything-at-all-1") == Counter(verify=1)
    assert user_service.authenticate(waiting.email, user_service.NO_PASSWORD) is None


def test_the_dummy_hash_is_made_once_with_the_apps_parameters(argon2_calls, app, db):
    user_service.authenticate("nobody@example.gov.uk", "x")
    argon2_calls.clear()
    for _ in range(3):
        user_service.authenticate("nobody@example.gov.uk", "x")
    assert argon2_calls["hash"] == 0
    dummy = user_service.dummy_hash()
    assert f"m={app.config['ARGON2_MEMORY_COST']},t={app.config['ARGON2_TIME_COST']}" in dummy
