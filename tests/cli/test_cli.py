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
    # Issue 17's demo data: approved and closed reviews with their action plans too.
    assert counts[1] == 5
    statuses = sorted(r.status for r in db.session.query(Review))
    assert statuses == ["approved", "approved", "closed", "factual_accuracy", "in_review"]


def test_seed_demo_shows_learning_that_sticks(app, db):
    """Every demo action has the 1.1 fields; an approved review has an action done and
    another verified; the closed review's are all verified; the later review of the same PDU
    recorded its lessons not learned at approval, once however often the seed runs."""
    from sfo_review import lifecycle
    from sfo_review.models import Action, ActionRecurrence, Review

    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
    actions = db.session.query(Action).all()
    assert actions
    for action in actions:
        assert action.owner_user is not None
        assert action.owner_user.email == "leadership@example.gov.uk"
        assert action.success_measure and action.review_date >= action.due_date
        assert action.systemic_factors
    by_review = {r.case_reference: r for r in db.session.query(Review)}
    earlier, closed, later = by_review["X123461"], by_review["X123462"], by_review["X123463"]
    assert sorted(a.status for a in earlier.actions) == ["done", "verified"]
    assert lifecycle.is_closed(closed)
    assert all(lifecycle.is_verified(a) for a in closed.actions)
    recurrences = db.session.query(ActionRecurrence).all()
    assert {r.action.review_id for r in recurrences} == {earlier.id, closed.id}
    assert {r.review_id for r in recurrences} == {later.id}
    assert len(recurrences) == len(earlier.actions) + len(closed.actions)
