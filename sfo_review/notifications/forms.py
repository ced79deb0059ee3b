"""Forms for notifications: typing only."""

from __future__ import annotations

from flask_wtf import FlaskForm


class MarkReadForm(FlaskForm):
    """A button only: the notification is named by the URL."""
