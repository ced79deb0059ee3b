"""The staff support text shown to officers, editable by admins."""

from __future__ import annotations

from typing import Any

from sfo_review import permissions as perm
from sfo_review.extensions import db
from sfo_review.models import Setting, User
from sfo_review.services import validation as v
from sfo_review.services._common import audit, check_version, require_permission, use_case

SUPPORT_KEY = "support_text"
SUPPORT_RULES: dict[str, v.Rule] = {"value": v.long("support text")}

DEFAULT_SUPPORT_TEXT = """\
Being part of a serious further offence review can be stressful. You do not have to manage \
it alone, and asking for support is not a sign that anything was wrong with your practice.

Employee Assistance Programme: free, confidential counselling and advice, available at any \
time. Your intranet has the contact details.

Your trade union: a representative can advise you, read your statement with you and come \
to meetings with you.

Your line manager: talk to them about your workload and about time to write your statement.

Occupational health: ask your line manager or HR for a referral if the review is affecting \
your health or your work."""


def support_setting() -> Setting | None:
    return db.session.get(Setting, SUPPORT_KEY)


def support_text() -> str:
    setting = support_setting()
    return setting.value if setting is not None else DEFAULT_SUPPORT_TEXT


def support_version() -> int:
    setting = support_setting()
    return setting.version if setting is not None else 0


@use_case
def update_support_text(actor: User, data: dict[str, Any]) -> Setting:
    """Replace the support text; `version` is the one the admin started from (0: the default)."""
    require_permission(perm.can_manage_users(actor), "Only admins can change the support text.")
    data = dict(data)
    setting = support_setting()
    if setting is None:
        check_version(_Default(), data)
        values = v.clean(data, SUPPORT_RULES)
        setting = Setting(key=SUPPORT_KEY, value=values["value"], updated_by_id=actor.id)
        db.session.add(setting)
    else:
        check_version(setting, data)
        values = v.clean(data, SUPPORT_RULES)
        setting.value = values["value"]
        setting.updated_by_id = actor.id
    db.session.flush()
    audit(None, actor, "settings.support_text_updated", "Changed the staff support text")
    return setting


class _Default:
    """The built-in text stands for version 0 until an admin first saves."""

    version = 0
