"""The Criminal case page: the outcome of the criminal case and its date (api-v1.1 C)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from sfo_review import permissions as perm
from sfo_review.auth.session import actor, login_required_for
from sfo_review.family.blueprint import family_bp
from sfo_review.family.forms import CaseOutcomeForm
from sfo_review.forms_support import form_data, submit_form
from sfo_review.loaders import get_review_or_404
from sfo_review.services import criminal_case
from sfo_review.services import reviews as review_service


@family_bp.route("/reviews/<int:review_id>/criminal-case", methods=["GET", "POST"])
@login_required_for()
def criminal_case_page(review_id: int) -> str | Response:
    review = get_review_or_404(review_id, actor(), perm.can_record_case_outcome)
    # What was posted only: nothing chosen is an error, not the review's 'awaiting'.
    form = CaseOutcomeForm() if request.method == "POST" else CaseOutcomeForm(obj=review)
    if form.validate_on_submit():
        saved = submit_form(
            form, lambda: criminal_case.record_case_outcome(actor(), review, form_data(form))
        )
        if saved is not None:
            flash(f"Criminal case saved: {criminal_case.describe(review)}.")
            return redirect(url_for("reviews.overview", review_id=review.id))
    elif request.method == "GET":
        review_service.record_view(actor(), review, "criminal case")
    return render_template(
        "family/criminal_case.html", review=review, form=form, criminal_case=criminal_case
    )
