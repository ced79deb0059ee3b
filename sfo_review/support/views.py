"""Support for staff: the support page, the support panel on officers' pages, and the
admin's editor for the text both show."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from sfo_review import permissions as perm
from sfo_review.auth.session import actor, login_required_for
from sfo_review.forms_support import form_data, submit
from sfo_review.services import support as support_service
from sfo_review.support.blueprint import support_bp
from sfo_review.support.forms import SupportTextForm


@support_bp.route("/support")
@login_required_for(perm.can_read_staff_support)
def support() -> str:
    return render_template("support/support.html")


@support_bp.route("/admin/support-text", methods=["GET", "POST"])
@login_required_for(perm.can_manage_users)
def support_text() -> str | Response:
    user = actor()
    form = SupportTextForm()
    if not form.is_submitted():
        form.value.data = support_service.support_text()
        form.version.data = support_service.support_version()
    elif form.validate():
        data = form_data(form)
        if submit(form, lambda: support_service.update_support_text(user, data)):
            flash("The support text has been saved.")
            return redirect(url_for("support.support_text"))
    return render_template("support/support_text.html", form=form)


@support_bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {"support_text": support_service.support_text}
