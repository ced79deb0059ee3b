"""Admin pages: manage user accounts (admins never see review content)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response

from sfo_review import permissions as perm
from sfo_review.admin.blueprint import admin_bp
from sfo_review.admin.forms import (
    AccountStatusForm,
    NewUserForm,
    PasswordLinkForm,
    RegionForm,
    RoleForm,
)
from sfo_review.auth.session import actor, login_required_for
from sfo_review.extensions import db
from sfo_review.forms_support import form_data, submit
from sfo_review.models import User
from sfo_review.services import password_links, sso_accounts
from sfo_review.services import users as user_service
from sfo_review.services.deadlines import london_datetime

T = TypeVar("T")


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
        made = submit(form, lambda: password_links.invite(actor(), form_data(form)))
        if made is not None:
            user, sent = made
            flash(
                f"Account created for {user.name} ({user.role_label}). We have emailed "
                f"{user.email} a link to set their password: it works once, until "
                f"{london_datetime(sent.expires_at)}."
            )
            return redirect(url_for("admin.user", user_id=user.id))
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
        link_form=PasswordLinkForm(formdata=None),
        has_password=password_links.has_password(account),
        waiting_link=password_links.waiting_link(account),
        role_form=sent if isinstance(sent, RoleForm) else RoleForm(formdata=None),
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


def _posted_on_account_page(
    account: User, form: FlaskForm, call: Callable[[], T], said: Callable[[T], str]
) -> str | Response:
    """A form of the account's page, posted to its own URL: run the service call, then say
    what it did back on the page, or show the page with the form's errors."""
    if form.validate_on_submit():
        done = submit(form, call)
        if done is not None:
            flash(said(done))
            return redirect(url_for("admin.user", user_id=account.id))
    region_form = (
        form if isinstance(form, RegionForm) else RegionForm(formdata=None, region=account.region)
    )
    return _user_page(account, AccountStatusForm(formdata=None), region_form, form)


@admin_bp.route("/users/<int:user_id>/region", methods=["POST"])
@login_required_for(perm.can_manage_users)
def user_region(user_id: int) -> str | Response:
    """A leadership account's region (the page is the account's own, above)."""
    account = _account(user_id)
    form = RegionForm()

    def said(user: User) -> str:
        where = f"reviews in {user.region}" if user.region else "every region"
        return f"{user.name} will be told about extension requests for {where}."

    data = {"region": form.region.data}
    return _posted_on_account_page(
        account, form, lambda: user_service.set_region(actor(), account, data), said
    )


@admin_bp.route("/users/<int:user_id>/password-link", methods=["POST"])
@login_required_for(perm.can_manage_users)
def password_link(user_id: int) -> str | Response:
    """Email the account's owner a new one-time link to set their password."""
    account = _account(user_id)

    def said(sent: password_links.Sent) -> str:
        return (
            f"We have emailed {account.email} a new link to set their password: it works "
            f"once, until {london_datetime(sent.expires_at)}. Any earlier link no longer works."
        )

    return _posted_on_account_page(
        account, PasswordLinkForm(), lambda: password_links.send_new(actor(), account), said
    )


@admin_bp.route("/users/<int:user_id>/role", methods=["POST"])
@login_required_for(perm.can_manage_users)
def user_role(user_id: int) -> str | Response:
    """Give a role to an account single sign-on made (the page is the account's own)."""
    account = _account(user_id)
    form = RoleForm()

    def said(user: User) -> str:
        return f"{user.name} now has the {user.role_label} role and can use SFO Review."

    data = {"role": form.role.data}
    return _posted_on_account_page(
        account, form, lambda: sso_accounts.give_role(actor(), account, data), said
    )
