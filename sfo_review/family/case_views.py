"""The Criminal case page: the outcome of the criminal case and its date (api-v1.1 C)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from sfo_review import permissions as perm
from sfo_review.auth.session import actor, login_required_for
from sfo_review.family.blueprint import family_bp
from sfo_review.family.forms import DATED_OUTCOMES, CaseOutcomeForm, date_field_name
from sfo_review.forms_support import submit_form
from sfo_review.loaders import get_review_or_404
from sfo_review.models import Review
from sfo_review.services import criminal_case
from sfo_review.services import reviews as review_service
from sfo_review.services.errors import ValidationFailed


def _filled(review: Review) -> CaseOutcomeForm:
    if request.method != "GET":  # what was posted only: nothing chosen is not 'awaiting'
        return CaseOutcomeForm()
    form = CaseOutcomeForm(obj=review)
    if review.case_outcome in DATED_OUTCOMES:
        form[date_field_name(review.case_outcome)].data = review.case_outcome_date
    return form


def _save(form: CaseOutcomeForm, review: Review) -> Review:
    """The service's messages about the date go beside the chosen outcome's date boxes."""
    chosen = form.chosen_date_field()
    data: dict[str, Any] = {
        "version": form.version.data,
        "case_outcome": form.case_outcome.data or None,
        "case_outcome_date": form[chosen].data if chosen else None,
    }
    try:
        return criminal_case.record_case_outcome(actor(), review, data)
    except ValidationFailed as exc:
        fields = dict(exc.fields)
        if chosen and "case_outcome_date" in fields:
            fields[chosen] = fields.pop("case_outcome_date")
        raise ValidationFailed(fields, exc.message) from exc


@family_bp.route("/reviews/<int:review_id>/criminal-case", methods=["GET", "POST"])
@login_required_for()
def criminal_case_page(review_id: int) -> str | Response:
    review = get_review_or_404(review_id, actor(), perm.can_record_case_outcome)
    form = _filled(review)
    if form.is_submitted():
        form.validate()  # CSRF and the version too: any error left stops the save
        if form.drop_unchosen_date_errors() and submit_form(form, lambda: _save(form, review)):
            flash(f"Criminal case saved: {criminal_case.describe(review)}.")
            return redirect(url_for("reviews.overview", review_id=review.id))
    elif request.method == "GET":
        review_service.record_view(actor(), review, "criminal case")
    return render_template(
        "family/criminal_case.html",
        review=review,
        form=form,
        criminal_case=criminal_case,
        dated_fields=[date_field_name(o) for o in DATED_OUTCOMES],
    )
