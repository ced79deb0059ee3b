"""The just-culture assessment of one finding: a start page, one question a page (saved as
it goes), check your answers, and a confirmation. Only for individual shortfall findings.

The reviewer answers while the review is editable; quality assurance and leadership read
the start and check-your-answers pages without Change links; officers read the outcome on
the finding's page when the finding is about them (permissions.can_see_just_culture).
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from sfo_review import just_culture as jc
from sfo_review import lifecycle
from sfo_review import permissions as perm
from sfo_review.auth.session import actor, login_required_for
from sfo_review.findings.blueprint import findings_bp
from sfo_review.findings.just_culture_forms import (
    BY_SLUG,
    STEP_OF_KEY,
    STEPS,
    ConfirmAssessmentForm,
    Step,
    field_for,
    form_for,
    next_step,
    previous_step,
)
from sfo_review.forms_support import show_errors
from sfo_review.loaders import ReviewAction, get_child_or_404, get_review_or_404
from sfo_review.models import Finding, Review
from sfo_review.services import findings as finding_service
from sfo_review.services import reviews as review_service
from sfo_review.services.errors import Conflict, NotFound, ValidationFailed

BASE = "/reviews/<int:review_id>/findings/<int:finding_id>/just-culture"


def _load(review_id: int, finding_id: int, action: ReviewAction) -> tuple[Review, Finding]:
    review = get_review_or_404(review_id, actor(), action)
    return review, get_child_or_404(review, Finding, finding_id)


def _start(review: Review, finding: Finding) -> Response:
    return redirect(url_for("findings.just_culture", review_id=review.id, finding_id=finding.id))


def summary_rows(finding: Finding) -> list[dict[str, Any]]:
    """Check-your-answers rows: label, answer as words, and the step to change it."""
    return [
        {"key": key, "label": label, "value": words, "step": STEP_OF_KEY[key].slug}
        for key, label, words in jc.summary(finding.just_culture)
    ]


@findings_bp.route(BASE)
@login_required_for()
def just_culture(review_id: int, finding_id: int) -> str:
    """The assessment's start page: what it is, where it stands, and the way in."""
    review, finding = _load(review_id, finding_id, perm.can_see_evidence)
    review_service.record_view(actor(), review, f"just-culture assessment of “{finding.title}”")
    answers = jc.answers_of(finding.just_culture)
    first_unanswered = next(
        (s for s in STEPS if any(answers.get(k) is None for k in s.keys if k != "mitigation")),
        None,
    )
    return render_template(
        "findings/just_culture/start.html",
        review=review,
        finding=finding,
        applies=jc.is_individual_shortfall(finding),
        started=finding.just_culture is not None,
        complete=jc.is_complete(answers),
        first_step=(first_unanswered or STEPS[0]).slug,
        can_answer=perm.can_assess_just_culture(actor(), review) and lifecycle.is_editable(review),
        rows=summary_rows(finding),
        outcome=finding.just_culture.outcome if finding.just_culture else None,
        meanings=jc.MEANINGS,
    )


def _save(review: Review, finding: Finding, step: Step, form: Any) -> bool:
    """Save the page's answers; errors shown next to the page's fields."""
    try:
        finding_service.set_just_culture(
            actor(), review, finding, form.answers(), form.version.data
        )
    except (ValidationFailed, Conflict) as exc:
        # The service names the assessment's keys `just_culture.<key>`: each to its field.
        renamed: dict[str, list[str]] = {}
        for name, messages in exc.fields.items():
            key = name.removeprefix(f"{finding_service.JUST_CULTURE_KEY}.")
            field = field_for(form, key) if key in step.keys else None
            renamed[field.name if field is not None else name] = messages
        exc.fields = renamed
        show_errors(form, exc)
        return False
    return True


@findings_bp.route(BASE + "/<string:step>", methods=["GET", "POST"])
@login_required_for()
def just_culture_question(review_id: int, finding_id: int, step: str) -> str | Response:
    """One question of the guide; saved on Continue, then the next (or check your answers)."""
    review, finding = _load(review_id, finding_id, perm.can_assess_just_culture)
    page = BY_SLUG.get(step)
    if page is None:
        raise NotFound("Page not found.")
    if not jc.is_individual_shortfall(finding) or not lifecycle.is_editable(review):
        return _start(review, finding)
    form = form_for(page)
    if request.method == "POST":
        if form.validate_on_submit() and _save(review, finding, page, form):
            following = next_step(page)
            if following is None or request.args.get("change"):
                return redirect(
                    url_for(
                        "findings.just_culture_check", review_id=review.id, finding_id=finding_id
                    )
                )
            return redirect(
                url_for(
                    "findings.just_culture_question",
                    review_id=review.id,
                    finding_id=finding_id,
                    step=following.slug,
                )
            )
    else:
        form.fill(jc.answers_of(finding.just_culture))
        form.version.data = finding.version
    before = previous_step(page)
    back = (
        url_for(
            "findings.just_culture_question",
            review_id=review.id,
            finding_id=finding_id,
            step=before.slug,
        )
        if before is not None
        else url_for("findings.just_culture", review_id=review.id, finding_id=finding_id)
    )
    return render_template(
        "findings/just_culture/question.html",
        review=review,
        finding=finding,
        form=form,
        step=page,
        number=STEPS.index(page) + 1,
        total=len(STEPS),
        back=back,
    )


@findings_bp.route(BASE + "/check-your-answers", methods=["GET", "POST"])
@login_required_for()
def just_culture_check(review_id: int, finding_id: int) -> str | Response:
    """Every answer with a Change link, the outcome and what it means; Confirm (reviewer)."""
    action = perm.can_assess_just_culture if request.method == "POST" else perm.can_see_evidence
    review, finding = _load(review_id, finding_id, action)
    if not jc.is_individual_shortfall(finding):
        return _start(review, finding)
    form = ConfirmAssessmentForm()
    if form.validate_on_submit():
        try:
            finding_service.confirm_just_culture(actor(), review, finding)
        except (ValidationFailed, Conflict) as exc:
            form.form_errors.extend(
                [m for messages in exc.fields.values() for m in messages] or [exc.message]
            )
        else:
            flash("Just-culture assessment confirmed.")
            return redirect(
                url_for(
                    "findings.just_culture_confirmation", review_id=review.id, finding_id=finding_id
                )
            )
    elif request.method == "GET":
        review_service.record_view(actor(), review, f"just-culture answers of “{finding.title}”")
    answers = jc.answers_of(finding.just_culture)
    return render_template(
        "findings/just_culture/check.html",
        review=review,
        finding=finding,
        form=form,
        rows=summary_rows(finding),
        outcome=jc.outcome(answers),
        complete=jc.is_complete(answers),
        meanings=jc.MEANINGS,
        can_answer=perm.can_assess_just_culture(actor(), review) and lifecycle.is_editable(review),
        back=url_for(
            "findings.just_culture_question",
            review_id=review.id,
            finding_id=finding_id,
            step=STEPS[-1].slug,
        ),
    )


@findings_bp.route(BASE + "/confirmation")
@login_required_for()
def just_culture_confirmation(review_id: int, finding_id: int) -> str:
    review, finding = _load(review_id, finding_id, perm.can_assess_just_culture)
    return render_template(
        "findings/just_culture/confirmation.html",
        review=review,
        finding=finding,
        outcome=finding.just_culture.outcome if finding.just_culture else None,
        meanings=jc.MEANINGS,
    )
