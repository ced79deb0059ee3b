"""What the deadline extension tests share: a reason, a later working day, the deadline
page's address and who may read it, and a request made by the review's reviewer."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sfo_review.models import DeadlineExtension
from sfo_review.services import deadline_extensions as extension_service
from sfo_review.services import reviews as review_service
from sfo_review.services.deadlines import is_working_day

REASON = "Police disclosure of the call-out logs is still awaited."
DEADLINE = "/reviews/{r}/deadline"

READ = {  # the deadline page: the review team and its readers, never officers
    "reviewer": 200,
    "other_reviewer": 404,
    "officer": 403,
    "other_officer": 404,
    "quality_assurer": 404,  # not the named countersigner, not at quality assurance yet
    "leadership": 200,
    "admin": 404,
    "anonymous": "sign-in",
}


def later_working_day(days: int = 30) -> date:
    day = date.today() + timedelta(days=days)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def url(template: str, data: dict[str, Any], extension: DeadlineExtension | None = None) -> str:
    return template.format(r=data["review"].id, e=extension.id if extension else 0)


def request_by_reviewer(data: dict[str, Any], **overrides: Any) -> DeadlineExtension:
    body = {"new_due_date": later_working_day(), "reason": REASON, **overrides}
    return extension_service.request_extension(data["reviewer"], data["review"], body)


def name_countersigner(data: dict[str, Any]) -> None:
    review = data["review"]
    review_service.update_review(
        data["reviewer"],
        review,
        {"version": review.version, "countersigner_email": data["qa"].email},
    )
