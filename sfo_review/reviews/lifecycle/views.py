"""The review's lifecycle pages: where it is and what is next, countersigning, the history."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response

from sfo_review import audit_words as history_words
from sfo_review import lifecycle, vocab
from sfo_review import permissions as perm
from sfo_review.auth.session import actor, login_required_for
from sfo_review.extensions import db
from sfo_review.forms_support import submit
from sfo_review.loaders import get_review_or_404
from sfo_review.models import AuditEvent, Review, User
from sfo_review.reviews.blueprint import reviews_bp
from sfo_review.reviews.lifecycle import glance
from sfo_review.reviews.lifecycle.forms import (
    ApprovalForm,
    TransitionForm,
    rating_name,
    rationale_name,
)
from sfo_review.services import ratings as rating_service
from sfo_review.services import reviews as review_service
from sfo_review.services import transitions as transition_service
from sfo_review.services.deadlines import london_datetime
from sfo_review.services.errors import ValidationFailed
from sfo_review.services.reports import work as report_work

HISTORY_PAGE_SIZE = 100
HISTORY_MAX_PAGE = 10_000
BUTTONS = {
    lifecycle.FACTUAL_ACCURACY: "Send for factual accuracy check",
    lifecycle.QUALITY_ASSURANCE: "Send for quality assurance",
    lifecycle.CLOSED: "Close the review",
}


reviews_bp.add_app_template_filter(london_datetime, "london_datetime")


def _status_label(status: str) -> str:
    return vocab.label(vocab.STATUSES, status)


def _url_or_none(endpoint: str, **values: Any) -> str | None:
    """A link to where something is fixed, or None while that page does not exist."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def _unmet(review: Review, to: str) -> list[dict[str, Any]]:
    return _links(review, lifecycle.unmet_rules(review, to))


def _links(review: Review, rules: list[lifecycle.UnmetRule]) -> list[dict[str, Any]]:
    return [
        {
            "message": rule.message,
            "href": _url_or_none(rule.endpoint, review_id=review.id, **dict(rule.params)),
        }
        for rule in rules
    ]


def _plan_ahead(user: User, review: Review, steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The action balance rule is checked at approval (api-v1.1 B); the review team sees each
    factor it still leaves unaddressed before then, while the plan is being proposed (not
    where the approval step already lists it)."""
    if lifecycle.is_finished(review) or not perm.can_export(user, review):
        return []
    if any(step["to"] == lifecycle.APPROVED for step in steps):
        return []
    return _links(review, lifecycle.action_plan_unmet(review))


def _next_steps(user: User, review: Review) -> list[dict[str, Any]]:
    """Each transition this user may ask for now, with every rule not yet met."""
    return [
        {
            "to": to,
            "label": _status_label(to),
            "button": BUTTONS.get(to),
            "unmet": _unmet(review, to),
            "at_countersign": to in lifecycle.COUNTERSIGN_STEPS,
        }
        for to in lifecycle.next_statuses(review.status)
        if perm.can_transition(user, review, to)
    ]


def _move(user: User, review: Review, form: Any, data: dict[str, Any]) -> bool:
    """The transition as the browser asks for it (a form error if refused): approval leaves
    the approved PDFs to the worker, whose jobs start once the approval has committed."""
    if not submit(form, lambda: _transition(user, review, data)):
        return False
    if data["to"] == lifecycle.APPROVED:
        report_work.start_snapshot_jobs(review)
    return True


def _form_field(name: str) -> str:
    """A service problem's field as the Countersign page names it: `ratings.learning.rationale`
    is `rationale_learning`; `ratings.learning` and `ratings.learning.rating` are the radios."""
    parts = name.split(".")
    if parts[0] != "ratings" or len(parts) < 2 or parts[1] not in rating_service.STANDARDS:
        return name
    if len(parts) == 3 and parts[2] == "rationale":
        return rationale_name(parts[1])
    return rating_name(parts[1])


def _transition(user: User, review: Review, data: dict[str, Any]) -> Review:
    try:
        return transition_service.transition(user, review, data, True)
    except ValidationFailed as exc:
        fields: dict[str, list[str]] = {}
        for name, messages in exc.fields.items():
            fields.setdefault(_form_field(name), []).extend(messages)
        raise ValidationFailed(fields, exc.message) from exc


def _after_move(user: User, review: Review) -> Response:
    if perm.can_see_review(user, review):
        return redirect(url_for("reviews.status", review_id=review.id))
    return redirect(url_for("reviews.index"))


@reviews_bp.route("/reviews/<int:review_id>/status", methods=["GET", "POST"])
@login_required_for()
def status(review_id: int) -> str | Response:
    user = actor()
    review = get_review_or_404(review_id, user, perm.can_see_review)
    form = TransitionForm()
    if form.validate_on_submit():
        data = {"to": form.to.data or None}
        if _move(user, review, form, data):
            flash(f"The review is now at {_status_label(review.status).lower()}.")
            return _after_move(user, review)
    elif request.method == "GET":
        review_service.record_view(user, review, "status")
    steps = _next_steps(user, review)
    return render_template(
        "reviews/lifecycle/status.html",
        review=review,
        form=form,
        stages=lifecycle.STAGES,
        steps=steps,
        plan_ahead=_plan_ahead(user, review, steps),
    )


def _countersign_data(form: ApprovalForm) -> dict[str, Any]:
    to = form.to.data or None
    if to == lifecycle.IN_REVIEW:
        return {"to": to, "reason": form.reason.data or None}
    if to == lifecycle.APPROVED:
        return {"to": to, "ratings": form.ratings_data()}
    return {"to": to}


@reviews_bp.route("/reviews/<int:review_id>/countersign", methods=["GET", "POST"])
@login_required_for()
def countersign(review_id: int) -> str | Response:
    user = actor()
    review = get_review_or_404(review_id, user, perm.can_countersign)
    form = ApprovalForm()
    if form.validate_on_submit():
        data = _countersign_data(form)
        if _move(user, review, form, data):
            if data["to"] == lifecycle.APPROVED:
                flash(
                    "You have approved the review. Its approved PDFs are being stored: the "
                    "Reports page shows them, with their SHA-256, when they are ready."
                )
            else:
                flash("The review has been returned to the reviewer with your reason.")
            return _after_move(user, review)
    elif request.method == "GET":
        review_service.record_view(user, review, "countersigning page")
    individual = [f for f in review.findings if lifecycle.is_individual_shortfall(f)]
    at_qa = lifecycle.at_quality_assurance(review)
    return render_template(
        "reviews/lifecycle/countersign.html",
        review=review,
        form=form,
        at_qa=at_qa,
        individual=individual,
        unbalanced=[f for f in individual if not lifecycle.finding_is_balanced(f)],
        unmet=_unmet(review, lifecycle.APPROVED) if at_qa else [],
        can_approve=perm.can_transition(user, review, lifecycle.APPROVED),
        draft_pdf=_url_or_none("reports.report", review_id=review.id, variant="full"),
        people=glance.people(review),
        plan=glance.plan(review),
    )


@reviews_bp.route("/reviews/<int:review_id>/history")
@login_required_for()
def history(review_id: int) -> str:
    user = actor()
    review = get_review_or_404(review_id, user, perm.can_view_history)
    review_service.record_view(user, review, "history")
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), HISTORY_MAX_PAGE)
    people = db.session.execute(
        select(User.id, User.name)
        .where(User.id.in_(select(AuditEvent.user_id).where(AuditEvent.review_id == review.id)))
        .order_by(User.name, User.id)
    ).all()
    errors: dict[str, str] = {}
    kind = request.args.get("kind", "all") or "all"
    if kind not in history_words.KIND_KEYS:
        errors["kind"] = "Choose what to show: everything, changes only, or views and exports"
        kind = "all"
    person_arg = request.args.get("person", "") or ""
    person: int | None = None
    if person_arg:
        known = {str(pid): pid for pid, _ in people}
        if person_arg in known:
            person = known[person_arg]
        else:
            errors["person"] = "Choose a person from the list"
    query = select(AuditEvent).where(AuditEvent.review_id == review.id)
    if kind == "changes":
        query = query.where(AuditEvent.action.not_in(history_words.READS))
    elif kind == "reads":
        query = query.where(AuditEvent.action.in_(history_words.READS))
    if person is not None:
        query = query.where(AuditEvent.user_id == person)
    rows = db.session.scalars(
        query.order_by(AuditEvent.id.desc())
        .offset((page - 1) * HISTORY_PAGE_SIZE)
        .limit(HISTORY_PAGE_SIZE + 1)
    ).all()
    filters = {"kind": kind, "person": person} if (kind != "all" or person) else {}
    return render_template(
        "reviews/lifecycle/history.html",
        review=review,
        items=history_words.items(rows[:HISTORY_PAGE_SIZE]),
        page=page,
        has_next=len(rows) > HISTORY_PAGE_SIZE,
        people=people,
        kinds=history_words.KINDS,
        kind=kind,
        person=person,
        filters=filters,
        errors=errors,
    )
