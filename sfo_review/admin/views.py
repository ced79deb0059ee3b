"""Admin pages: manage user accounts (admins never see review content)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response

from sfo_review import permissions as perm
from sfo_review.admin.forms import AccountStatusForm, NewUserForm, RegionForm
from sfo_review.auth.session import actor, login_required_for
from sfo_review.extensions import db
from sfo_review.forms_support import form_data, submit
from sfo_review.models import User
from sfo_review.services import users as user_service

admin_bp = Blueprint("admin", __name__, url_prefix="/admin")


@admin_bp.route("/users")
@login_required_for(perm.can_manage_users)
def users() -> str:
    rows = db.session.scalars(select(User).order_by(User.active.desc(), User.name)).all()
    return render_template("admin/users.html", users=rows)


@admin_bp.route("/users/new", methods=["GET", "POST"])
@login_required_for(perm.can_manage_users)
def new_user() -> str | Response:
    form = NewUserForm()
    if form.validate_on_submit():
        user = submit(form, lambda: user_service.create_user(actor(), form_data(form)))
        if user is not None:
            flash(f"Account created for {user.name} ({user.role_label}).")
            return redirect(url_for("admin.users"))
    return render_template("admin/new_user.html", form=form)


def _account(user_id: int) -> User:
    account = db.session.get(User, user_id)
    if account is None:
        abort(404)
    return account


def _user_page(
    account: User, status_form: AccountStatusForm, region_form: RegionForm, sent: FlaskForm
) -> str:
    """The account's page; `sent` is the form just posted, whose errors the summary lists."""
    return render_template(
        "admin/user.html",
        account=account,
        status_form=status_form,
        region_form=region_form,
        form=sent,
    )


@admin_bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@login_required_for(perm.can_manage_users)
def user(user_id: int) -> str | Response:
    account = _account(user_id)
    form = AccountStatusForm()
    if form.validate_on_submit():
        wanted = request.form.get("active") == "yes"
        if submit(form, lambda: user_service.set_active(actor(), account, wanted)) is not None:
            state = "reactivated" if wanted else "deactivated and signed out everywhere"
            flash(f"{account.name}'s account has been {state}.")
            return redirect(url_for("admin.users"))
    return _user_page(account, form, RegionForm(formdata=None, region=account.region), form)


@admin_bp.route("/users/<int:user_id>/region", methods=["POST"])
@login_required_for(perm.can_manage_users)
def user_region(user_id: int) -> str | Response:
    """A leadership account's region (the page is the account's own, above)."""
    account = _account(user_id)
    region_form = RegionForm()
    if region_form.validate_on_submit():
        data = {"region": region_form.region.data}
        if submit(region_form, lambda: user_service.set_region(actor(), account, data)):
            where = f"reviews in {account.region}" if account.region else "every region"
            flash(f"{account.name} will be told about extension requests for {where}.")
            return redirect(url_for("admin.user", user_id=account.id))
    return _user_page(account, AccountStatusForm(formdata=None), region_form, region_form)
