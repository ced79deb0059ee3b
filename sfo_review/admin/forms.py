"""Forms for managing user accounts."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovRadioInput,
    GovTextInput,
)
from wtforms import PasswordField, RadioField, StringField, SubmitField

from sfo_review.fields import SubmitButton
from sfo_review.forms_support import select_choices
from sfo_review.models import Role


class NewUserForm(FlaskForm):
    name = StringField("Full name", widget=GovTextInput())
    email = StringField(
        "Email address",
        description="They sign in with this address.",
        widget=GovTextInput(),
    )
    role = RadioField(
        "Role",
        choices=select_choices((r.value, r.label) for r in Role),
        widget=GovRadioInput(),
        validate_choice=False,
    )
    password = PasswordField(
        "Temporary password",
        description="At least 12 characters. Give it to them in person; they can change it "
        "from 'Your account'.",
        widget=GovPasswordInput(),
    )
    submit = SubmitField("Create account", widget=SubmitButton())


class AccountStatusForm(FlaskForm):
    submit = SubmitField("Save", widget=SubmitButton())
