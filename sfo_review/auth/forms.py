"""Sign-in and password forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from sfo_review.fields import SubmitButton


class LoginForm(FlaskForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired("Enter your email address"), Length(max=254)],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your password"), Length(max=200)],
    )
    submit = SubmitField("Sign in", widget=SubmitButton())


RULES_HINT = (
    "At least 12 characters, and not a common password or your email address. Three or "
    "four random words make a good one."
)


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your current password"), Length(max=200)],
    )
    new_password = PasswordField(
        "New password",
        description=RULES_HINT + " Changing it signs you out everywhere else.",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter a new password"), Length(max=200)],
    )
    submit = SubmitField("Change password", widget=SubmitButton())


class RevokeTokenForm(FlaskForm):
    """A button only: the token is named by the URL."""


class SetPasswordForm(FlaskForm):
    """The page a one-time link opens (services/password_links.py)."""

    new_password = PasswordField(
        "Create a password",
        description=RULES_HINT,
        widget=GovPasswordInput(),
        validators=[
            InputRequired("Enter a password"),
            Length(max=200, message="Password must be 200 characters or fewer"),
        ],
    )
    submit = SubmitField("Set your password", widget=SubmitButton())
