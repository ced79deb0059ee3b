"""The inspection sample page and its CSV: thin views over services.inspection_sample (the
same sample as GET /api/v1/inspection-sample). Every draw is audited by the service."""

from __future__ import annotations

from typing import Any

from flask import Response, render_template, request

from sfo_review import permissions as perm
from sfo_review.auth.session import actor, login_required_for
from sfo_review.clock import LONDON
from sfo_review.inspection.blueprint import inspection_bp
from sfo_review.inspection.forms import SampleForm
from sfo_review.services import csv_cells
from sfo_review.services import inspection_sample as service
from sfo_review.services.errors import ValidationFailed

FIELDS = {"from": "start", "to": "end"}
DEFAULT_PERCENT = "10"
COLUMNS = ("Review", "Region", "PDU", "Approved at (UK time)", "Full report SHA-256")


def _form() -> SampleForm:
    form = SampleForm(formdata=request.args or None)
    if not request.args:  # a fresh page: a new seed, so each sample is drawn anew
        form.percent.data = DEFAULT_PERCENT
        form.seed.data = str(service.fresh_seed())
    return form


def _draw(form: SampleForm, how: str) -> service.Sample | None:
    """The sample for valid parameters, recorded as drawn; None (every error on the form)
    otherwise."""
    valid = form.validate()
    try:
        drawn = service.draw(actor(), form.service_data())
    except ValidationFailed as exc:
        for name, messages in exc.fields.items():
            field = getattr(form, FIELDS.get(name, name), None)
            if field is None:
                form.form_errors.extend(messages)
            elif not field.errors:  # the form's own message about the typing comes first
                field.errors = list(messages)
        return None
    if not valid:
        return None
    service.record(actor(), drawn, how)
    return drawn


def _approved(item: service.Item) -> str:
    return (
        item.approved_at.astimezone(LONDON).strftime("%Y-%m-%d %H:%M") if item.approved_at else ""
    )


def _rows(drawn: service.Sample) -> list[list[Any]]:
    return [[i.reference, i.region, i.pdu, _approved(i), i.report_sha256] for i in drawn.items]


@inspection_bp.route("/inspection-sample")
@login_required_for(perm.can_draw_inspection_sample)
def sample() -> str | tuple[str, int]:
    form = _form()
    drawn = _draw(form, "page") if request.args else None
    page = render_template(
        "inspection/sample.html",
        form=form,
        sample=drawn,
        approved=_approved,
        csv_args=drawn.parameters() if drawn else {},  # the dates as YYYY-MM-DD
    )
    return (page, 422) if request.args and drawn is None else page


@inspection_bp.route("/inspection-sample.csv")
@login_required_for(perm.can_draw_inspection_sample)
def sample_csv() -> Response | tuple[str, int]:
    form = _form()
    drawn = _draw(form, "csv")
    if drawn is None:
        page = render_template("inspection/sample.html", form=form, sample=None, csv_args={})
        return page, 422
    p = drawn.parameters()
    name = f"sfo-inspection-sample-{p['from']}-to-{p['to']}-{p['percent']}pc-seed-{p['seed']}.csv"
    return Response(
        csv_cells.document(COLUMNS, _rows(drawn)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
