"""Exporting the PDF reports (the approved snapshot once there is one)."""

from __future__ import annotations

from sqlalchemy import select

from sfo_review import permissions as perm
from sfo_review import vocab
from sfo_review.extensions import db
from sfo_review.models import ReportSnapshot, Review, User
from sfo_review.services import validation as v
from sfo_review.services._common import audit, require_permission, use_case

VARIANT_RULES: dict[str, v.Rule] = {
    "variant": v.enum("report variant", vocab.keys(vocab.REPORT_VARIANTS)),
}


def snapshot(review: Review, variant: str) -> ReportSnapshot | None:
    return db.session.scalar(
        select(ReportSnapshot).where(
            ReportSnapshot.review_id == review.id, ReportSnapshot.variant == variant
        )
    )


def filename(review: Review, variant: str) -> str:
    return f"{review.reference}-{variant.replace('_', '-')}.pdf"


@use_case
def export_report(actor: User, review: Review, variant: str | None) -> tuple[bytes, str]:
    """The PDF and its file name; approved reviews always return the stored bytes."""
    require_permission(perm.can_export(actor, review), "You cannot export this review.")
    values = v.clean({"variant": variant or "full"}, VARIANT_RULES)
    variant = values["variant"]
    stored = snapshot(review, variant)
    if stored is not None:
        pdf = stored.pdf
    else:
        from sfo_review.reports.render import render_pdf

        pdf = render_pdf(review, variant)
    label = vocab.label(vocab.REPORT_VARIANTS, variant).lower()
    audit(review, actor, "report.exported", f"Exported the {label} PDF", {"variant": variant})
    return pdf, filename(review, variant)
