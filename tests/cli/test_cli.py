"""The command line of the contract: users create, users token, seed-demo, db upgrade."""

from __future__ import annotations

import pytest

from sfo_review.services import users as user_service


def test_users_create_reads_the_password_from_stdin(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "pat@example.gov.uk",
            "--name",
            "Pat Officer",
            "--role",
            "officer",
        ],
        input="a-long-enough-password\n",
    )
    assert result.exit_code == 0, result.output
    user = user_service.user_by_email("pat@example.gov.uk")
    assert user is not None and user.role == "officer" and user.name == "Pat Officer"
    assert user_service.authenticate("pat@example.gov.uk", "a-long-enough-password") == user
    assert "a-long-enough-password" not in user.password_hash


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ["x@example.gov.uk", "--name", "X", "--role", "wizard"],
            "a-long-enough-password\n",
            "Select the role",
        ),
        (
            ["not-an-email", "--name", "X", "--role", "officer"],
            "a-long-enough-password\n",
            "correct format",
        ),
        (["x@example.gov.uk", "--name", "X", "--role", "officer"], "short\n", "12 characters"),
        (["x@example.gov.uk", "--name", "X", "--role", "officer"], "", "Enter the password"),
        (
            ["x@example.gov.uk", "--name", "X", "--role", "officer", "--region", "London"],
            "a-long-enough-password\n",
            "Only leadership accounts have a region",
        ),
    ],
)
def test_users_create_rejects_bad_input_with_one_line(app, db, args, stdin, message):
    result = app.test_cli_runner().invoke(args=["users", "create", *args], input=stdin)
    assert result.exit_code != 0
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_users_create_gives_a_leadership_account_its_region(app, db):
    args = ["users", "create", "rd@example.gov.uk", "--name", "R D", "--role", "leadership"]
    result = app.test_cli_runner().invoke(
        args=[*args, "--region", "North West"], input="a-long-enough-password\n"
    )
    assert result.exit_code == 0, result.output
    user = user_service.user_by_email("rd@example.gov.uk")
    assert user is not None and user.region == "North West"


def test_users_create_rejects_a_duplicate_email(app, db, make_user):
    user = make_user("officer")
    result = app.test_cli_runner().invoke(
        args=["users", "create", user.email.upper(), "--name", "Dup", "--role", "officer"],
        input="a-long-enough-password\n",
    )
    assert result.exit_code != 0
    assert "already exists" in result.output


def test_users_token_prints_only_the_token_and_stores_its_hash(app, db, make_user):
    from sfo_review.models import ApiToken

    user = make_user("reviewer")
    result = app.test_cli_runner().invoke(args=["users", "token", user.email])
    assert result.exit_code == 0
    # Standard output is the token alone (TOKEN=$(flask users token ...) keeps working);
    # when it expires is said on standard error.
    token = result.stdout.strip()
    assert result.stdout == token + "\n" and " " not in token
    assert user_service.user_for_token(token) == user
    expires = stored_expiry(db)
    assert result.stderr.startswith(f"It expires at {expires:%Y-%m-%d %H:%M} UTC (90 days")
    stored = db.session.scalars(db.select(ApiToken)).all()
    assert [t.token_hash for t in stored] != [token]
    assert token not in {t.token_hash for t in stored}


def stored_expiry(db):
    from sfo_review.models import ApiToken

    return db.session.scalars(db.select(ApiToken.expires_at)).one()


def test_users_token_for_an_unknown_user_fails(app, db):
    result = app.test_cli_runner().invoke(args=["users", "token", "ghost@example.gov.uk"])
    assert result.exit_code != 0
    assert "No active user" in result.output


def test_seed_demo_is_idempotent_and_prints_the_accounts(app, db):
    from sfo_review.models import Review, User

    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    for role in ("reviewer", "officer", "quality_assurer", "leadership", "admin"):
        assert role in first.output
    counts = (db.session.query(User).count(), db.session.query(Review).count())
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0
    assert (db.session.query(User).count(), db.session.query(Review).count()) == counts
    assert counts[1] == 2
    statuses = sorted(r.status for r in db.session.query(Review))
    assert statuses == ["factual_accuracy", "in_review"]
