"""The support text form: typing only."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextArea
from wtforms import SubmitField, TextAreaField

from sfo_review.fields import SubmitButton
from sfo_review.forms_support import version_field


class SupportTextForm(FlaskForm):
    value = TextAreaField(
        "Support text shown to officers",
        description="Shown on the support page and in the support panel on every officer "
        "page. Leave a blank line between paragraphs. Do not include personal details.",
        widget=GovTextArea(),
    )
    version = version_field()
    submit = SubmitField("Save support text", widget=SubmitButton())
