"""Review pages: the list, the notification form, the overview, details, participants and
the overall judgement. Thin views: load-and-authorise, WTForms for typing, a service call."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from sfo_review import lifecycle, vocab
from sfo_review import permissions as perm
from sfo_review.auth.session import actor, login_required_for
from sfo_review.extensions import db
from sfo_review.forms_support import form_data, stale_comparison, submit_edit, submit_form
from sfo_review.loaders import get_child_or_404, get_review_or_404
from sfo_review.models import Participant, Review, User
from sfo_review.reviews import overview as summary
from sfo_review.reviews.blueprint import reviews_bp
from sfo_review.reviews.deadline.views import deadline_facts
from sfo_review.reviews.forms import (
    ConfirmForm,
    EditDetailsForm,
    JudgementForm,
    ParticipantForm,
    ReviewForm,
)
from sfo_review.services import ratings
from sfo_review.services import reviews as review_service
from sfo_review.services.errors import ValidationFailed
from sfo_review.services.reports import snapshots as report_snapshots


@reviews_bp.route("/reviews/new", methods=["GET", "POST"])
@login_required_for(perm.can_create_review)
def new() -> str | Response:
    form = ReviewForm()
    if form.validate_on_submit():
        created = submit_form(form, lambda: review_service.create_review(actor(), form_data(form)))
        if created is not None:
            due = f"{created.due_date.day} {created.due_date:%B %Y}"
            flash(f"Review {created.reference} created. It is due on {due}.")
            return redirect(url_for("reviews.overview", review_id=created.id))
    return render_template("reviews/new.html", form=form)


@reviews_bp.route("/reviews/<int:review_id>")
@login_required_for()
def overview(review_id: int) -> str:
    user = actor()
    review = get_review_or_404(review_id, user, perm.can_see_review)
    review_service.record_view(user, review, "overview")
    deadline = deadline_facts(review, user)
    if user.role == "officer":
        return render_template(
            "reviews/overview.html",
            review=review,
            officer_view=True,
            asked=summary.asked_of_officer(user, review),
            deadline=deadline,
        )
    forward, unmet = summary.next_step(review)
    return render_template(
        "reviews/overview.html",
        review=review,
        officer_view=False,
        deadline=deadline,
        forward=forward,
        unmet=unmet,
        tasks=summary.tasks(review, user),
        approved_reports=_approved_reports(user, review),
        # api-v1.1 C: once approved, quality assurance's ratings (None: not shown here)
        ratings=(
            ratings.shown(review)
            if lifecycle.is_finished(review) and perm.can_see_ratings(user, review)
            else None
        ),
        before_ratings=ratings.BEFORE_RATINGS_SENTENCE,
    )


def _approved_reports(user: User, review: Review) -> list[dict[str, Any]]:
    """The PDFs stored at approval, with their SHA-256, for whoever may download them; a
    variant the background job is still storing has no SHA-256 yet."""
    if not lifecycle.is_finished(review) or not perm.can_export(user, review):
        return []
    stored = report_snapshots.stored_checksums(review)
    # the usual case, no more queries (participants' own copies are stored beside them)
    everything = all(key in stored for key in vocab.FROZEN_REPORT_VARIANTS)
    storing = set() if everything else {r.variant for r in report_snapshots.awaiting_all(review)}
    return [
        {
            "variant": key,
            "label": vocab.label(vocab.REPORT_VARIANTS, key),
            "sha256": stored.get(key),
        }
        for key in vocab.FROZEN_REPORT_VARIANTS
        if key in stored or key in storing
    ]


@reviews_bp.route("/reviews/<int:review_id>/details", methods=["GET", "POST"])
@login_required_for()
def edit_details(review_id: int) -> str | Response:
    review = get_review_or_404(review_id, actor(), perm.can_edit_review)
    form = EditDetailsForm(obj=review)
    if form.validate_on_submit():
        saved = submit_edit(
            form, lambda data: review_service.update_review(actor(), review, data), review
        )
        if saved is not None:
            flash("Notification details saved.")
            return redirect(url_for("reviews.overview", review_id=review.id))
    elif request.method == "GET":
        review_service.record_view(actor(), review, "notification details for editing")
    stale = stale_comparison(form, review)
    return render_template("reviews/details.html", review=review, form=form, stale=stale)


def _participants_page(review: Review, add_form: ParticipantForm, form: object) -> str:
    """The page; with `?find=` (a GET search, no script needed) the officer accounts whose
    name or email match, to choose from instead of typing an email address."""
    words = request.args.get("find", "") if request.method == "GET" else ""
    found: list[User] | None = None
    find_error: str | None = None
    if words.strip() and perm.can_edit_review(actor(), review):
        try:
            found = review_service.find_officers(actor(), review, words)
        except ValidationFailed as exc:
            find_error = exc.fields["find"][0]
    return render_template(
        "reviews/participants.html",
        review=review,
        add_form=add_form,
        form=form,
        find=words,
        found=found,
        find_error=find_error,
    )


@reviews_bp.route("/reviews/<int:review_id>/participants", methods=["GET", "POST"])
@login_required_for()
def participants(review_id: int) -> str | Response:
    user = actor()
    action = perm.can_edit_review if request.method == "POST" else perm.can_see_evidence
    review = get_review_or_404(review_id, user, action)
    form = ParticipantForm()
    if form.validate_on_submit():
        added = submit_form(
            form, lambda: review_service.add_participant(actor(), review, form_data(form))
        )
        if added is not None:
            role = vocab.label(vocab.PARTICIPANT_ROLES, added.role_in_case).lower()
            flash(f"{added.user.name} added as {role}.")
            return redirect(url_for("reviews.participants", review_id=review.id))
    elif request.method == "GET":
        review_service.record_view(user, review, "participants")
    return _participants_page(review, form, form)


@reviews_bp.route(
    "/reviews/<int:review_id>/participants/<int:participant_id>/remove", methods=["GET", "POST"]
)
@login_required_for()
def remove_participant(review_id: int, participant_id: int) -> str | Response:
    """Asks first, saying what goes with the participant; the POST removes them."""
    review = get_review_or_404(review_id, actor(), perm.can_edit_review)
    participant = get_child_or_404(review, Participant, participant_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        name = participant.user.name

        def remove() -> bool:
            review_service.remove_participant(actor(), review, participant)
            return True

        if submit_form(form, remove):
            flash(f"{name} removed from the review.")
            return redirect(url_for("reviews.participants", review_id=review.id))
    elif request.method == "GET":
        review_service.record_view(
            actor(), review, f"confirmation page before removing {participant.user.name}"
        )
    return render_template(
        "reviews/remove_participant.html",
        review=review,
        participant=participant,
        form=form,
        kept_because=review_service.why_participant_stays(review, participant),
    )


def _countersigner(review: Review) -> dict[str, str | None]:
    signer = review.countersigner
    return {"countersigner_email": signer.email if signer else None}


def _active_assurers() -> list[User]:
    query = select(User).where(User.role == "quality_assurer", User.active.is_(True))
    return list(db.session.scalars(query.order_by(User.name)))


@reviews_bp.route("/reviews/<int:review_id>/judgement", methods=["GET", "POST"])
@login_required_for()
def judgement(review_id: int) -> str | Response:
    review = get_review_or_404(review_id, actor(), perm.can_edit_review)
    current = review.countersigner
    form = JudgementForm(obj=review, countersigner_email=current.email if current else "")
    form.fill_choices(_active_assurers(), current)
    if form.validate_on_submit():
        saved = submit_edit(
            form,
            lambda data: review_service.update_review(actor(), review, data),
            review,
            lambda: _countersigner(review),
        )
        if saved is not None:
            flash("Overall judgement and countersigner saved.")
            return redirect(url_for("reviews.overview", review_id=review.id))
    elif request.method == "GET":
        review_service.record_view(actor(), review, "overall judgement")
    stale = stale_comparison(form, review, _countersigner(review))
    return render_template("reviews/judgement.html", review=review, form=form, stale=stale)
