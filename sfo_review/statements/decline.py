"""A participant may decline to give a statement, with a reason, and change their mind."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from sfo_review import lifecycle
from sfo_review import permissions as perm
from sfo_review.auth.session import actor, login_required_for
from sfo_review.forms_support import submit_form
from sfo_review.loaders import get_review_or_404
from sfo_review.services import reviews as review_service
from sfo_review.services import statements as statement_service
from sfo_review.statements.blueprint import statements_bp
from sfo_review.statements.forms import DeclineStatementForm, WithdrawDeclineForm


@statements_bp.route("/reviews/<int:review_id>/statement/decline", methods=["GET", "POST"])
@login_required_for()
def decline_statement(review_id: int) -> str | Response:
    user = actor()
    review = get_review_or_404(review_id, user, perm.can_write_statement)
    mine = statement_service.own_statement(user, review)
    if lifecycle.has_answered(mine):
        return redirect(url_for("statements.my_statement", review_id=review.id))
    form = DeclineStatementForm()
    if form.validate_on_submit():
        data = {"reason": form.reason.data or None}
        if submit_form(form, lambda: statement_service.decline_statement(user, review, data)):
            flash("You have declined to give a statement. The reviewer has been told.")
            return redirect(url_for("statements.my_statement", review_id=review.id))
    elif request.method == "GET":
        review_service.record_view(user, review, "their statement to decline it")
    return render_template(
        "statements/decline_statement.html", review=review, statement=mine, form=form
    )


@statements_bp.route("/reviews/<int:review_id>/statement/withdraw-decline", methods=["POST"])
@login_required_for()
def withdraw_decline(review_id: int) -> Response:
    user = actor()
    review = get_review_or_404(review_id, user, perm.can_write_statement)
    mine = statement_service.own_statement(user, review)
    form = WithdrawDeclineForm()
    if mine is not None and form.validate_on_submit():
        statement = mine
        if submit_form(form, lambda: statement_service.withdraw_decline(user, review, statement)):
            flash("You can now write your statement. Anything you had drafted is below.")
        else:
            flash(" ".join(form.form_errors) or "That could not be done: try again.")
    return redirect(url_for("statements.my_statement", review_id=review.id))
