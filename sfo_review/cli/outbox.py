"""`flask --app sfo_review send-outbox`: send pending notification emails (run from cron)."""

from __future__ import annotations

import click

from sfo_review.services import notifications


@click.command("send-outbox")
def send_outbox() -> None:
    """Send pending emails over SMTP (only logged when SMTP_HOST is not set)."""
    sent, pending = notifications.send_outbox()
    click.echo(f"Sent {sent} email{'s' if sent != 1 else ''}; {pending} still pending.")
