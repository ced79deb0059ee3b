"""An officer's addendum to their submitted statement: write, check, submit (never edited)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from sfo_review import permissions as perm
from sfo_review.auth.session import actor, login_required_for
from sfo_review.forms_support import submit
from sfo_review.loaders import get_review_or_404
from sfo_review.services import addenda as addendum_service
from sfo_review.services import reviews as review_service
from sfo_review.services import statements as statement_service
from sfo_review.services.errors import Conflict
from sfo_review.statements.blueprint import statements_bp
from sfo_review.statements.forms import AddendumForm


@statements_bp.route("/reviews/<int:review_id>/statement/addendum", methods=["GET", "POST"])
@login_required_for()
def add_addendum(review_id: int) -> str | Response:
    user = actor()
    review = get_review_or_404(review_id, user, perm.can_write_statement)
    try:
        mine = addendum_service.require_submitted(statement_service.own_statement(user, review))
    except Conflict as refused:
        flash(refused.message, "warning")
        return redirect(url_for("statements.my_statement", review_id=review.id))
    form = AddendumForm()
    template = "statements/addendum.html"
    if not form.is_submitted():
        review_service.record_view(user, review, "their statement to add an addendum")
        return render_template(template, review=review, statement=mine, form=form)
    if not form.validate():
        return render_template(template, review=review, statement=mine, form=form)
    data = {"body": form.body.data or None}
    step = request.form.get("step", "check")
    if step == "confirm":
        if submit(form, lambda: addendum_service.add_addendum(user, review, mine, data)):
            flash("Your addendum has been submitted. It is now part of your statement.")
            return redirect(url_for("statements.my_statement", review_id=review.id))
    elif step == "check":
        checked = submit(form, lambda: addendum_service.check_addendum(user, review, mine, data))
        if checked is not None:
            return render_template(
                "statements/confirm_addendum.html", review=review, statement=mine, form=form
            )
    return render_template(template, review=review, statement=mine, form=form)
