"""The reviewer answers a participant's reply to a finding (api-v1.1 A, "Replies get an
answer"): one question page per reply."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from sfo_review import permissions as perm
from sfo_review.auth.session import actor, login_required_for
from sfo_review.findings.blueprint import findings_bp
from sfo_review.findings.reply_forms import OUTCOME_HINTS, AnswerReplyForm
from sfo_review.forms_support import form_data, submit_form
from sfo_review.loaders import get_child_or_404, get_review_or_404
from sfo_review.models import Finding
from sfo_review.services import reply_outcomes
from sfo_review.services import reviews as review_service


@findings_bp.route(
    "/reviews/<int:review_id>/findings/<int:finding_id>/responses/<int:response_id>/outcome",
    methods=["GET", "POST"],
)
@login_required_for()
def answer_reply(review_id: int, finding_id: int, response_id: int) -> str | Response:
    review = get_review_or_404(review_id, actor(), perm.can_edit_review)
    item = get_child_or_404(review, Finding, finding_id)
    reply = reply_outcomes.response_of(item, response_id)
    form = AnswerReplyForm()
    if form.validate_on_submit():
        answered = submit_form(
            form,
            lambda: reply_outcomes.answer_reply(actor(), review, item, reply, form_data(form)),
        )
        if answered is not None:
            flash(f"Your answer to {reply.author.name}’s reply has been saved.")
            return redirect(
                url_for("findings.finding", review_id=review.id, finding_id=item.id)
                + f"#reply-{reply.id}"
            )
    elif request.method == "GET":
        review_service.record_view(actor(), review, f"reply to finding “{item.title}”")
    return render_template(
        "findings/answer_reply.html",
        review=review,
        finding=item,
        reply=reply,
        form=form,
        hints=OUTCOME_HINTS,
    )
