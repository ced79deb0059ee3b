"""Evidence pages: the chronology, caseload contexts and systemic factors of a review.

Each kind has a list, an add form, an edit form (carrying the version) and a delete
confirmation; the three share the helpers below and differ only in their `Kind`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from sfo_review import permissions as perm
from sfo_review import vocab
from sfo_review.auth.session import actor, login_required_for
from sfo_review.evidence import chronology_list
from sfo_review.evidence.blueprint import evidence_bp
from sfo_review.evidence.forms import (
    CaseloadForm,
    ChronologyForm,
    DeleteForm,
    EditCaseloadForm,
    EditChronologyForm,
    EditFactorForm,
    FactorForm,
)
from sfo_review.forms_support import form_data, stale_comparison, submit_edit, submit_form
from sfo_review.loaders import get_child_or_404, get_review_or_404
from sfo_review.models import CaseloadContext, ChronologyEntry, Review, SystemicFactor, User
from sfo_review.services import caseload_accounts as account_service
from sfo_review.services import evidence as evidence_service
from sfo_review.services import reviews as review_service

BASE = "/reviews/<int:review_id>"


@dataclass(frozen=True)
class Kind:
    model: type[Any]
    label: str  # "chronology entry"
    list_endpoint: str
    edit_endpoint: str
    id_arg: str
    form: type[FlaskForm]
    edit_form: type[FlaskForm]
    template: str
    add: Callable[[User, Review, dict[str, Any]], Any]


CHRONOLOGY = Kind(
    ChronologyEntry,
    "chronology entry",
    "evidence.chronology",
    "evidence.edit_chronology",
    "entry_id",
    ChronologyForm,
    EditChronologyForm,
    "evidence/chronology_form.html",
    evidence_service.add_chronology_entry,
)
CASELOAD = Kind(
    CaseloadContext,
    "caseload context",
    "evidence.caseload_contexts",
    "evidence.edit_caseload_context",
    "context_id",
    CaseloadForm,
    EditCaseloadForm,
    "evidence/caseload_form.html",
    evidence_service.add_caseload_context,
)
FACTOR = Kind(
    SystemicFactor,
    "systemic factor",
    "evidence.systemic_factors",
    "evidence.edit_systemic_factor",
    "factor_id",
    FactorForm,
    EditFactorForm,
    "evidence/factor_form.html",
    evidence_service.add_systemic_factor,
)


def _readable(review_id: int) -> Review:
    review = get_review_or_404(review_id, actor(), perm.can_see_evidence)
    return review


def _editable(review_id: int) -> Review:
    return get_review_or_404(review_id, actor(), perm.can_edit_review)


def _prepare(form: FlaskForm, review: Review) -> FlaskForm:
    if isinstance(form, CaseloadForm):
        form.fill_choices(review)
    return form


def _list_url(kind: Kind, review: Review, obj: Any = None, anchor: bool = True) -> str:
    """The list, at the anchor of `obj`; the chronology at the place (filters, view, page)
    the person came from, on the page where `obj` is now (chronology_list.return_args)."""
    args: dict[str, str] = {}
    if kind is CHRONOLOGY:
        args = chronology_list.return_args(review, request.args, obj)
        if obj is not None and not chronology_list.filters_of(args).matches(obj):
            obj = None  # not on the page shown: no anchor
    prefix = "timeline" if args.get("view") == "timeline" else kind.model.__tablename__
    fragment = f"#{prefix}-{obj.id}" if obj is not None and anchor else ""
    values: dict[str, Any] = {"review_id": review.id, **args}
    return url_for(kind.list_endpoint, **values) + fragment


def _render_form(kind: Kind, review: Review, form: FlaskForm, obj: Any = None) -> str:
    stale = stale_comparison(form, obj)
    return render_template(
        kind.template,
        review=review,
        form=form,
        item=obj,
        kind=kind,
        stale=stale,
        list_url=_list_url(kind, review, obj, anchor=False),
    )


def _add(kind: Kind, review_id: int) -> str | Response:
    review = _editable(review_id)
    form = _prepare(kind.form(), review)
    if form.validate_on_submit():
        created = submit_form(form, lambda: kind.add(actor(), review, form_data(form)))
        if created is not None:
            another = getattr(form, "add_another", None)
            if another is not None and another.data:
                flash(f"The {kind.label} has been added. Add the next one.")
                return redirect(request.full_path if request.query_string else request.path)
            flash(f"The {kind.label} has been added.")
            return redirect(_list_url(kind, review, created))
    elif request.method == "GET":
        review_service.record_view(actor(), review, f"new {kind.label} form")
    return _render_form(kind, review, form)


def _edit(kind: Kind, review_id: int, obj_id: int) -> str | Response:
    review = _editable(review_id)
    obj = get_child_or_404(review, kind.model, obj_id)
    form = _prepare(kind.edit_form(obj=obj), review)
    if form.validate_on_submit():
        saved = submit_edit(
            form, lambda data: evidence_service.update_evidence(actor(), review, obj, data), obj
        )
        if saved is not None:
            flash(f"The {kind.label} has been saved.")
            return redirect(_list_url(kind, review, obj))
    elif request.method == "GET":
        review_service.record_view(actor(), review, f"{kind.label} for editing")
    return _render_form(kind, review, form, obj)


def _delete(kind: Kind, review_id: int, obj_id: int) -> str | Response:
    review = _editable(review_id)
    obj = get_child_or_404(review, kind.model, obj_id)
    form = DeleteForm()
    if form.validate_on_submit():

        def delete() -> bool:
            evidence_service.delete_evidence(actor(), review, obj)
            return True

        if submit_form(form, delete):
            flash(f"The {kind.label} has been deleted.")
            return redirect(_list_url(kind, review))
    elif request.method == "GET":
        review_service.record_view(actor(), review, f"{kind.label} before deleting")
    return render_template(
        "evidence/delete.html",
        review=review,
        form=form,
        item=obj,
        kind=kind,
        list_url=_list_url(kind, review, obj, anchor=False),
    )


# Chronology


@evidence_bp.route(f"{BASE}/chronology")
@login_required_for()
def chronology(review_id: int) -> str:
    review = _readable(review_id)
    form = chronology_list.filter_form(review, request.args)
    filters = chronology_list.read_filters(form)
    number, problem = chronology_list.read_page_number(request.args.get("page"))
    if problem:
        form.form_errors.append(problem)
    timeline = request.args.get("view") == "timeline"
    view = "timeline" if timeline else None
    page = pagination = None
    if filters is not None:
        page = chronology_list.find(review, filters, number)
        if page.past_the_end is not None:
            form.form_errors.append(
                f"There is no page {page.past_the_end}: the list has {page.pages} "
                f"page{'s' if page.pages != 1 else ''}. This is page {page.number}."
            )
        kept: dict[str, Any] = {"review_id": review.id, **filters.as_args(), "view": view}

        def page_url(n: int) -> str:
            return url_for("evidence.chronology", **kept, page=n if n > 1 else None)

        pagination = chronology_list.pagination(page, page_url)
    review_service.record_view(actor(), review, "chronology")
    place: dict[str, str] = {}
    if page is not None:
        place = {**page.filters.as_args(), **({"view": "timeline"} if timeline else {})}
        if page.number > 1:
            place["page"] = str(page.number)
    shown = filters or chronology_list.Filters()
    rest = {k: v for k, v in shown.as_args().items() if k != "significant"}

    def link(significant: bool, timeline: bool) -> str:
        values: dict[str, Any] = {"review_id": review.id}
        if significant:
            values["significant"] = "1"
        values |= rest
        if timeline:
            values["view"] = "timeline"
        return url_for("evidence.chronology", **values)

    links = {
        "all_entries": link(False, timeline),
        "significant_only": link(True, timeline),
        "table": link(shown.significant, False),
        "timeline": link(shown.significant, True),
    }
    return render_template(
        "evidence/chronology.html",
        review=review,
        form=form,
        links=links,
        page=page,
        entries=page.entries if page else [],
        filters=filters,
        timeline=timeline,
        view_arg=view,
        pagination=pagination,
        place=place,
    )


@evidence_bp.route(f"{BASE}/chronology/new", methods=["GET", "POST"])
@login_required_for()
def new_chronology(review_id: int) -> str | Response:
    return _add(CHRONOLOGY, review_id)


@evidence_bp.route(f"{BASE}/chronology/<int:entry_id>/edit", methods=["GET", "POST"])
@login_required_for()
def edit_chronology(review_id: int, entry_id: int) -> str | Response:
    return _edit(CHRONOLOGY, review_id, entry_id)


@evidence_bp.route(f"{BASE}/chronology/<int:entry_id>/delete", methods=["GET", "POST"])
@login_required_for()
def delete_chronology(review_id: int, entry_id: int) -> str | Response:
    return _delete(CHRONOLOGY, review_id, entry_id)


# Caseload contexts


@evidence_bp.route(f"{BASE}/caseload-contexts")
@login_required_for()
def caseload_contexts(review_id: int) -> str:
    review = _readable(review_id)
    review_service.record_view(actor(), review, "caseload contexts")
    return render_template(
        "evidence/caseload_contexts.html",
        review=review,
        disputed=account_service.disputed_by,
        labels=account_service.FIELD_LABELS,
        caseload_max=current_app.config["CASELOAD_REFERENCE_MAX"],
        workload_max=current_app.config["WORKLOAD_REFERENCE_PERCENT"],
    )


@evidence_bp.route(f"{BASE}/caseload-contexts/new", methods=["GET", "POST"])
@login_required_for()
def new_caseload_context(review_id: int) -> str | Response:
    return _add(CASELOAD, review_id)


@evidence_bp.route(f"{BASE}/caseload-contexts/<int:context_id>/edit", methods=["GET", "POST"])
@login_required_for()
def edit_caseload_context(review_id: int, context_id: int) -> str | Response:
    return _edit(CASELOAD, review_id, context_id)


@evidence_bp.route(f"{BASE}/caseload-contexts/<int:context_id>/delete", methods=["GET", "POST"])
@login_required_for()
def delete_caseload_context(review_id: int, context_id: int) -> str | Response:
    return _delete(CASELOAD, review_id, context_id)


# Systemic factors


def factor_groups(review: Review) -> list[tuple[vocab.Category, list[SystemicFactor]]]:
    """The review's factors under each category of the taxonomy, in its order."""
    groups = [
        (c, [f for f in review.systemic_factors if f.category == c.key])
        for c in vocab.SYSTEMIC_FACTOR_CATEGORIES
    ]
    return [(c, items) for c, items in groups if items]


@evidence_bp.route(f"{BASE}/systemic-factors")
@login_required_for()
def systemic_factors(review_id: int) -> str:
    review = _readable(review_id)
    review_service.record_view(actor(), review, "systemic factors")
    return render_template(
        "evidence/systemic_factors.html", review=review, groups=factor_groups(review)
    )


@evidence_bp.route(f"{BASE}/systemic-factors/new", methods=["GET", "POST"])
@login_required_for()
def new_systemic_factor(review_id: int) -> str | Response:
    return _add(FACTOR, review_id)


@evidence_bp.route(f"{BASE}/systemic-factors/<int:factor_id>/edit", methods=["GET", "POST"])
@login_required_for()
def edit_systemic_factor(review_id: int, factor_id: int) -> str | Response:
    return _edit(FACTOR, review_id, factor_id)


@evidence_bp.route(f"{BASE}/systemic-factors/<int:factor_id>/delete", methods=["GET", "POST"])
@login_required_for()
def delete_systemic_factor(review_id: int, factor_id: int) -> str | Response:
    return _delete(FACTOR, review_id, factor_id)
