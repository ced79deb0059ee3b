"""An action's progress (its owner) and its verification (someone else: api-v1.1 B)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from sfo_review import lifecycle
from sfo_review import permissions as perm
from sfo_review.actions.blueprint import actions_bp
from sfo_review.actions.forms import ProgressForm, VerifyForm
from sfo_review.auth.session import actor, login_required_for
from sfo_review.forms_support import is_stale, submit_form
from sfo_review.loaders import get_child_or_404, get_review_or_404
from sfo_review.models import Action, Review, User
from sfo_review.services import actions as action_service
from sfo_review.services import reviews as review_service
from sfo_review.services.errors import Forbidden

BASE = "/reviews/<int:review_id>/actions/<int:action_id>"
NOT_OWNER = "Only the action’s owner can update its progress, once the review is approved."
NOT_VERIFIER = (
    "A done action is verified by a leadership or quality assurance colleague who is not its owner."
)


def _load(
    user: User, review_id: int, action_id: int, allowed: Callable[[User, Action], bool], why: str
) -> tuple[Review, Action]:
    review = get_review_or_404(review_id, user, perm.can_see_actions)
    item = get_child_or_404(review, Action, action_id)
    if not allowed(user, item):
        raise Forbidden(why)
    return review, item


def _the_note(form: FlaskForm, keys: dict[str, str]) -> dict[str, Any]:
    """What the service is sent: the status, the note that goes with it, the version."""
    status = form.status.data
    data: dict[str, Any] = {"status": status, "version": form.version.data}
    note = keys.get(status)
    if note:
        data[note] = getattr(form, note).data
    return data


def _page(
    user: User, review: Review, item: Action, form: FlaskForm, template: str
) -> str | Response:
    """Save a valid form through the service, or show the page (again, with its errors)."""
    if form.validate_on_submit():
        data = _the_note(form, NOTES[template])
        if submit_form(form, lambda: action_service.update_action(user, review, item, data)):
            flash(SAVED[template][data["status"]])
            return redirect(url_for("actions.actions", review_id=review.id) + f"#action-{item.id}")
        if is_stale(form):  # read again: decide again with it in view
            form.version.data, form.version.raw_data = item.version, None
    elif request.method == "GET":
        form.version.data = item.version
        if "completion_note" in form:  # sent back: the owner adds to what they wrote before
            form.completion_note.data = item.completion_note
        review_service.record_view(user, review, template.replace("_", " ") + " form")
    return render_template(f"actions/{template}.html", review=review, action=item, form=form)


NOTES = {
    "progress": {lifecycle.DONE: "completion_note"},
    "verify": {lifecycle.VERIFIED: "verification_note", lifecycle.IN_PROGRESS: "reason"},
}
SAVED = {
    "progress": {
        lifecycle.IN_PROGRESS: "Progress saved: the action is in progress.",
        lifecycle.DONE: "Progress saved: the action is done. Someone else now checks that it "
        "worked, and verifies it.",
    },
    "verify": {
        lifecycle.VERIFIED: "Action verified.",
        lifecycle.IN_PROGRESS: "Action sent back to its owner, with your reason.",
    },
}


@actions_bp.route(BASE + "/progress", methods=["GET", "POST"])
@login_required_for()
def progress(review_id: int, action_id: int) -> str | Response:
    user = actor()
    review, item = _load(user, review_id, action_id, action_service.may_progress, NOT_OWNER)
    return _page(user, review, item, ProgressForm(), "progress")


@actions_bp.route(BASE + "/verify", methods=["GET", "POST"])
@login_required_for()
def verify(review_id: int, action_id: int) -> str | Response:
    user = actor()
    review, item = _load(user, review_id, action_id, action_service.may_verify, NOT_VERIFIER)
    return _page(user, review, item, VerifyForm(), "verify")
