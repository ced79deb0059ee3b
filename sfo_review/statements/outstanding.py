"""Statements not yet in: the reviewer records why the review goes to factual accuracy
before every participant's statement is submitted or declined (api-v1.1 A)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from sfo_review import permissions as perm
from sfo_review.auth.session import actor, login_required_for
from sfo_review.forms_support import stale_comparison, submit_edit
from sfo_review.loaders import get_review_or_404
from sfo_review.services import reviews as review_service
from sfo_review.services import statements as statement_service
from sfo_review.statements.blueprint import statements_bp
from sfo_review.statements.forms import OutstandingReasonForm


@statements_bp.route(
    "/reviews/<int:review_id>/statements/outstanding-reason", methods=["GET", "POST"]
)
@login_required_for()
def outstanding_reason(review_id: int) -> str | Response:
    user = actor()
    review = get_review_or_404(review_id, user, perm.can_edit_review)
    form = OutstandingReasonForm(obj=review) if request.method == "GET" else OutstandingReasonForm()
    if form.validate_on_submit():
        saved = submit_edit(
            form,
            lambda data: review_service.record_statements_outstanding_reason(user, review, data),
            review,
        )
        if saved is not None:
            flash("The reason for going on without every statement has been saved.")
            return redirect(url_for("reviews.status", review_id=review.id))
    elif request.method == "GET":
        review_service.record_view(user, review, "the reason for statements not yet in")
    return render_template(
        "statements/outstanding_reason.html",
        review=review,
        form=form,
        stale=stale_comparison(form, review),
        waiting=statement_service.participants_waiting(review),
    )
