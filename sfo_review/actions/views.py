"""The learning and action plan: the list, adding and changing actions, the owner's progress
and someone else's verification (api-v1.1 B)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from sfo_review import clock
from sfo_review import permissions as perm
from sfo_review.actions.blueprint import actions_bp
from sfo_review.actions.forms import ActionForm, EditActionForm
from sfo_review.auth.session import actor, login_required_for
from sfo_review.forms_support import form_data, stale_comparison, submit_edit, submit_form
from sfo_review.loaders import get_child_or_404, get_review_or_404
from sfo_review.models import Action, Review
from sfo_review.services import actions as action_service
from sfo_review.services import reviews as review_service
from sfo_review.services.errors import Forbidden

NOT_SHARED_YET = (
    "The action plan is shared with the people involved in the case with the findings, at "
    "the factual accuracy check."
)


@actions_bp.route("/reviews/<int:review_id>/actions")
@login_required_for()
def actions(review_id: int) -> str:
    user = actor()
    review = get_review_or_404(review_id, user, perm.can_see_review)
    if not perm.can_see_actions(user, review):
        raise Forbidden(NOT_SHARED_YET)
    review_service.record_view(user, review, "actions")
    return render_template(
        "actions/actions.html",
        review=review,
        can_manage=action_service.window_open(user, review),
        may_progress=action_service.may_progress,
        may_verify=action_service.may_verify,
        today=clock.today(),
    )


def _linked(action: Action) -> dict[str, object]:
    """The action's values the row does not hold under the form's field names."""
    return {
        "finding_ids": [f.id for f in action.findings],
        "systemic_factor_ids": [f.id for f in action.systemic_factors],
        "owner_email": action.owner_user.email if action.owner_user else None,
    }


def _editor(review: Review, form: ActionForm, action: Action | None) -> str:
    form.fill_choices(review, action_service.owner_choices())
    stale = None
    if action is not None:
        stale = stale_comparison(form, action, _linked(action))
    return render_template(
        "actions/edit_action.html", review=review, form=form, action=action, stale=stale
    )


@actions_bp.route("/reviews/<int:review_id>/actions/new", methods=["GET", "POST"])
@login_required_for()
def new_action(review_id: int) -> str | Response:
    user = actor()
    review = get_review_or_404(review_id, user, perm.can_manage_actions)
    form = ActionForm()
    if form.validate_on_submit():
        data = form_data(form)
        if submit_form(form, lambda: action_service.add_action(user, review, data)):
            flash("Action added.")
            return redirect(url_for("actions.actions", review_id=review.id))
    elif request.method == "GET":
        review_service.record_view(user, review, "new action form")
    return _editor(review, form, None)


@actions_bp.route("/reviews/<int:review_id>/actions/<int:action_id>/edit", methods=["GET", "POST"])
@login_required_for()
def edit_action(review_id: int, action_id: int) -> str | Response:
    user = actor()
    review = get_review_or_404(review_id, user, perm.can_manage_actions)
    item = get_child_or_404(review, Action, action_id)
    # On POST only what was sent counts: a missing version must not be filled from the row.
    form = (
        EditActionForm(obj=item, **_linked(item)) if request.method == "GET" else EditActionForm()
    )
    if form.validate_on_submit():
        saved = submit_edit(
            form,
            lambda data: action_service.update_action(user, review, item, data),
            item,
            lambda: _linked(item),
        )
        if saved is not None:
            flash("Action saved.")
            return redirect(url_for("actions.actions", review_id=review.id))
    elif request.method == "GET":
        review_service.record_view(user, review, "action for editing")
    return _editor(review, form, item)
