"""The password rules (issue 12, item 9; ASVS 6.2): one check, on every path that sets one.

At least 12 characters, and not the email address, the current password, one character or a
few characters repeated, nor one of the 30,000 most common passwords (the list zxcvbn ships).
"""

from __future__ import annotations

import pytest

from sfo_review.services import users as user_service
from sfo_review.services.errors import ValidationFailed
from tests.conftest import PASSWORD
from tests.helpers import error_summary, post_form

COMMON = "Your password is too common"
EMAIL = "Your password must not be your email address"
REPEATED = "Your password must not be one character, or a few characters, repeated"
SAME = "Your new password must be different from your current one"


def problems(password: str, email: str = "pat.reviewer@example.gov.uk", current=None):
    try:
        user_service.check_password(password, email, current)
    except ValidationFailed as exc:
        return exc.fields["password"]
    return []


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "Password must be at least 12 characters"),
        ("qwerty123456", COMMON),
        ("QWERTY123456", COMMON),  # any case
        ("1qaz2wsx3edc", COMMON),
        ("password1234", COMMON),
        ("pat.reviewer@example.gov.uk", EMAIL),
        ("PAT.REVIEWER@EXAMPLE.GOV.UK", EMAIL),
        ("pat.reviewer", EMAIL),  # the part before the @ is as guessable
        ("aaaaaaaaaaaaaaaa", REPEATED),
        ("            ", REPEATED),
        ("abcabcabcabc", REPEATED),
        ("passwordpassword", REPEATED),
    ],
)
def test_a_weak_password_is_refused_with_a_message_naming_the_problem(app, password, message):
    with app.app_context():
        found = problems(password)
    assert found and found[0].startswith(message), found


@pytest.mark.parametrize(
    "password",
    [
        "correct-horse-battery",
        "Three random words 7",
        "tea-kettle-ladder-moon",
        "Zoë’s kitchen garden",
    ],
)
def test_a_good_password_passes(app, password):
    with app.app_context():
        assert problems(password) == []


def test_the_common_list_is_the_librarys_thirty_thousand(app):
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    assert len(user_service.common_passwords()) == len(FREQUENCY_LISTS["passwords"]) >= 30_000


# --- every path that sets a password ---------------------------------------------------------


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("qwerty123456", COMMON),
        ("{email}", EMAIL),
        (PASSWORD, SAME),
        ("zzzzzzzzzzzzzz", REPEATED),
    ],
)
def test_change_password_applies_the_rules(client, login_as, new, message):
    user = login_as("officer")
    response = post_form(
        client,
        "/account/password",
        {"current_password": PASSWORD, "new_password": new.format(email=user.email)},
    )
    assert response.status_code == 200
    assert any(e.startswith(message) for e in error_summary(response)), error_summary(response)
    assert user_service.authenticate(user.email, PASSWORD) == user


def test_the_cli_applies_the_rules(app, db):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "pat@example.gov.uk", "--name", "Pat", "--role", "officer"],
        input="qwerty123456\n",
    )
    assert result.exit_code != 0
    assert COMMON in result.output and len(result.output.strip().splitlines()) == 1
    assert user_service.user_by_email("pat@example.gov.uk") is None


def test_the_service_refuses_the_current_password(make_user):
    user = make_user("reviewer")
    with pytest.raises(ValidationFailed) as raised:
        user_service.change_password(user, user, PASSWORD)
    assert raised.value.fields["password"] == [SAME]


@pytest.mark.parametrize("role", ["admin", "reviewer", "officer", "quality_assurer", "leadership"])
def test_nobody_sets_another_persons_password(make_user, role):
    from sfo_review.services.errors import Forbidden

    someone, account = make_user(role), make_user("leadership")
    with pytest.raises(Forbidden):
        user_service.change_password(someone, account, "a-password-they-would-know")
    assert user_service.authenticate(account.email, PASSWORD) == account
