"""Report pages: the downloads page and the PDF download itself."""

from __future__ import annotations

from flask import Response, render_template, request

from sfo_review import permissions as perm
from sfo_review import vocab
from sfo_review.auth.session import actor, login_required_for
from sfo_review.loaders import get_review_or_404
from sfo_review.reports import reports_bp
from sfo_review.reports.render import FINAL_STATUSES, ReportUnavailable
from sfo_review.services import reports as report_service
from sfo_review.services import reviews as review_service
from sfo_review.services.errors import ValidationFailed


@reports_bp.route("/reviews/<int:review_id>/reports")
@login_required_for()
def reports(review_id: int) -> str:
    user = actor()
    review = get_review_or_404(review_id, user, perm.can_export)
    review_service.record_view(user, review, "reports")
    downloads = [
        {
            "variant": choice.key,
            "label": choice.label,
            "filename": report_service.filename(review, choice.key),
            "snapshot": report_service.snapshot(review, choice.key),
        }
        for choice in vocab.REPORT_VARIANTS
    ]
    return render_template(
        "reports/reports.html",
        review=review,
        downloads=downloads,
        final=review.status in FINAL_STATUSES,
        section="reports",
    )


@reports_bp.route("/reviews/<int:review_id>/report.pdf")
@login_required_for()
def report(review_id: int) -> Response | tuple[str, int]:
    user = actor()
    review = get_review_or_404(review_id, user, perm.can_export)
    variant = request.args.get("variant")
    try:
        pdf, filename = report_service.export_report(user, review, variant)
    except ValidationFailed as exc:
        messages = [m for ms in exc.fields.values() for m in ms] or [exc.message]
        return _problem(review, 422, "This report does not exist", messages), 422
    except ReportUnavailable as exc:
        title = "Sorry, there is a problem producing the report"
        return _problem(review, exc.status, title, [exc.message]), exc.status
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Length"] = str(len(pdf))
    return response


def _problem(review: object, status: int, title: str, messages: list[str]) -> str:
    return render_template(
        "reports/problem.html",
        review=review,
        status=status,
        title=title,
        messages=messages,
        section="reports",
    )
