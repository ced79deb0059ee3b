"""Forms for the list of regions and PDUs (typing only: services.regions has the rules)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from wtforms import HiddenField, SelectField, StringField, SubmitField

from sfo_review.area_fields import RegionSelect
from sfo_review.fields import SubmitButton


class NameForm(FlaskForm):
    """Add or rename a region or a PDU."""

    name = StringField("Name", widget=GovTextInput())
    submit = SubmitField("Save", widget=SubmitButton())


class RetireForm(FlaskForm):
    """Retire a PDU (not offered any more; the reviews in it keep it) or bring it back."""

    retired = HiddenField()
    submit = SubmitField("Retire this PDU", widget=SubmitButton())


class MapRegionForm(FlaskForm):
    """Map a region not on the list to a listed one."""

    value = HiddenField()
    region = RegionSelect("Region on the list", "Choose a region")
    submit = SubmitField("Map to this region", widget=SubmitButton())


class MapPduForm(FlaskForm):
    """Map a review PDU not on the list (within its region) to a listed PDU of the region."""

    region = HiddenField()
    value = HiddenField()
    pdu = SelectField("PDU on the list", widget=GovSelect(), validate_choice=False)
    submit = SubmitField("Map to this PDU", widget=SubmitButton())
