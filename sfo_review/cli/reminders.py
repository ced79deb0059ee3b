"""`flask --app sfo_review send-reminders`: remind the owners of actions (run daily from cron)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from sfo_review.services import action_reminders


@click.command("send-reminders")
@with_appcontext
def send_reminders() -> None:
    """Tell action owners their action is due in 10 working days, or overdue: once each,
    in the app and by email (the emails go with send-outbox). Safe to run again."""
    sent = action_reminders.send_reminders()
    click.echo(
        f"Sent {sent.total} reminder{'s' if sent.total != 1 else ''} "
        f"({sent.due_soon} due soon, {sent.overdue} overdue)."
    )
