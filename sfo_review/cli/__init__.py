"""Flask CLI: `users create`, `users token`, `users password-link`, `seed-demo`, `seed-bulk`,
`send-outbox`, `send-reminders`, `backup`, `restore` (and `db`)."""

from __future__ import annotations

import sys
import time

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from sfo_review.cli.backups import backup, restore
from sfo_review.cli.outbox import send_outbox
from sfo_review.cli.reminders import send_reminders
from sfo_review.extensions import db
from sfo_review.models import Review, Role
from sfo_review.services import api_tokens, password_links
from sfo_review.services import users as user_service
from sfo_review.services.errors import ServiceError

users_cli = AppGroup("users", help="Manage user accounts and API tokens.")


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Full name, as shown on reviews.")
@click.option("--role", required=True, help="One of: " + ", ".join(r.value for r in Role))
@click.option(
    "--region",
    default=None,
    help="Leadership only: the region whose extension requests they are told about "
    "(default: every region).",
)
def create_user(email: str, name: str, role: str, region: str | None) -> None:
    """Create a user; the password is read from standard input (one line)."""
    password = sys.stdin.readline().rstrip("\r\n")
    data = {"email": email, "name": name, "role": role, "password": password, "region": region}
    try:
        user = user_service.create_user(None, data)
    except ServiceError as exc:
        problems = "; ".join(m for msgs in exc.fields.values() for m in msgs) or exc.message
        raise click.ClickException(problems) from exc
    click.echo(f"Created {user.role} {user.email}")


@users_cli.command("token")
@click.argument("email")
def token(email: str) -> None:
    """Print a new API token for EMAIL: only the token, on one line of standard output
    (scripts read it there); when it expires goes to standard error."""
    user = user_service.user_by_email(email)
    if user is None or not user.active:
        raise click.ClickException(f"No active user with email {email}")
    issued = api_tokens.issue(user)
    click.echo(issued.token)
    days = current_app.config["API_TOKEN_DAYS"]
    click.echo(
        f"It expires at {issued.expires_at:%Y-%m-%d %H:%M} UTC ({days} days from now). "
        f"{user.name} can see and revoke it on 'Your account'.",
        err=True,
    )


@users_cli.command("password-link")
@click.argument("email")
def password_link(email: str) -> None:
    """Email EMAIL's owner a new one-time link to set their password, and print it (for
    when email is not set up yet: pass it on to them alone). Any earlier link stops working.
    """
    user = user_service.user_by_email(email)
    if user is None or not user.active:
        raise click.ClickException(f"No active user with email {email}")
    sent = password_links.send_new(None, user)
    click.echo(sent.url)
    click.echo(
        f"It works once, until {sent.expires_at:%Y-%m-%d %H:%M} UTC, for {user.email} only; "
        "it has been emailed to them too.",
        err=True,
    )


@click.command("seed-demo")
def seed_demo() -> None:
    """Idempotent demo data: one user of each role and two reviews."""
    from sfo_review.cli.seed import DEMO_PASSWORD, seed

    accounts = seed()
    click.echo("Demo accounts (password for all: " + DEMO_PASSWORD + "):")
    for role, email in accounts:
        click.echo(f"  {role:<16} {email}")


@click.command("seed-bulk")
@click.option(
    "--reviews",
    type=click.IntRange(1, 50_000),
    default=None,
    help="How many synthetic reviews to add (1 to 50,000).",
)
@click.option(
    "--long-chronology",
    type=click.IntRange(20, 20_000),
    default=None,
    help="Also add one review in review with this many chronology entries (20 to 20,000).",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed.")
@with_appcontext
def seed_bulk(reviews: int | None, long_chronology: int | None, seed: int) -> None:
    """Add N realistic synthetic reviews, with everything on them, for scale and benchmarks."""
    from sfo_review.cli.bulk import seed_bulk as add
    from sfo_review.cli.seed import DEMO_PASSWORD
    from sfo_review.clock import today

    if not reviews and not long_chronology:
        raise click.UsageError("Give --reviews N, --long-chronology N or both.")
    started = time.perf_counter()
    counts = add(
        reviews or 0,
        seed,
        today(),
        current_app.config["REVIEW_DEADLINE_WORKING_DAYS"],
        user_service.hash_password(DEMO_PASSWORD),
        long_chronology or 0,
    )
    elapsed = time.perf_counter() - started
    long_review = counts.pop("long_chronology_review", None)
    click.echo(
        f"Added {counts['reviews']:,} reviews ({sum(counts.values()):,} rows) "
        f"in {elapsed:.1f} s (seed {seed})."
    )
    if long_review is not None:
        reference = db.session.get(Review, long_review)
        click.echo(
            f"Long chronology: review {reference.reference if reference else long_review} "
            f"(id {long_review}), {long_chronology:,} entries: "
            f"/reviews/{long_review}/chronology"
        )
    click.echo(
        "Synthetic accounts: bulk-leadership-1@example.gov.uk, bulk-reviewer-1@…, "
        f"bulk-quality-assurer-1@…, bulk-officer-1@… (password: {DEMO_PASSWORD})."
    )


def register_cli(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(seed_demo)
    app.cli.add_command(seed_bulk)
    app.cli.add_command(backup)
    app.cli.add_command(restore)
    app.cli.add_command(send_outbox)
    app.cli.add_command(routes_doc)
    app.cli.add_command(send_reminders)


@click.command("routes-doc")
@with_appcontext
def routes_doc() -> None:
    """Print docs/routes.md: every route, from the URL map (make routes-doc writes it)."""
    from sfo_review.cli.routes_page import routes_markdown

    click.echo(routes_markdown(current_app), nl=False)
