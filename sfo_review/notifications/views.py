"""The notifications list (mark one or all as read) and the unread count in the header."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from sfo_review import permissions as perm
from sfo_review.auth.session import actor, login_required_for
from sfo_review.notifications.blueprint import notifications_bp
from sfo_review.notifications.forms import MarkReadForm
from sfo_review.services import notifications as notification_service


@notifications_bp.route("/notifications")
@login_required_for(perm.can_use_own_account)
def notifications() -> str:
    user = actor()
    items = notification_service.list_for(user)
    return render_template("notifications/notifications.html", items=items, form=MarkReadForm())


@notifications_bp.post("/notifications/<int:notification_id>/read")
@login_required_for(perm.can_use_own_account)
def mark_read(notification_id: int) -> Response:
    form = MarkReadForm()
    if form.validate_on_submit():
        notification_service.mark_read(actor(), notification_id)
        flash("Notification marked as read.")
    else:
        flash("Your form expired. Try again.", "info")
    return redirect(url_for("notifications.notifications"))


@notifications_bp.post("/notifications/read-all")
@login_required_for(perm.can_use_own_account)
def mark_all_read() -> Response:
    form = MarkReadForm()
    if form.validate_on_submit():
        notification_service.mark_all_read(actor())
        flash("All notifications marked as read.")
    else:
        flash("Your form expired. Try again.", "info")
    return redirect(url_for("notifications.notifications"))


@notifications_bp.app_context_processor
def _helpers() -> dict[str, Any]:
    def unread_notifications() -> int:
        if not current_user.is_authenticated:
            return 0
        return notification_service.unread_count(actor())

    return {"unread_notifications": unread_notifications}
