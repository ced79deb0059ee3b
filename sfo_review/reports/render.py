"""The PDF reports: templates/pdf/ rendered with WeasyPrint through a static-only fetcher.

Two variants: the full report (everything, for the service) and the family summary (plain
English for a bereaved family: no officer names, statements, replies or per-person figures).
The templates use their own Jinja environment with autoescape always on, so text typed
into a review prints literally and is never read as HTML.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy import func, select

from sfo_review import vocab
from sfo_review.extensions import db
from sfo_review.models import AuditEvent, CaseloadContext, Review, SystemicFactor
from sfo_review.reports.fetcher import StaticOnlyFetcher
from sfo_review.services.errors import ServiceError

VARIANTS = vocab.keys(vocab.REPORT_VARIANTS)
FINAL_STATUSES = ("approved", "closed")  # every other status prints DRAFT on every page
LONDON = ZoneInfo("Europe/London")
TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates" / "pdf"

# How the family summary refers to people instead of naming them.
ROLE_PHRASES = {
    "responsible_officer": "the probation officer",
    "previous_officer": "a previous probation officer",
    "line_manager": "the line manager",
    "other": "a member of staff",
}
LEVEL_PHRASES = {
    "team": "in the local team",
    "organisational": "in the probation region or service",
    "partnership": "between the Probation Service and other agencies",
    "national": "nationally (HMPPS or the Ministry of Justice)",
}


class ReportUnavailable(ServiceError):
    """The PDF could not be produced (timed out or failed); nothing was stored."""

    code = "report_unavailable"
    status = 503

    def __init__(self, detail: str = "") -> None:
        message = (
            "The report could not be produced. Try again in a few minutes; if it keeps "
            "happening, tell the service support team."
        )
        super().__init__(message)
        self.detail = detail


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def render_pdf(review: Review, variant: str) -> bytes:
    """The PDF of `variant` ("full" or "family_summary"), or ReportUnavailable."""
    html = render_html(review, variant)
    static_folder = current_app.static_folder
    assert static_folder is not None  # noqa: S101 - create_app always sets it
    timeout = float(current_app.config["PDF_RENDER_TIMEOUT_SECONDS"])
    return _within(timeout, lambda: write_pdf(html, static_folder))


def write_pdf(html: str, static_folder: str) -> bytes:
    from weasyprint import HTML  # imported late: it is slow to import and only needed here

    base_url = Path(static_folder).resolve().as_uri() + "/"
    pdf: bytes = HTML(
        string=html, base_url=base_url, url_fetcher=StaticOnlyFetcher(static_folder)
    ).write_pdf()
    return pdf


def _within(seconds: float, work: Callable[[], bytes]) -> bytes:
    """Run `work` in a worker thread and give up after `seconds`.

    The simple way: a render that overruns is abandoned (the daemon thread finishes or dies
    with the process) and the caller gets a clear error instead of a hung request.
    """
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["pdf"] = work()
        except Exception as exc:  # reported to the caller below
            outcome["error"] = exc

    worker = threading.Thread(target=run, name="pdf-render", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        current_app.logger.error("PDF rendering took longer than %s seconds", seconds)
        raise ReportUnavailable(f"timed out after {seconds} seconds")
    if "error" in outcome:
        current_app.logger.error("PDF rendering failed", exc_info=outcome["error"])
        raise ReportUnavailable(repr(outcome["error"])) from outcome["error"]
    pdf: bytes = outcome["pdf"]
    return pdf


def render_html(review: Review, variant: str) -> str:
    if variant not in VARIANTS:
        raise ValueError(f"Unknown report variant {variant!r}")
    template = _environment(current_app).get_template(f"{variant}.html")
    context = _common_context(review, variant)
    if variant == "full":
        context.update(_full_context(review))
    else:
        context.update(_family_context(review))
    return template.render(**context)


def _environment(app: Flask) -> Environment:
    env: Environment | None = app.extensions.get("sfo_pdf_jinja")
    if env is None:
        env = Environment(
            loader=FileSystemLoader(str(TEMPLATES)),
            autoescape=True,  # always: these templates are not chosen by file extension
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.filters["long_date"] = long_date
        env.globals["vocab"] = vocab
        app.extensions["sfo_pdf_jinja"] = env
    return env


def long_date(value: date | datetime | None) -> str:
    """GOV.UK style dates: 2 May 2023 (timestamps in UK time)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(LONDON).date()
    return f"{value.day} {value:%B %Y}"


def _common_context(review: Review, variant: str) -> dict[str, Any]:
    draft = review.status not in FINAL_STATUSES
    variant_label = vocab.label(vocab.REPORT_VARIANTS, variant)
    return {
        "review": review,
        "variant": variant,
        "draft": draft,
        "document_title": f"Serious Further Offence Review {review.reference} – {variant_label}",
        "report_date": review.approved_at if review.approved_at else datetime.now(LONDON),
        "status_label": vocab.label(vocab.STATUSES, review.status),
    }


# ---- the full report ------------------------------------------------------------------


def _full_context(review: Review) -> dict[str, Any]:
    findings = review.findings
    return {
        "caseload_rows": [_caseload_row(c) for c in review.caseload_contexts],
        "caseload_max": current_app.config["CASELOAD_REFERENCE_MAX"],
        "workload_max": current_app.config["WORKLOAD_REFERENCE_PERCENT"],
        "factor_groups": _factor_groups(review.systemic_factors),
        "statements": [s for s in review.statements if s.status == "submitted"],
        "participant_roles": {
            p.user_id: vocab.label(vocab.PARTICIPANT_ROLES, p.role_in_case)
            for p in review.participants
        },
        "balance": _balance(findings),
        "audit_counts": _audit_counts(review),
    }


def _caseload_row(context: CaseloadContext) -> dict[str, Any]:
    caseload_max = current_app.config["CASELOAD_REFERENCE_MAX"]
    workload_max = current_app.config["WORKLOAD_REFERENCE_PERCENT"]
    flags = []
    if context.caseload_count > caseload_max:
        flags.append(
            f"Caseload of {context.caseload_count} is above the reference maximum "
            f"of {caseload_max} cases."
        )
    if context.workload_percent > workload_max:
        flags.append(
            f"Workload of {context.workload_percent}% is above the {workload_max}% "
            "workload measurement tool reference point."
        )
    return {"context": context, "flags": flags}


def _factor_groups(factors: list[SystemicFactor]) -> list[dict[str, Any]]:
    """Factors grouped by category (taxonomy order), each ordered by level."""
    level_order = vocab.keys(vocab.FACTOR_LEVELS)
    groups = []
    for category in vocab.SYSTEMIC_FACTOR_CATEGORIES:
        members = [f for f in factors if f.category == category.key]
        if members:
            members.sort(key=lambda f: (level_order.index(f.level), f.id))
            groups.append({"category": category, "factors": members})
    return groups


def _balance(findings: list[Any]) -> dict[str, Any]:
    from sfo_review.lifecycle import finding_is_balanced

    judgements = Counter(f.judgement for f in findings)
    attributions = Counter(a for f in findings for a in f.attribution)
    individual = [f for f in findings if "individual" in f.attribution]
    return {
        "total": len(findings),
        "judgements": [(c.label, judgements[c.key]) for c in vocab.JUDGEMENTS if judgements[c.key]],
        "attributions": [
            (c.label, attributions[c.key]) for c in vocab.ATTRIBUTIONS if attributions[c.key]
        ],
        "individual": len(individual),
        "individual_balanced": sum(1 for f in individual if finding_is_balanced(f)),
        "with_replies": sum(1 for f in findings if f.responses),
    }


def _audit_counts(review: Review) -> list[tuple[str, int]]:
    rows = db.session.execute(
        select(AuditEvent.action, func.count())
        .where(AuditEvent.review_id == review.id)
        .group_by(AuditEvent.action)
        .order_by(AuditEvent.action)
    ).all()
    return [(_event_label(action), count) for action, count in rows]


def _event_label(action: str) -> str:
    return action.replace(".", " ").replace("_", " ").capitalize()


# ---- the family summary ---------------------------------------------------------------


def _family_context(review: Review) -> dict[str, Any]:
    redact = _redactor(review)
    return {
        "redact": redact,
        "level_phrases": LEVEL_PHRASES,
        "factor_groups": _factor_groups(review.systemic_factors),
        "actions": sorted(review.actions, key=lambda a: (a.due_date, a.id)),
    }


def _redactor(review: Review) -> Callable[[str | None], str]:
    """Replace the full name of anyone involved with a description of their role.

    The family summary never prints a name from the records; this also catches a name the
    reviewer typed into free text (a chronology summary, a factor description).
    """
    phrases: dict[str, str] = {}
    for participant in review.participants:
        phrases[participant.user.name] = ROLE_PHRASES.get(
            participant.role_in_case, "a member of staff"
        )
    for person, phrase in (
        (review.reviewer, "the reviewer"),
        (review.created_by, "the reviewer"),
        (review.countersigner, "the countersigning manager"),
        (review.approved_by, "the countersigning manager"),
    ):
        if person is not None:
            phrases.setdefault(person.name, phrase)
    for statement in review.statements:
        phrases.setdefault(statement.author.name, "a member of staff")
    names = sorted((n for n in phrases if n.strip()), key=len, reverse=True)
    if not names:
        return lambda text: text or ""
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(n.strip()) for n in names) + r")(?!\w)", re.IGNORECASE
    )
    lookup = {n.strip().casefold(): phrase for n, phrase in phrases.items()}

    def replace(match: re.Match[str]) -> str:
        phrase = lookup.get(match.group(0).casefold(), "a member of staff")
        before = match.string[: match.start()].rstrip()
        if not before or before[-1] in ".!?:":  # the start of a sentence
            phrase = phrase[0].upper() + phrase[1:]
        return phrase

    def redact(text: str | None) -> str:
        return pattern.sub(replace, text) if text else ""

    return redact
