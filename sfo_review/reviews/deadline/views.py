"""The review's deadline: the due date, the deadline in force, every extension asked for,
and the forms to ask for one and to agree or refuse it."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from sfo_review import lifecycle
from sfo_review import permissions as perm
from sfo_review.auth.session import actor, login_required_for
from sfo_review.forms_support import form_data, submit
from sfo_review.loaders import get_child_or_404, get_review_or_404
from sfo_review.models import DeadlineExtension, Review, User
from sfo_review.reviews.blueprint import reviews_bp
from sfo_review.reviews.deadline.forms import (
    ExtensionDecisionForm,
    ExtensionRequestForm,
    ExtensionWithdrawForm,
)
from sfo_review.services import deadline_extensions as extension_service
from sfo_review.services import reviews as review_service
from sfo_review.services.deadlines import deadline_window, working_days_between
from sfo_review.services.errors import Forbidden
from sfo_review.services.notifications import long_date

BASE = "/reviews/<int:review_id>/deadline"


def deadline_facts(review: Review, user: User) -> dict[str, object]:
    """What the overview and the deadline pages say about the deadline and its extensions."""
    window = deadline_window()
    return {
        "flag": window.flag(review.status, review.effective_due_date),
        "days_left": working_days_between(window.today, review.effective_due_date),
        "extended": review.effective_due_date != review.due_date,
        "pending": extension_service.pending(review),
        "may_request": extension_service.may_request(user, review),
    }


@reviews_bp.route(BASE)
@login_required_for()
def deadline(review_id: int) -> str:
    user = actor()
    review = get_review_or_404(review_id, user, perm.can_see_extensions)
    review_service.record_view(user, review, "deadline and extensions")
    return render_template(
        "reviews/deadline/deadline.html",
        review=review,
        deadline=deadline_facts(review, user),
    )


@reviews_bp.route(BASE + "/extensions/new", methods=["GET", "POST"])
@login_required_for()
def new_extension(review_id: int) -> str | Response:
    user = actor()
    review = get_review_or_404(review_id, user, perm.can_request_extension)
    form = ExtensionRequestForm()
    if form.validate_on_submit():
        data = form_data(form)
        created = submit(form, lambda: extension_service.request_extension(user, review, data))
        if created is not None:
            flash(
                f"You have asked for the deadline to move to {long_date(created.new_due_date)}. "
                "Quality assurance or leadership will decide."
            )
            return redirect(url_for("reviews.deadline", review_id=review.id))
    elif request.method == "GET":
        review_service.record_view(user, review, "deadline extension request form")
    return render_template(
        "reviews/deadline/new_extension.html",
        review=review,
        form=form,
        deadline=deadline_facts(review, user),
    )


def _decidable(user: User, review_id: int, extension_id: int) -> DeadlineExtension:
    review = get_review_or_404(review_id, user, perm.can_decide_extensions)
    extension = get_child_or_404(review, DeadlineExtension, extension_id)
    if extension.requested_by_id == user.id:
        raise Forbidden("You asked for this extension, so someone else decides on it.")
    return extension


def _request_page(
    user: User,
    extension: DeadlineExtension,
    form: FlaskForm,
    call: Callable[[], DeadlineExtension],
    done: Callable[[DeadlineExtension], str],
    page: str,
    viewed: str,
) -> str | Response:
    """A page acting on one extension request (decide, withdraw): on success the message
    `done` gives and back to the deadline page; otherwise the form with the request."""
    review = extension.review
    if form.validate_on_submit():
        result = submit(form, call)
        if result is not None:
            flash(done(result))
            return redirect(url_for("reviews.deadline", review_id=review.id))
    elif request.method == "GET":
        review_service.record_view(user, review, viewed)
    return render_template(
        f"reviews/deadline/{page}.html",
        review=review,
        extension=extension,
        form=form,
        deadline=deadline_facts(review, user),
    )


def _decided(extension: DeadlineExtension) -> str:
    if lifecycle.is_agreed(extension):
        return f"Extension agreed: the review is now due {long_date(extension.new_due_date)}."
    return "Extension refused: the deadline in force has not changed."


def _withdrawn(extension: DeadlineExtension) -> str:
    return (
        f"You have withdrawn the request to move the deadline to "
        f"{long_date(extension.new_due_date)}. The deadline in force has not changed."
    )


@reviews_bp.route(BASE + "/extensions/<int:extension_id>/decision", methods=["GET", "POST"])
@login_required_for()
def extension_decision(review_id: int, extension_id: int) -> str | Response:
    user = actor()
    extension = _decidable(user, review_id, extension_id)
    form = ExtensionDecisionForm()

    def decide() -> DeadlineExtension:
        data = form_data(form)
        return extension_service.decide_extension(user, extension.review, extension, data)

    viewed = "deadline extension decision form"
    return _request_page(user, extension, form, decide, _decided, "decision", viewed)


@reviews_bp.route(BASE + "/extensions/<int:extension_id>/withdraw", methods=["GET", "POST"])
@login_required_for()
def withdraw_extension(review_id: int, extension_id: int) -> str | Response:
    """Confirm, then withdraw a request still waiting for a decision."""
    user = actor()
    review = get_review_or_404(review_id, user, perm.can_request_extension)
    extension = get_child_or_404(review, DeadlineExtension, extension_id)

    def withdraw() -> DeadlineExtension:
        return extension_service.withdraw_extension(user, review, extension)

    form, viewed = ExtensionWithdrawForm(), "deadline extension withdrawal form"
    return _request_page(user, extension, form, withdraw, _withdrawn, "withdraw", viewed)
