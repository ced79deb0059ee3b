"""Flask CLI: `users create`, `users token`, `seed-demo`, `send-outbox` (and `db`)."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from sfo_review.cli.outbox import send_outbox
from sfo_review.models import Role
from sfo_review.services import users as user_service
from sfo_review.services.errors import ServiceError

users_cli = AppGroup("users", help="Manage user accounts and API tokens.")


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Full name, as shown on reviews.")
@click.option("--role", required=True, help="One of: " + ", ".join(r.value for r in Role))
def create_user(email: str, name: str, role: str) -> None:
    """Create a user; the password is read from standard input (one line)."""
    password = sys.stdin.readline().rstrip("\r\n")
    try:
        user = user_service.create_user(
            None, {"email": email, "name": name, "role": role, "password": password}
        )
    except ServiceError as exc:
        problems = "; ".join(m for msgs in exc.fields.values() for m in msgs) or exc.message
        raise click.ClickException(problems) from exc
    click.echo(f"Created {user.role} {user.email}")


@users_cli.command("token")
@click.argument("email")
def token(email: str) -> None:
    """Print a new API token for EMAIL (only the token, on one line)."""
    user = user_service.user_by_email(email)
    if user is None or not user.active:
        raise click.ClickException(f"No active user with email {email}")
    click.echo(user_service.issue_token(user))


@click.command("seed-demo")
def seed_demo() -> None:
    """Idempotent demo data: one user of each role and two reviews."""
    from sfo_review.cli.seed import DEMO_PASSWORD, seed

    accounts = seed()
    click.echo("Demo accounts (password for all: " + DEMO_PASSWORD + "):")
    for role, email in accounts:
        click.echo(f"  {role:<16} {email}")


def register_cli(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(seed_demo)
    app.cli.add_command(send_outbox)
