"""Contact with the victim's family and the questions they asked (api-v1.1 C).

Never shown to officers (permissions.can_see_family). The reviewer records them from in
review until the review is closed: contact with a family goes on after approval. Every
question needs an answer before quality assurance (lifecycle._family_questions_answered).
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from sfo_review import lifecycle, vocab
from sfo_review import permissions as perm
from sfo_review.extensions import db
from sfo_review.models import FamilyContact, FamilyQuestion, Review, User
from sfo_review.models._base import utcnow
from sfo_review.services import validation as v
from sfo_review.services._common import (
    apply,
    audit,
    check_version,
    require_permission,
    review_edit,
)
from sfo_review.services.errors import Conflict, ValidationFailed

CONTACT_RULES: dict[str, v.Rule] = {
    "occurred_on": v.a_date(
        "date of the contact", earliest=v.NOTIFICATIONS_BEGIN, latest_days=v.NOT_AFTER_TODAY
    ),
    "channel": v.enum("way the contact was made", vocab.keys(vocab.FAMILY_CONTACT_CHANNELS)),
    "with_whom": v.short("name or relationship of the person contacted"),
    "advocate_offered": v.boolean("answer to whether an advocate was offered", required=True),
    "summary": v.long("summary of the contact"),
}
QUESTION_RULES: dict[str, v.Rule] = {
    "question": v.long("family's question"),
    "asked_on": v.a_date(
        "date the question was asked", earliest=v.NOTIFICATIONS_BEGIN, latest_days=v.NOT_AFTER_TODAY
    ),
}
ANSWER_RULES: dict[str, v.Rule] = {"answer": v.long("answer to the family's question")}


def contacts(review: Review) -> list[FamilyContact]:
    """The contact log, newest first (the latest contact is what a reader looks for)."""
    return sorted(review.family_contacts, key=lambda c: (c.occurred_on, c.id), reverse=True)


def questions(review: Review) -> list[FamilyQuestion]:
    """The family's questions in the order they were asked (the family summary PDF prints
    them so, each with its answer)."""
    return sorted(review.family_questions, key=lambda q: (q.asked_on, q.id))


def is_answered(question: FamilyQuestion) -> bool:
    return bool(question.answer and question.answer.strip())


def start_of(question: FamilyQuestion) -> str:
    """The first words of a question, to name it in the audit trail."""
    return lifecycle.question_start(question.question)


def _start(actor: User, review: Review) -> None:
    require_permission(perm.can_write_family_record(actor, review))
    if lifecycle.is_closed(review):
        raise Conflict(
            "This review is closed: contact with the family and their questions are recorded "
            "until the review is closed."
        )


def _not_before_charge(review: Review, field: str, name: str, day: date | None) -> None:
    if day is not None and day < review.charge_date:
        charged = v.long_date(review.charge_date)
        raise ValidationFailed({field: [f"{name} must be on or after the charge date ({charged})"]})


def _clean_contact(data: dict[str, Any], partial: bool = False) -> dict[str, Any]:
    """CONTACT_RULES, with a radio's words for the advocate question left unanswered."""
    try:
        return v.clean(data, CONTACT_RULES, partial=partial)
    except ValidationFailed as exc:
        if "advocate_offered" in exc.fields and data.get("advocate_offered") is None:
            exc.fields["advocate_offered"] = ["Select whether an advocate was offered"]
        raise


Row = TypeVar("Row", FamilyContact, FamilyQuestion)


def _added(actor: User, review: Review, row: Row, kind: str, summary: str) -> Row:
    db.session.add(row)
    db.session.flush()
    audit(review, actor, f"{kind}.added", summary, {f"{kind}_id": row.id})
    return row


@review_edit
def add_contact(actor: User, review: Review, data: dict[str, Any]) -> FamilyContact:
    _start(actor, review)
    values = _clean_contact(data)
    _not_before_charge(review, "occurred_on", "Date of the contact", values["occurred_on"])
    contact = FamilyContact(review=review, recorded_by_id=actor.id, **values)
    summary = f"Recorded a contact with the family on {v.long_date(contact.occurred_on)}"
    return _added(actor, review, contact, "family_contact", summary)


@review_edit
def update_contact(
    actor: User, review: Review, contact: FamilyContact, data: dict[str, Any]
) -> FamilyContact:
    _start(actor, review)
    data = dict(data)
    check_version(contact, data)
    values = _clean_contact(data, partial=True)
    _not_before_charge(review, "occurred_on", "Date of the contact", values.get("occurred_on"))
    changed = apply(contact, values)
    if changed:
        audit(
            review,
            actor,
            "family_contact.updated",
            f"Changed the contact with the family on {v.long_date(contact.occurred_on)}",
            {"family_contact_id": contact.id, "fields": changed},
        )
    return contact


@review_edit
def delete_contact(actor: User, review: Review, contact: FamilyContact) -> None:
    _start(actor, review)
    summary = f"Deleted the contact with the family on {v.long_date(contact.occurred_on)}"
    audit(review, actor, "family_contact.deleted", summary, {"family_contact_id": contact.id})
    review.family_contacts.remove(contact)


@review_edit
def add_question(actor: User, review: Review, data: dict[str, Any]) -> FamilyQuestion:
    _start(actor, review)
    values = v.clean(data, QUESTION_RULES)
    _not_before_charge(review, "asked_on", "Date the question was asked", values["asked_on"])
    question = FamilyQuestion(review=review, **values)
    summary = f"Added the family's question “{start_of(question)}”"
    return _added(actor, review, question, "family_question", summary)


@review_edit
def update_question(
    actor: User, review: Review, question: FamilyQuestion, data: dict[str, Any]
) -> FamilyQuestion:
    """`answer` (given or changed until closed), and the question's own words and date while
    it is unanswered (once answered, the answer was given to those words)."""
    _start(actor, review)
    data = dict(data)
    check_version(question, data)
    values = v.clean(data, {**QUESTION_RULES, **ANSWER_RULES}, partial=True)
    if is_answered(question) and {"question", "asked_on"} & values.keys():
        raise Conflict(
            "This question has been answered: its words and date can no longer change.",
            {"question": ["An answered question cannot be changed"]},
        )
    _not_before_charge(review, "asked_on", "Date the question was asked", values.get("asked_on"))
    answering = "answer" in values and values["answer"] != question.answer
    changed = apply(question, values)
    if answering:
        question.answered_at = utcnow()
        question.answered_by_id = actor.id
    if changed:
        action = "family_question.answered" if answering else "family_question.updated"
        verb = "Answered" if answering else "Changed"
        audit(
            review,
            actor,
            action,
            f"{verb} the family's question “{start_of(question)}”",
            {"family_question_id": question.id, "fields": changed},
        )
    return question


@review_edit
def delete_question(actor: User, review: Review, question: FamilyQuestion) -> None:
    """Only while unanswered (a question asked in error; an answered one stays on record)."""
    _start(actor, review)
    if is_answered(question):
        raise Conflict("This question has been answered: it stays on the record.")
    audit(
        review,
        actor,
        "family_question.deleted",
        f"Deleted the family's question “{start_of(question)}”",
        {"family_question_id": question.id},
    )
    review.family_questions.remove(question)
