"""Contextual statements: the officer's own (private draft, then submitted), and the list of
submitted statements for the reviewer, quality assurance and leadership."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from sfo_review import lifecycle
from sfo_review import permissions as perm
from sfo_review.auth.session import actor, login_required_for
from sfo_review.forms_support import stale_comparison, submit_edit, submit_form
from sfo_review.loaders import get_child_or_404, get_review_or_404
from sfo_review.models import Review, Statement, User
from sfo_review.services import reviews as review_service
from sfo_review.services import statement_access
from sfo_review.services import statements as statement_service
from sfo_review.services.errors import NotFound
from sfo_review.statements.blueprint import statements_bp
from sfo_review.statements.forms import (
    InclusionForm,
    StatementForm,
    SubmitStatementForm,
    WithdrawDeclineForm,
)

# The tag colour of each statement status (the words say it; the colour only repeats them).
STATUS_CLASSES = {
    statement_service.NOT_STARTED: "govuk-tag--grey",
    lifecycle.DRAFT: "govuk-tag--blue",
    lifecycle.SUBMITTED: "govuk-tag--green",
    lifecycle.DECLINED: "govuk-tag--yellow",
}


def _save_draft(user: User, review: Review, mine: Statement | None, form: StatementForm) -> bool:
    """Create the draft, or update it from the version the author started from."""
    if mine is None or form.version.data is None:
        # A first draft (or a second tab that started before the first save: the service
        # answers that a statement already exists).
        body = {"body": form.body.data or None}
        saved = submit_form(form, lambda: statement_service.create_statement(user, review, body))
        return saved is not None
    draft = mine
    updated = submit_edit(
        form, lambda data: statement_service.update_statement(user, review, draft, data), draft
    )
    return updated is not None


@statements_bp.route("/reviews/<int:review_id>/statement", methods=["GET", "POST"])
@login_required_for()
def my_statement(review_id: int) -> str | Response:
    user = actor()
    review = get_review_or_404(review_id, user, perm.can_write_statement)
    mine = statement_service.own_statement(user, review)
    form = StatementForm(obj=mine) if request.method == "GET" else StatementForm()
    if form.validate_on_submit():
        if _save_draft(user, review, mine, form):
            flash("Your draft has been saved. Only you can see it until you submit it.")
            return redirect(url_for("statements.my_statement", review_id=review.id) + "#preview")
    elif request.method == "GET":
        review_service.record_view(user, review, "their own statement")
    stale = stale_comparison(form, mine)
    return render_template(
        "statements/my_statement.html",
        review=review,
        mine=mine,
        form=form,
        stale=stale,
        withdraw_form=WithdrawDeclineForm(),
        access_log=statement_access.log_for(mine) if mine is not None else [],
    )


@statements_bp.route("/reviews/<int:review_id>/statement/submit", methods=["GET", "POST"])
@login_required_for()
def submit_statement(review_id: int) -> str | Response:
    user = actor()
    review = get_review_or_404(review_id, user, perm.can_write_statement)
    mine = statement_service.own_statement(user, review)
    if mine is None or lifecycle.has_answered(mine):
        if mine is None:
            flash("Save a draft of your statement before you submit it.")
        return redirect(url_for("statements.my_statement", review_id=review.id))
    form = SubmitStatementForm()
    if form.validate_on_submit():
        if submit_form(form, lambda: statement_service.submit_statement(user, review, mine)):
            flash("Your statement has been submitted. It is now part of the review.")
            return redirect(url_for("statements.my_statement", review_id=review.id))
    elif request.method == "GET":
        review_service.record_view(user, review, "their statement before submitting")
    return render_template(
        "statements/submit_statement.html", review=review, statement=mine, form=form
    )


@statements_bp.route("/reviews/<int:review_id>/statements")
@login_required_for()
def statements(review_id: int) -> str:
    user = actor()
    review = get_review_or_404(review_id, user, perm.can_list_statements)
    review_service.record_view(user, review, "statements")
    items = statement_service.statements_visible_to(user, review)
    return render_template(
        "statements/statements.html",
        review=review,
        statements=items,
        asked=statement_service.participants_asked(review),
        waiting=statement_service.participants_waiting(review),
        status_classes=STATUS_CLASSES,
    )


def _visible_statement(review: Review, statement_id: int) -> Statement:
    """A statement the user may read; drafts and other officers' statements are not found."""
    item = get_child_or_404(review, Statement, statement_id)
    if not perm.can_see_statement(actor(), review, item):
        raise NotFound("Statement not found.")
    return item


@statements_bp.route("/reviews/<int:review_id>/statements/<int:statement_id>")
@login_required_for()
def statement(review_id: int, statement_id: int) -> str:
    user = actor()
    review = get_review_or_404(review_id, user, perm.can_see_review)
    item = _visible_statement(review, statement_id)
    review_service.record_view(user, review, f"statement of {item.author.name}")
    page = render_template("statements/statement.html", review=review, statement=item)
    statement_access.record(user, [item])
    return page


@statements_bp.route(
    "/reviews/<int:review_id>/statements/<int:statement_id>/inclusion", methods=["GET", "POST"]
)
@login_required_for()
def statement_inclusion(review_id: int, statement_id: int) -> str | Response:
    user = actor()
    review = get_review_or_404(review_id, user, perm.can_set_statement_inclusion)
    item = _visible_statement(review, statement_id)
    if not lifecycle.is_submitted(item):
        # A declined statement has no place in the report to choose (and its author's
        # kept draft is never shown to anyone else).
        raise NotFound("Statement not found.")
    form = InclusionForm(obj=item) if request.method == "GET" else InclusionForm()
    if form.validate_on_submit():
        saved = submit_edit(
            form, lambda data: statement_service.update_statement(user, review, item, data), item
        )
        if saved is not None:
            flash(f"Saved how {item.author.name}'s statement appears in the report.")
            return redirect(url_for("statements.statements", review_id=review.id))
    elif request.method == "GET":
        review_service.record_view(
            user, review, f"report inclusion of {item.author.name}'s statement"
        )
    page = render_template(
        "statements/statement_inclusion.html",
        review=review,
        statement=item,
        form=form,
        stale=stale_comparison(form, item),
    )
    statement_access.record(user, [item])  # the page shows the statement's words
    return page
