"""Forms for managing user accounts."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovTextInput
from wtforms import RadioField, StringField, SubmitField

from sfo_review.area_fields import RegionSelect
from sfo_review.fields import SubmitButton
from sfo_review.forms_support import select_choices
from sfo_review.models import Role

REGION_HINT = (
    "Leadership accounts only. The probation region whose deadline extension requests they "
    "are told about. Choose “Every region” to tell them about every region."
)
EVERY_REGION = "Every region"


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
    region = RegionSelect("Region (optional)", EVERY_REGION, description=REGION_HINT)
    submit = SubmitField("Create account", widget=SubmitButton())


class PasswordLinkForm(FlaskForm):
    """A button only: the account is named by the URL."""

    send_link = SubmitField("Email a new set-password link", widget=SubmitButton())


class AccountStatusForm(FlaskForm):
    submit = SubmitField("Save", widget=SubmitButton())


class RegionForm(FlaskForm):
    region = RegionSelect(
        "Region",
        EVERY_REGION,
        description="The probation region whose deadline extension requests they are told "
        "about, or every region. When no leadership account has a review's region, every "
        "leadership account is told.",
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
