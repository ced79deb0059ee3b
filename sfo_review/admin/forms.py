"""Forms for managing user accounts."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovTextInput
from wtforms import RadioField, StringField, SubmitField

from sfo_review.fields import SubmitButton
from sfo_review.forms_support import select_choices
from sfo_review.models import Role

REGION_HINT = (
    "Leadership accounts only. The probation region whose deadline extension requests they "
    "are told about, written as reviews record it (for example, London). Leave it empty to "
    "tell them about every region."
)


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
    region = StringField(
        "Region (optional)",
        description=REGION_HINT,
        widget=GovTextInput(),
    )
    submit = SubmitField("Create account", widget=SubmitButton())


class PasswordLinkForm(FlaskForm):
    """A button only: the account is named by the URL."""

    send_link = SubmitField("Email a new set-password link", widget=SubmitButton())


class AccountStatusForm(FlaskForm):
    submit = SubmitField("Save", widget=SubmitButton())


class RegionForm(FlaskForm):
    region = StringField(
        "Region",
        description="The probation region whose deadline extension requests they are told "
        "about, written as reviews record it (for example, London). Leave it empty to tell "
        "them about every region. When no leadership account has a review's region, every "
        "leadership account is told.",
        widget=GovTextInput(),
    )
    save_region = SubmitField("Save the region", widget=SubmitButton())


class RoleForm(FlaskForm):
    """The role of an account single sign-on made (it has none until an admin gives one)."""

    role = RadioField(
        "Role",
        choices=select_choices((r.value, r.label) for r in Role),
        widget=GovRadioInput(),
        validate_choice=False,
    )
    give_role = SubmitField("Give this role", widget=SubmitButton())
