"""A participant officer's own working conditions as recorded, and their account of them
(api-v1.1 §A). Another person's caseload context never reaches this page: the contexts come
from `visibility.caseload_contexts`, which shows an officer only their own."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from sfo_review import permissions as perm
from sfo_review import visibility
from sfo_review.auth.session import actor, login_required_for
from sfo_review.evidence.blueprint import evidence_bp
from sfo_review.evidence.forms import CaseloadAccountForm
from sfo_review.forms_support import submit_form
from sfo_review.loaders import get_child_or_404, get_review_or_404
from sfo_review.models import CaseloadContext, Review, User
from sfo_review.services import caseload_accounts as account_service
from sfo_review.services import reviews as review_service
from sfo_review.services.errors import NotFound

PAGE = "/reviews/<int:review_id>/your-working-conditions"


def _own_contexts(user: User, review: Review) -> list[CaseloadContext]:
    return [
        c
        for c in visibility.caseload_contexts(user, review).items
        if c.participant.user_id == user.id
    ]


def _page(
    user: User, review: Review, failed: CaseloadAccountForm | None = None, failed_id: int = 0
) -> str:
    contexts = _own_contexts(user, review)
    forms = {
        c.id: failed if c.id == failed_id and failed else CaseloadAccountForm(c.id)
        for c in contexts
    }
    return render_template(
        "evidence/your_working_conditions.html",
        review=review,
        contexts=contexts,
        forms=forms,
        form=failed,  # the error summary (base.html) reads the form that failed, if any
        labels=account_service.FIELD_LABELS,
        disputed=account_service.disputed_by,
        caseload_max=current_app.config["CASELOAD_REFERENCE_MAX"],
        workload_max=current_app.config["WORKLOAD_REFERENCE_PERCENT"],
    )


@evidence_bp.route(PAGE)
@login_required_for()
def your_working_conditions(review_id: int) -> str:
    user = actor()
    review = get_review_or_404(review_id, user, perm.can_see_own_working_conditions)
    review_service.record_view(user, review, "working conditions recorded about them")
    return _page(user, review)


@evidence_bp.route(PAGE + "/<int:context_id>/accounts", methods=["POST"])
@login_required_for()
def add_caseload_account(review_id: int, context_id: int) -> str | Response:
    user = actor()
    review = get_review_or_404(review_id, user, perm.can_see_own_working_conditions)
    context = get_child_or_404(review, CaseloadContext, context_id)
    if context not in _own_contexts(user, review):
        raise NotFound("CaseloadContext not found.")
    form = CaseloadAccountForm(context.id)
    if form.validate_on_submit():
        data = {"body": form.body.data or None, "disputed_fields": form.disputed_fields.data or []}
        if submit_form(form, lambda: account_service.add_account(user, review, context, data)):
            flash(
                "Your account has been added. The reviewer has been told, and it is printed "
                "beside the figures in the full report."
            )
            target = url_for("evidence.your_working_conditions", review_id=review.id)
            return redirect(f"{target}#context-{context.id}")
    return _page(user, review, form, context.id)
