"""Findings pages: the list with its balance summary, one finding with its replies, the editor."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from sfo_review import just_culture as jc
from sfo_review import lifecycle, visibility
from sfo_review import permissions as perm
from sfo_review.auth.session import actor, login_required_for
from sfo_review.findings.balance import balance, saved_message
from sfo_review.findings.blueprint import findings_bp
from sfo_review.findings.forms import ConfirmForm, EditFindingForm, FindingForm, ResponseForm
from sfo_review.findings.individual_side import individual_side
from sfo_review.forms_support import form_data, stale_comparison, submit_edit, submit_form
from sfo_review.loaders import ReviewAction, get_child_or_404, get_review_or_404
from sfo_review.models import Finding, Review
from sfo_review.services import findings as finding_service
from sfo_review.services import reviews as review_service
from sfo_review.services import statement_access
from sfo_review.services.errors import Forbidden

NOT_SHARED_YET = (
    "The findings are shared with the people involved in the case at the factual accuracy "
    "check, once the reviewer has written them. You can read and reply to them then."
)


def _review_with_findings(review_id: int, action: ReviewAction = perm.can_see_review) -> Review:
    """The review, if the signed-in user may read its findings (officers: not while drafted)."""
    user = actor()
    review = get_review_or_404(review_id, user, action)
    if not perm.can_see_findings(user, review):
        raise Forbidden(NOT_SHARED_YET)
    return review


@findings_bp.route("/reviews/<int:review_id>/findings")
@login_required_for()
def findings(review_id: int) -> str:
    review = _review_with_findings(review_id)
    review_service.record_view(actor(), review, "findings")
    individual = [f for f in review.findings if lifecycle.is_individual_shortfall(f)]
    unbalanced = [f for f in individual if not lifecycle.finding_is_balanced(f)]
    # Replies to a finding pointing to another process are never shown, nor counted.
    elsewhere = {f.id for f in review.findings if jc.points_elsewhere(f)}
    return render_template(
        "findings/findings.html",
        review=review,
        individual=individual,
        unbalanced=unbalanced,
        elsewhere=elsewhere,
    )


def _finding_page(review: Review, finding: Finding, form: ResponseForm) -> str:
    user = actor()
    can_reply = perm.can_respond_now(user, review) and not jc.points_elsewhere(finding)
    return render_template(
        "findings/finding.html",
        review=review,
        finding=finding,
        form=form,
        can_reply=can_reply,
        balanced=lifecycle.finding_is_balanced(finding),
        caseloads=visibility.caseload_contexts(user, review, finding.caseload_contexts),
        side=individual_side(user, review, finding),
    )


@findings_bp.route("/reviews/<int:review_id>/findings/<int:finding_id>")
@login_required_for()
def finding(review_id: int, finding_id: int) -> str:
    review = _review_with_findings(review_id)
    item = get_child_or_404(review, Finding, finding_id)
    review_service.record_view(actor(), review, f"finding “{item.title}”")
    # the statements' words shown under the finding are a read of each (their access log)
    statement_access.record(actor(), visibility.finding_statements(actor(), item))
    return _finding_page(review, item, ResponseForm())


@findings_bp.route("/reviews/<int:review_id>/findings/<int:finding_id>/responses", methods=["POST"])
@login_required_for()
def respond(review_id: int, finding_id: int) -> str | Response:
    review = _review_with_findings(review_id, perm.can_respond_to_findings)
    item = get_child_or_404(review, Finding, finding_id)
    form = ResponseForm()
    if form.validate_on_submit():
        data = form_data(form, skip=("confirmed", "change"))
        if form.change.data:  # back from the check page: the words in the box again
            return _finding_page(review, item, form)
        if form.confirmed.data != "yes":
            # First the reply is read back (a reply cannot be changed once added).
            body = submit_form(
                form, lambda: finding_service.check_response(actor(), review, item, data)
            )
            if body is not None:
                return render_template(
                    "findings/check_reply.html", review=review, finding=item, form=form, body=body
                )
            return _finding_page(review, item, form)
        saved = submit_form(form, lambda: finding_service.add_response(actor(), review, item, data))
        if saved is not None:
            flash("Your reply has been added under the finding.")
            return redirect(
                url_for("findings.finding", review_id=review.id, finding_id=finding_id) + "#replies"
            )
    return _finding_page(review, item, form)


def _editor(review: Review, form: FindingForm, item: Finding | None) -> str:
    stale = stale_comparison(form, item, _link_ids(item)) if item is not None else None
    return render_template(
        "findings/edit_finding.html",
        review=review,
        form=form,
        finding=item,
        stale=stale,
        balance=balance(actor(), review, form, item),
    )


def _flash_saved(text: str, finding: Finding) -> None:
    flash(text)
    message = saved_message(finding)
    if message:
        flash(message, "warning")


@findings_bp.route("/reviews/<int:review_id>/findings/new", methods=["GET", "POST"])
@login_required_for()
def new_finding(review_id: int) -> str | Response:
    review = get_review_or_404(review_id, actor(), perm.can_edit_review)
    form = FindingForm()
    if form.validate_on_submit():
        created = submit_form(
            form, lambda: finding_service.add_finding(actor(), review, form_data(form))
        )
        if created is not None:
            _flash_saved(f"Finding “{created.title}” added.", created)
            return redirect(url_for("findings.finding", review_id=review.id, finding_id=created.id))
    elif request.method == "GET":
        review_service.record_view(actor(), review, "new finding form")
    form.fill_choices(review)
    return _editor(review, form, None)


def _link_ids(item: Finding) -> dict[str, Any]:
    return {
        "chronology_ids": [e.id for e in item.chronology_entries],
        "systemic_factor_ids": [f.id for f in item.systemic_factors],
        "caseload_context_ids": [c.id for c in item.caseload_contexts],
        "subject_participant_ids": [p.id for p in item.subjects],
        "statement_ids": [s.id for s in item.statements],
    }


@findings_bp.route(
    "/reviews/<int:review_id>/findings/<int:finding_id>/edit", methods=["GET", "POST"]
)
@login_required_for()
def edit_finding(review_id: int, finding_id: int) -> str | Response:
    review = get_review_or_404(review_id, actor(), perm.can_edit_review)
    item = get_child_or_404(review, Finding, finding_id)
    # On POST only what was sent counts: a missing version must not be filled from the row.
    form = (
        EditFindingForm(obj=item, **_link_ids(item))
        if request.method == "GET"
        else EditFindingForm()
    )
    if form.validate_on_submit():
        saved = submit_edit(
            form,
            lambda data: finding_service.update_finding(actor(), review, item, data),
            item,
            lambda: _link_ids(item),
        )
        if saved is not None:
            _flash_saved(f"Finding “{saved.title}” saved.", saved)
            return redirect(url_for("findings.finding", review_id=review.id, finding_id=item.id))
    elif request.method == "GET":
        review_service.record_view(actor(), review, f"finding “{item.title}” for editing")
    form.fill_choices(review)
    return _editor(review, form, item)


@findings_bp.route(
    "/reviews/<int:review_id>/findings/<int:finding_id>/delete", methods=["GET", "POST"]
)
@login_required_for()
def delete_finding(review_id: int, finding_id: int) -> str | Response:
    review = get_review_or_404(review_id, actor(), perm.can_edit_review)
    item = get_child_or_404(review, Finding, finding_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        title = item.title

        def delete() -> bool:
            finding_service.delete_finding(actor(), review, item)
            return True

        if submit_form(form, delete):
            flash(f"Finding “{title}” deleted.")
            return redirect(url_for("findings.findings", review_id=review.id))
    elif request.method == "GET":
        review_service.record_view(actor(), review, f"finding “{item.title}” before deleting")
    return render_template("findings/delete_finding.html", review=review, finding=item, form=form)
