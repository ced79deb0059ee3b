"""A participant says they have nothing to add at factual accuracy (api-v1.1 A): a
confirmation page with one button, reached from their overview and the findings page."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from sfo_review import lifecycle
from sfo_review import permissions as perm
from sfo_review.auth.session import actor, login_required_for
from sfo_review.findings.blueprint import findings_bp
from sfo_review.findings.forms import NothingToAddForm
from sfo_review.forms_support import submit_form
from sfo_review.loaders import get_review_or_404
from sfo_review.services import factual_accuracy
from sfo_review.services import reviews as review_service


@findings_bp.route("/reviews/<int:review_id>/factual-accuracy/done", methods=["GET", "POST"])
@login_required_for()
def factual_accuracy_done(review_id: int) -> str | Response:
    user = actor()
    review = get_review_or_404(review_id, user, perm.can_say_factual_accuracy_done)
    form = NothingToAddForm()
    if form.validate_on_submit():
        if submit_form(form, lambda: factual_accuracy.mark_done(user, review)):
            flash("You have said you have nothing to add. The reviewer can see this.")
            return redirect(url_for("reviews.overview", review_id=review.id))
    elif request.method == "GET":
        review_service.record_view(user, review, "the factual accuracy check, to finish it")
    return render_template(
        "findings/factual_accuracy_done.html",
        review=review,
        form=form,
        state=factual_accuracy.own_state(user, review),
        at_factual_accuracy=lifecycle.accepts_responses(review),
    )
