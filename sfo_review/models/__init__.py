"""SQLAlchemy models, one module per aggregate."""

from sfo_review.models.action import (
    Action,
    ActionRecurrence,
    ActionReminder,
    action_findings,
    action_systemic_factors,
)
from sfo_review.models.audit import AuditEvent, ReportSnapshot
from sfo_review.models.data_version import DataVersion
from sfo_review.models.evidence import (
    CaseloadAccount,
    CaseloadContext,
    ChronologyEntry,
    SystemicFactor,
)
from sfo_review.models.extension import DeadlineExtension
from sfo_review.models.family import FamilyContact, FamilyQuestion, ReviewRating
from sfo_review.models.finding import (
    Finding,
    FindingAttribution,
    FindingResponse,
    JustCultureAssessment,
    finding_caseload_contexts,
    finding_chronology_entries,
    finding_statements,
    finding_subjects,
    finding_systemic_factors,
)
from sfo_review.models.notification import Notification, OutboxEmail, Setting
from sfo_review.models.region import Pdu, Region
from sfo_review.models.rendered import RenderedReport
from sfo_review.models.review import Participant, Review
from sfo_review.models.review_figures import review_figures, review_people_figures
from sfo_review.models.statement import Statement, StatementAccess, StatementAddendum
from sfo_review.models.user import ApiToken, PasswordLink, Role, User

__all__ = [
    "Action",
    "ActionRecurrence",
    "ActionReminder",
    "ApiToken",
    "AuditEvent",
    "CaseloadAccount",
    "CaseloadContext",
    "ChronologyEntry",
    "DataVersion",
    "DeadlineExtension",
    "FamilyContact",
    "FamilyQuestion",
    "Finding",
    "FindingAttribution",
    "FindingResponse",
    "JustCultureAssessment",
    "Notification",
    "OutboxEmail",
    "Participant",
    "Pdu",
    "PasswordLink",
    "Region",
    "RenderedReport",
    "ReportSnapshot",
    "Review",
    "ReviewRating",
    "Role",
    "Setting",
    "Statement",
    "StatementAccess",
    "StatementAddendum",
    "SystemicFactor",
    "User",
    "action_findings",
    "action_systemic_factors",
    "finding_caseload_contexts",
    "finding_chronology_entries",
    "finding_statements",
    "finding_subjects",
    "finding_systemic_factors",
    "review_figures",
    "review_people_figures",
]
