"""The Family page: contact with the victim's family and their questions (api-v1.1 C).

Never officers: every route answers them 404 (loaders.get_family_review_or_404). The
reviewer records, quality assurance and leadership read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from sfo_review import permissions as perm
from sfo_review.auth.session import actor, login_required_for
from sfo_review.family.blueprint import family_bp
from sfo_review.family.forms import (
    AnswerForm,
    ConfirmDeleteForm,
    ContactForm,
    EditContactForm,
    QuestionForm,
)
from sfo_review.forms_support import form_data, submit_edit, submit_form
from sfo_review.loaders import ReviewAction, get_child_or_404, get_family_review_or_404
from sfo_review.models import FamilyContact, FamilyQuestion, Review
from sfo_review.services import family as family_service
from sfo_review.services import reviews as review_service

BASE = "/reviews/<int:review_id>/family"
YES_NO = {"yes": True, "no": False}


def _review(review_id: int, action: ReviewAction = perm.can_see_family) -> Review:
    return get_family_review_or_404(review_id, actor(), action)


def _family_url(review: Review, anchor: str = "") -> str:
    return url_for("family.family", review_id=review.id) + anchor


@family_bp.route(BASE)
@login_required_for()
def family(review_id: int) -> str:
    review = _review(review_id)
    review_service.record_view(actor(), review, "contact with the family")
    return render_template(
        "family/family.html",
        review=review,
        contacts=family_service.contacts(review),
        questions=family_service.questions(review),
        is_answered=family_service.is_answered,
    )


def _yes_no(data: dict[str, Any]) -> dict[str, Any]:
    """The radios' yes or no as the service's true or false (anything else as posted: the
    service says what is wrong with it)."""
    if "advocate_offered" in data:
        answer = data["advocate_offered"]
        data["advocate_offered"] = YES_NO.get(answer, answer) if answer else None
    return data


def _contact_data(form: ContactForm) -> dict[str, Any]:
    return _yes_no(form_data(form))


def _advocate_answer(contact: FamilyContact) -> dict[str, Any]:
    return {"advocate_offered": "yes" if contact.advocate_offered else "no"}


def _add(
    review: Review,
    form: ContactForm | QuestionForm,
    add: Callable[[], FamilyContact | FamilyQuestion],
    anchor: str,
    done: str,
) -> str | Response:
    """A new contact or question: the form, the service call, back to the Family page."""
    if form.validate_on_submit():
        added = submit_form(form, add)
        if added is not None:
            flash(done)
            return redirect(_family_url(review, f"#{anchor}-{added.id}"))
    elif request.method == "GET":
        review_service.record_view(actor(), review, f"new {anchor} form (family)")
    return render_template(f"family/{anchor}_form.html", review=review, form=form)


@dataclass(frozen=True)
class Edit:
    """What an edit page saves (the service call, the values the row holds under other
    names), says once saved, where it returns to on the Family page, and its template."""

    save: Callable[[dict[str, Any]], Any]
    current: Callable[[], dict[str, Any]] | None
    done: str
    anchor: str
    template: str


def _edit(
    review: Review,
    form: FlaskForm,
    row: FamilyContact | FamilyQuestion,
    edit: Edit,
    **context: Any,
) -> str | Response:
    """A contact or an answer changed with its version (a stale save merged, as elsewhere)."""
    if form.validate_on_submit():
        if submit_edit(form, edit.save, row, edit.current) is not None:
            flash(edit.done)
            return redirect(_family_url(review, f"#{edit.anchor}"))
    elif request.method == "GET":
        review_service.record_view(actor(), review, "contact with the family")
    return render_template(edit.template, review=review, form=form, **context)


@family_bp.route(BASE + "/contacts/new", methods=["GET", "POST"])
@login_required_for()
def add_contact(review_id: int) -> str | Response:
    review = _review(review_id, perm.can_write_family_record)
    form = ContactForm()
    return _add(
        review,
        form,
        lambda: family_service.add_contact(actor(), review, _contact_data(form)),
        "contact",
        "The contact with the family has been recorded.",
    )


@family_bp.route(BASE + "/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@login_required_for()
def edit_contact(review_id: int, contact_id: int) -> str | Response:
    review = _review(review_id, perm.can_write_family_record)
    contact = get_child_or_404(review, FamilyContact, contact_id)
    form = EditContactForm(obj=contact)
    if request.method == "GET":
        form.advocate_offered.data = _advocate_answer(contact)["advocate_offered"]
    return _edit(
        review,
        form,
        contact,
        Edit(
            lambda data: family_service.update_contact(actor(), review, contact, _yes_no(data)),
            lambda: _advocate_answer(contact),
            "The contact with the family has been changed.",
            f"contact-{contact.id}",
            "family/contact_form.html",
        ),
        item=contact,
    )


@family_bp.route(BASE + "/questions/new", methods=["GET", "POST"])
@login_required_for()
def add_question(review_id: int) -> str | Response:
    review = _review(review_id, perm.can_write_family_record)
    form = QuestionForm()
    return _add(
        review,
        form,
        lambda: family_service.add_question(actor(), review, form_data(form)),
        "question",
        "The family’s question has been added. It needs an answer before quality assurance.",
    )


@family_bp.route(BASE + "/questions/<int:question_id>/answer", methods=["GET", "POST"])
@login_required_for()
def answer_question(review_id: int, question_id: int) -> str | Response:
    review = _review(review_id, perm.can_write_family_record)
    question = get_child_or_404(review, FamilyQuestion, question_id)
    return _edit(
        review,
        AnswerForm(obj=question),
        question,
        Edit(
            lambda data: family_service.update_question(actor(), review, question, data),
            None,
            "The answer has been saved.",
            f"question-{question.id}",
            "family/answer_form.html",
        ),
        question=question,
    )


def _delete(
    review: Review, item: FamilyContact | FamilyQuestion, what: str, remove: Callable[[], None]
) -> str | Response:
    form = ConfirmDeleteForm()

    def removed() -> bool:
        remove()
        return True

    if form.validate_on_submit() and submit_form(form, removed):
        flash(f"The {what} has been deleted.")
        return redirect(_family_url(review))
    return render_template("family/delete.html", review=review, form=form, item=item, what=what)


@family_bp.route(BASE + "/contacts/<int:contact_id>/delete", methods=["GET", "POST"])
@login_required_for()
def delete_contact(review_id: int, contact_id: int) -> str | Response:
    review = _review(review_id, perm.can_write_family_record)
    contact = get_child_or_404(review, FamilyContact, contact_id)
    return _delete(
        review,
        contact,
        "contact with the family",
        lambda: family_service.delete_contact(actor(), review, contact),
    )


@family_bp.route(BASE + "/questions/<int:question_id>/delete", methods=["GET", "POST"])
@login_required_for()
def delete_question(review_id: int, question_id: int) -> str | Response:
    review = _review(review_id, perm.can_write_family_record)
    question = get_child_or_404(review, FamilyQuestion, question_id)
    return _delete(
        review,
        question,
        "family’s question",
        lambda: family_service.delete_question(actor(), review, question),
    )
