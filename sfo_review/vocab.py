"""The contract's enumerations and the systemic factor taxonomy (shared/docs/domain.md).

Keys are part of the public API contract: never rename them.
"""

from __future__ import annotations

from typing import NamedTuple


class Choice(NamedTuple):
    key: str
    label: str


def _choices(*keys: str, labels: dict[str, str] | None = None) -> tuple[Choice, ...]:
    labels = labels or {}
    return tuple(Choice(k, labels.get(k, k.replace("_", " ").capitalize())) for k in keys)


STATUSES = _choices(
    "in_review",
    "factual_accuracy",
    "quality_assurance",
    "approved",
    "closed",
    labels={"in_review": "In review"},
)
OFFENCE_CATEGORIES = _choices(
    "murder",
    "attempted_murder",
    "manslaughter",
    "rape",
    "attempted_rape",
    "other_serious_sexual",
    "serious_violence",
    "arson_endangering_life",
    "kidnap_false_imprisonment",
    "exceptional",
    labels={
        "other_serious_sexual": "Other serious sexual offence",
        "arson_endangering_life": "Arson endangering life",
        "kidnap_false_imprisonment": "Kidnap or false imprisonment",
        "exceptional": "Exceptional (other) case",
    },
)
SENTENCE_TYPES = _choices(
    "community_order", "suspended_sentence_order", "licence", "post_sentence_supervision"
)
ROSH_LEVELS = _choices("low", "medium", "high", "very_high")
PARTICIPANT_ROLES = _choices("responsible_officer", "previous_officer", "line_manager", "other")
GRADES = _choices(
    "probation_officer",
    "probation_services_officer",
    "trainee_probation_officer",
    "senior_probation_officer",
    "agency_probation_officer",
    labels={
        "probation_officer": "Probation officer (PO)",
        "probation_services_officer": "Probation services officer (PSO)",
        "trainee_probation_officer": "Trainee probation officer (PQiP)",
        "senior_probation_officer": "Senior probation officer (SPO)",
        "agency_probation_officer": "Agency probation officer",
    },
)
FACTOR_LEVELS = _choices("team", "organisational", "partnership", "national")
ATTRIBUTIONS = _choices("individual", "team", "organisational", "partnership", "national")
PRACTICE_AREAS = _choices(
    "assessment",
    "planning",
    "implementation",
    "review",
    "management_oversight",
    "partnership_working",
)
JUDGEMENTS = _choices("sufficient", "insufficient", "good_practice")
ACTION_LEVELS = _choices(
    "pdu", "regional", "national", labels={"pdu": "PDU (probation delivery unit)"}
)
ACTION_STATUSES = _choices("open", "in_progress", "done", "verified")
# Reminders to an action's owner, one of each kind per action (api-v1.1 B).
ACTION_REMINDER_KINDS = _choices(
    "assigned", "due_soon", "overdue", labels={"due_soon": "Due in 10 working days"}
)
STATEMENT_STATUSES = _choices("draft", "submitted", "declined")
REPORT_INCLUSIONS = _choices("full", "summary")
# A deadline extension request's state, in the same words on screen and in the PDF.
EXTENSION_STATUSES = _choices(
    "requested",
    "agreed",
    "refused",
    "withdrawn",
    labels={"requested": "Waiting for a decision"},
)
# api-v1.1 section A: the individual's side of every finding.
KNOWN_AT_THE_TIME = _choices(
    "yes",
    "no",
    "unclear",
    labels={
        "yes": "Known at the time",
        "no": "Found afterwards",
        "unclear": "Not clear",
    },
)
JUST_CULTURE_ANSWERS = _choices("yes", "no", "unclear", labels={"unclear": "Not clear"})
# The guide's questions, in its order (the substitution test is peers_would_act_same).
JUST_CULTURE_QUESTIONS = _choices(
    "deliberate_harm",
    "health_factors",
    "protocol_existed",
    "protocol_workable",
    "knowingly_departed",
    "peers_would_act_same",
    labels={
        "deliberate_harm": "Was there any intention to cause harm?",
        "health_factors": "Is there evidence of ill health or a substance misuse problem "
        "that affected the practitioner's actions?",
        "protocol_existed": "Was there a policy, procedure or agreed practice for this?",
        "protocol_workable": "Was it workable and in routine use, given the conditions at "
        "the time?",
        "knowingly_departed": "Did the practitioner knowingly depart from it?",
        "peers_would_act_same": "Would another practitioner of the same grade, experience and "
        "caseload, in the same conditions, probably have acted in the same way?",
    },
)
JUST_CULTURE_OUTCOMES = _choices(
    "refer_elsewhere",
    "support_for_health",
    "system_learning",
    "individual_learning",
    labels={
        "refer_elsewhere": "Refer to another process",
        "support_for_health": "Support for health",
        "system_learning": "System learning",
        "individual_learning": "Individual learning",
    },
)
RESPONSE_OUTCOMES = _choices(
    "fact_corrected",
    "context_added",
    "not_accepted",
    labels={
        "fact_corrected": "Fact corrected",
        "context_added": "Context added",
        "not_accepted": "Not accepted",
    },
)
STATEMENT_ACCESS_ACTIONS = _choices("viewed", "exported")
# api-v1.1 C. The criminal case's outcome, as known to the review.
CASE_OUTCOMES = _choices(
    "awaiting",
    "convicted_of_sfo",
    "convicted_lesser",
    "acquitted",
    "discontinued",
    labels={
        "awaiting": "Awaiting the outcome",
        "convicted_of_sfo": "Convicted of the serious further offence",
        "convicted_lesser": "Convicted of a lesser offence",
        "acquitted": "Acquitted",
        "discontinued": "Case discontinued",
    },
)
FAMILY_CONTACT_CHANNELS = _choices(
    "letter",
    "phone",
    "meeting",
    "email",
    "via_advocate",
    labels={"via_advocate": "Through an advocate"},
)
# The inspectorate's four standards for SFO reviews, and the overall rating, each rated at
# approval (the order is the countersign page's).
RATING_STANDARDS = _choices(
    "analysis_of_practice",
    "overall_judgements",
    "learning",
    "victims_and_families",
    "overall",
    labels={
        "analysis_of_practice": "Analysis of practice",
        "overall_judgements": "Overall judgements",
        "learning": "Learning",
        "victims_and_families": "Victims and families",
        "overall": "Overall",
    },
)
RATINGS = _choices("outstanding", "good", "requires_improvement", "inadequate")
REPORT_VARIANTS = _choices(
    "full",
    "family_summary",
    "action_plan",
    labels={
        "full": "Full report",
        "family_summary": "Family summary",
        "action_plan": "Action plan progress",
    },
)
# Stored at approval, frozen with the review; the action plan is live (api-v1.1 B): rendered
# as the actions are now, once the review is approved, and never frozen.
FROZEN_REPORT_VARIANTS = ("full", "family_summary")
LIVE_REPORT_VARIANTS = ("action_plan",)


class Category(NamedTuple):
    key: str
    label: str
    definition: str


SYSTEMIC_FACTOR_CATEGORIES: tuple[Category, ...] = (
    Category(
        "workload_and_capacity",
        "Workload and capacity",
        "caseload size, WMT %, time pressure, covering for absent colleagues",
    ),
    Category(
        "staffing_experience_and_allocation",
        "Staffing, experience and allocation",
        "vacancies, turnover, agency staff, cases allocated above grade or experience",
    ),
    Category(
        "management_oversight_and_supervision",
        "Management oversight and supervision",
        "span of control, frequency and quality of supervision and countersigning",
    ),
    Category(
        "information_sharing_and_partnerships",
        "Information sharing and partnerships",
        "police, children's services, MAPPA/MARAC, health, housing; checks requested and received",
    ),
    Category(
        "transitions_and_handovers",
        "Transitions and handovers",
        "custody to community, transfers between officers or areas, court to sentence management",
    ),
    Category(
        "assessment_tools_and_forms",
        "Assessment tools and forms",
        "design, duplication and usability of OASys and other risk tools",
    ),
    Category(
        "it_systems_and_data",
        "IT systems and data",
        "outages, lost records, access rights, data quality",
    ),
    Category(
        "policy_guidance_and_procedure",
        "Policy, guidance and procedure",
        "unclear or conflicting instructions, recall and enforcement thresholds, "
        "prioritisation frameworks",
    ),
    Category(
        "court_and_report_inputs",
        "Court and report inputs",
        "pre-sentence report quality, time, remote interviews, missing checks at sentence",
    ),
    Category(
        "training_and_development",
        "Training and development",
        "induction, trainee support, specialist skills",
    ),
    Category(
        "working_environment_and_wellbeing",
        "Working environment and wellbeing",
        "estates, remote working, sickness, stress",
    ),
    Category(
        "culture_and_leadership",
        "Culture and leadership",
        "defensive or blame culture, competing priorities, leadership churn",
    ),
    Category(
        "external_and_national_pressures",
        "External and national pressures",
        "prison capacity and early release, funding, restructuring",
    ),
    Category("other", "Other", "anything the above does not name (description required)"),
)

CATEGORY_BY_KEY = {c.key: c for c in SYSTEMIC_FACTOR_CATEGORIES}


def keys(choices: tuple[Choice, ...]) -> tuple[str, ...]:
    return tuple(c.key for c in choices)


def label(choices: tuple[Choice, ...], key: str | None) -> str:
    for c in choices:
        if c.key == key:
            return c.label
    return key or ""


def category_label(key: str) -> str:
    """A systemic factor category's label; the key itself for one no longer in the taxonomy."""
    found = CATEGORY_BY_KEY.get(key)
    return found.label if found else key
