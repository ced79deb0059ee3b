"""The Summary for the family page (api-v1.1 C): the text written for the victim's family,
a draft composed from the record, and the check (jargon, staff names, figures, reading age).

Never officers: every route answers them 404 (loaders.get_family_review_or_404). The
reviewer writes while the review is editable; quality assurance and leadership read.
Without JavaScript the check runs on saving (the page shows the saved text's check); with
it, static/js/family-summary-check.js asks the live check as the reviewer types.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from sfo_review import permissions as perm
from sfo_review.auth.session import actor, login_required_for
from sfo_review.family.blueprint import family_bp
from sfo_review.family.forms import DraftForm, FamilySummaryForm
from sfo_review.forms_support import stale_comparison, submit_edit, submit_form
from sfo_review.loaders import get_family_review_or_404
from sfo_review.models import Review
from sfo_review.services import family_summary
from sfo_review.services import reviews as review_service
from sfo_review.services.validation import LONG_MAX

BASE = "/reviews/<int:review_id>/family-summary"


def _page(review: Review, form: FamilySummaryForm, **context: Any) -> str:
    text = form.family_summary.data if form.family_summary.data is not None else None
    return render_template(
        "family/summary.html",
        review=review,
        form=form,
        draft_form=DraftForm(),
        check=family_summary.check(review, text),
        may_write=perm.can_write_family_summary(actor(), review),
        stale=stale_comparison(form, review),
        **context,
    )


@family_bp.route(BASE, methods=["GET", "POST"])
@login_required_for()
def family_summary_page(review_id: int) -> str | Response:
    action = perm.can_write_family_summary if request.method == "POST" else perm.can_see_family
    review = get_family_review_or_404(review_id, actor(), action)
    form = FamilySummaryForm(obj=review)
    if form.validate_on_submit():
        saved = submit_edit(
            form, lambda data: review_service.update_review(actor(), review, data), review
        )
        if saved is not None:
            flash("The summary for the family has been saved. Its check is below.")
            return redirect(url_for("family.family_summary_page", review_id=review.id))
    elif request.method == "GET":
        review_service.record_view(actor(), review, "summary for the family")
    return _page(review, form)


@family_bp.route(BASE + "/draft", methods=["POST"])
@login_required_for()
def family_summary_draft(review_id: int) -> str | Response:
    """Start from a draft. Text already written is never replaced without a yes."""
    review = get_family_review_or_404(review_id, actor(), perm.can_write_family_summary)
    form = DraftForm()
    written = bool((review.family_summary or "").strip())
    if written and request.form.get("confirm") != "yes":
        return render_template("family/summary_draft_confirm.html", review=review, form=form)
    if form.validate_on_submit():
        text = family_summary.draft(review, current_app.config["FAMILY_CONTACT"])
        data = {"version": review.version, "family_summary": text}
        if submit_form(form, lambda: review_service.update_review(actor(), review, data)):
            flash("A draft has been written from the record. Read it aloud and change it.")
            return redirect(url_for("family.family_summary_page", review_id=review.id))
    return _page(review, FamilySummaryForm(obj=review), draft_errors=form.errors)


@family_bp.route(BASE + "/live-check", methods=["POST"])
@login_required_for()
def family_summary_live_check(review_id: int) -> Response:
    """The check of the text being typed (the page's script; CSRF as every POST)."""
    review = get_family_review_or_404(review_id, actor(), perm.can_write_family_summary)
    text = request.form.get("family_summary", "")[:LONG_MAX]
    return jsonify(family_summary.check(review, text))
