"""Report pages: the downloads page, the PDF download, and "Preparing your PDF"."""

from __future__ import annotations

from flask import Response, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from sfo_review import lifecycle, vocab
from sfo_review import permissions as perm
from sfo_review.auth.session import actor, login_required_for
from sfo_review.loaders import get_review_or_404
from sfo_review.models import Review
from sfo_review.pdf import participant as participant_copy
from sfo_review.pdf.render import ReportUnavailable
from sfo_review.reports.blueprint import reports_bp
from sfo_review.services import reviews as review_service
from sfo_review.services.errors import Conflict, NotFound, ValidationFailed
from sfo_review.services.reports import cache as report_cache
from sfo_review.services.reports import exports as report_exports
from sfo_review.services.reports import snapshots as report_snapshots
from sfo_review.services.reports import work as report_work

VARIANT_ERROR = "Select the report variant (one of: full, family_summary, action_plan)"


@reports_bp.route("/reviews/<int:review_id>/reports")
@login_required_for()
def reports(review_id: int) -> str:
    user = actor()
    review = get_review_or_404(review_id, user, perm.can_export)
    review_service.record_view(user, review, "reports")
    snapshots, rendered = report_snapshots.stored_rows(review)
    downloads = [
        {
            "variant": choice.key,
            "label": choice.label,
            "snapshot": snapshots.get((choice.key, "standard")),
            "archival": snapshots.get((choice.key, "archival")),
            "rendered": rendered.get(choice.key),
        }
        for choice in vocab.REPORT_VARIANTS
    ]
    return render_template(
        "reports/reports.html",
        review=review,
        downloads=downloads,
        final=lifecycle.is_finished(review),
        section="reports",
    )


@reports_bp.route("/reviews/<int:review_id>/report.pdf")
@login_required_for()
def report(review_id: int) -> BaseResponse | tuple[str, int]:
    user = actor()
    variant = request.args.get("variant")
    own_copy = variant == participant_copy.VARIANT  # anyone but a participant: 404
    review = get_review_or_404(
        review_id, user, perm.can_see_review if own_copy else perm.can_export
    )
    try:
        if own_copy:
            export = report_exports.export_participant_copy(
                user, review, request.args.get("format")
            )
        else:
            export = report_exports.export_report(user, review, variant, request.args.get("format"))
    except ValidationFailed as exc:
        messages = [m for ms in exc.fields.values() for m in ms] or [exc.message]
        return _problem(review, 422, "This report does not exist", messages), 422
    except Conflict as exc:
        title = "This report does not exist" + ("" if lifecycle.is_finished(review) else " yet")
        return _problem(review, 409, title, [exc.message]), 409
    except ReportUnavailable as exc:
        title = "Sorry, there is a problem producing the report"
        return _problem(review, exc.status, title, [exc.message]), exc.status
    if export.pdf is None:  # long, not ready yet, or failed: the preparing page says which
        assert export.preparing is not None  # noqa: S101 - no bytes means a render is on
        asked = participant_copy.VARIANT if own_copy else variant or "full"
        target = url_for("reports.preparing", review_id=review.id, variant=asked)
        return redirect(target, code=303)
    response = Response(export.pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Length"] = str(len(export.pdf))
    return response


@reports_bp.route("/reviews/<int:review_id>/reports/preparing")
@login_required_for()
def preparing(review_id: int) -> str | tuple[str, int]:
    """Where a long report's download waits for the background render.

    Without JavaScript the reader follows "Check again"; with it, static/js/report-status.js
    checks this page every few seconds and reloads it once the state changes. No view is
    recorded here: the page repeats itself by design and shows no review content, and the
    download it leads to is recorded as an export.
    """
    user = actor()
    variant = request.args.get("variant", "")
    if variant == participant_copy.VARIANT:
        review = get_review_or_404(review_id, user, perm.can_see_review)
        own = review.participant_for(user) if perm.can_download_own_copy(user, review) else None
        if own is None:
            raise NotFound("Review not found.")
        key, label = participant_copy.key(own), participant_copy.LABEL_IN_SENTENCE
    else:
        review = get_review_or_404(review_id, user, perm.can_export)
        if variant not in vocab.keys(vocab.REPORT_VARIANTS):
            return _problem(review, 422, "This report does not exist", [VARIANT_ERROR]), 422
        # the family summary once it may be disclosed: its copy without the mark (docs/pdf.md)
        key = report_exports.storage_key(review, variant)
        label = vocab.label(vocab.REPORT_VARIANTS, variant)
    rendered = report_cache.cached(review, key)
    if rendered is not None:  # lost with its worker: asked for again, so it stays "Preparing"
        rendered = report_work.retry_lost(rendered)
    # a participant's copy kept at approval and not asked for yet: nothing being prepared
    held = rendered is not None and rendered.state == report_snapshots.HELD
    state = rendered.state if rendered is not None and not held else "none"
    return render_template(
        "reports/preparing.html",
        review=review,
        variant=variant,
        label=label,
        own_copy=variant == participant_copy.VARIANT,
        rendered=rendered,
        state=state,
        final=lifecycle.is_finished(review),
        section="reports",
    )


def _problem(review: Review, status: int, title: str, messages: list[str]) -> str:
    return render_template(
        "reports/problem.html",
        review=review,
        status=status,
        title=title,
        messages=messages,
        own_copy=request.args.get("variant") == participant_copy.VARIANT,
        section="reports",
    )
