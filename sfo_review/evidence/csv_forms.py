"""Forms for importing the chronology from a CSV file: the upload and the confirmation.

Typing only: the file's content is checked by services.chronology_csv.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput
from wtforms import SubmitField
from wtforms.validators import ValidationError

from sfo_review.fields import SubmitButton


class ImportForm(FlaskForm):
    file = FileField(
        "Upload a CSV file",
        description="A CSV file saved as UTF-8 whose first row names the columns date, source, "
        "summary and significant. Dates like 2023-05-02 or 2/5/2023; significant as yes or "
        "no. Up to 2,000 entries and 1 MB.",
        widget=GovFileInput(),
    )
    submit = SubmitField("Check the file", widget=SubmitButton())

    def validate_file(self, field: FileField) -> None:
        upload = field.data
        if upload is None or not getattr(upload, "filename", ""):
            raise ValidationError("Select a CSV file to import")


class ConfirmImportForm(FlaskForm):
    submit = SubmitField("Import these entries", widget=SubmitButton())
