"""The list of regions and PDUs (issue 19): admins add, rename, retire and map values.

Thin views over services.regions; every route is admin only (`perm.can_manage_regions`,
403 for anyone else) and a region or PDU that does not exist is 404.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from sfo_review import permissions as perm
from sfo_review.admin.blueprint import admin_bp
from sfo_review.admin.region_forms import MapPduForm, MapRegionForm, NameForm, RetireForm
from sfo_review.auth.session import actor, login_required_for
from sfo_review.forms_support import form_data, select_choices, submit
from sfo_review.services import regions as region_service

LIST = "admin.regions"


@admin_bp.route("/regions")
@login_required_for(perm.can_manage_regions)
def regions() -> str:
    return render_template(
        "admin/regions/index.html",
        regions=region_service.all_regions(),
        unresolved=region_service.unresolved(),
    )


@admin_bp.route("/regions/new", methods=["GET", "POST"])
@login_required_for(perm.can_manage_regions)
def new_region() -> str | Response:
    form = NameForm()
    if form.validate_on_submit():
        done = submit(form, lambda: region_service.add_region(actor(), form_data(form)))
        if done is not None:
            flash(f"Region {done.name} added.")
            return redirect(url_for("admin.region", region_id=done.id))
    return render_template("admin/regions/name.html", form=form, title="Add a region")


@admin_bp.route("/regions/<int:region_id>", methods=["GET", "POST"])
@login_required_for(perm.can_manage_regions)
def region(region_id: int) -> str | Response:
    """The region's PDUs, and renaming it."""
    item = region_service.get_region(region_id)
    form = NameForm(name=item.name)
    if form.validate_on_submit():
        done = submit(form, lambda: region_service.rename_region(actor(), item, form_data(form)))
        if done is not None:
            flash(f"Region renamed {done.name}. Its reviews and accounts have the new name.")
            return redirect(url_for("admin.region", region_id=region_id))
    return render_template("admin/regions/region.html", region=item, form=form)


@admin_bp.route("/regions/<int:region_id>/pdus/new", methods=["GET", "POST"])
@login_required_for(perm.can_manage_regions)
def new_pdu(region_id: int) -> str | Response:
    item = region_service.get_region(region_id)
    form = NameForm()
    if form.validate_on_submit():
        done = submit(form, lambda: region_service.add_pdu(actor(), item, form_data(form)))
        if done is not None:
            flash(f"PDU {done.name} added to {item.name}.")
            return redirect(url_for("admin.region", region_id=region_id))
    title = f"Add a PDU to {item.name}"
    return render_template("admin/regions/name.html", form=form, title=title, region=item)


@admin_bp.route("/pdus/<int:pdu_id>", methods=["GET", "POST"])
@login_required_for(perm.can_manage_regions)
def pdu(pdu_id: int) -> str | Response:
    """Rename a PDU; retire or restore it (the form below posts to `pdu_retired`)."""
    item = region_service.get_pdu(pdu_id)
    form = NameForm(name=item.name)
    if form.validate_on_submit():
        done = submit(form, lambda: region_service.rename_pdu(actor(), item, form_data(form)))
        if done is not None:
            flash(f"PDU renamed {done.name}. Its reviews have the new name.")
            return redirect(url_for("admin.region", region_id=item.region_id))
    retire = RetireForm(formdata=None, retired="no" if item.retired else "yes")
    return render_template("admin/regions/pdu.html", pdu=item, form=form, retire=retire)


@admin_bp.route("/pdus/<int:pdu_id>/retired", methods=["POST"])
@login_required_for(perm.can_manage_regions)
def pdu_retired(pdu_id: int) -> str | Response:
    item = region_service.get_pdu(pdu_id)
    form = RetireForm()
    if form.validate_on_submit() and form.retired.data in ("yes", "no"):
        wanted = form.retired.data == "yes"
        region_service.set_pdu_retired(actor(), item, wanted)
        flash(f"PDU {item.name} {'retired' if wanted else 'restored'}.")
    return redirect(url_for("admin.region", region_id=item.region_id))


@admin_bp.route("/regions/map-region", methods=["GET", "POST"])
@login_required_for(perm.can_manage_regions)
def map_region() -> str | Response:
    """Map a region not on the list (`?value=`) to a listed one."""
    form = MapRegionForm(value=request.args.get("value", ""))
    if form.validate_on_submit():
        data = {"value": form.value.data, "region": form.region.data}
        done = submit(form, lambda: region_service.resolve_region(actor(), data))
        if done is not None:
            flash(f"“{form.value.data}” mapped to {form.region.data} ({done} changed).")
            return redirect(url_for(LIST))
    return render_template("admin/regions/map.html", form=form, choice=form.region)


@admin_bp.route("/regions/map-pdu", methods=["GET", "POST"])
@login_required_for(perm.can_manage_regions)
def map_pdu() -> str | Response:
    """Map a review PDU not on the list (`?region=&value=`) to a listed PDU of its region."""
    form = MapPduForm(region=request.args.get("region", ""), value=request.args.get("value", ""))
    listed = dict(region_service.open_areas())
    pdus = listed.get(form.region.data or "", [])
    form.pdu.choices = select_choices([("", "Choose a PDU"), *((p, p) for p in pdus)])
    if form.validate_on_submit():
        data = {"region": form.region.data, "value": form.value.data, "pdu": form.pdu.data}
        done = submit(form, lambda: region_service.resolve_pdu(actor(), data))
        if done is not None:
            flash(f"“{form.value.data}” mapped to {form.pdu.data} ({done} changed).")
            return redirect(url_for(LIST))
    elif not pdus and form.is_submitted():
        form.pdu.errors = [*form.pdu.errors, "That region is not on the list"]
    return render_template("admin/regions/map.html", form=form, choice=form.pdu)
