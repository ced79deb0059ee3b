"""Vocabulary for synthetic reviews: the 12 probation regions of England and Wales with
their PDUs, action owners and short texts. Only `flask seed-bulk` uses it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from sfo_review import regions_data

# (region, relative size of its caseload, PDUs): the regions and PDUs of the reference list
# (sfo_review/regions_data.py), as migration 0016 seeds them.
CASELOAD_SIZES: dict[str, int] = {
    "London": 16,
    "North West": 10,
    "Greater Manchester": 8,
    "Yorkshire and the Humber": 10,
    "North East": 6,
    "East Midlands": 8,
    "West Midlands": 10,
    "East of England": 7,
    "Kent, Surrey and Sussex": 7,
    "South Central": 6,
    "South West": 6,
    "Wales": 6,
}
REGIONS: tuple[tuple[str, int, tuple[str, ...]], ...] = tuple(
    (region, size, regions_data.REGIONS[region]) for region, size in CASELOAD_SIZES.items()
)

# How often each systemic factor category is found, before a region's own pattern.
FACTOR_WEIGHTS: dict[str, int] = {
    "workload_and_capacity": 24,
    "staffing_experience_and_allocation": 18,
    "management_oversight_and_supervision": 16,
    "information_sharing_and_partnerships": 16,
    "transitions_and_handovers": 11,
    "assessment_tools_and_forms": 6,
    "it_systems_and_data": 5,
    "policy_guidance_and_procedure": 6,
    "court_and_report_inputs": 4,
    "training_and_development": 7,
    "working_environment_and_wellbeing": 5,
    "culture_and_leadership": 4,
    "external_and_national_pressures": 6,
    "other": 1,
}
# What each region keeps finding more of (so regions differ, as they do).
REGION_TILTS: dict[str, dict[str, int]] = {
    "London": {"staffing_experience_and_allocation": 14, "working_environment_and_wellbeing": 4},
    "North West": {"information_sharing_and_partnerships": 12},
    "Greater Manchester": {"it_systems_and_data": 12},
    "Yorkshire and the Humber": {"management_oversight_and_supervision": 12},
    "North East": {"transitions_and_handovers": 14},
    "East Midlands": {"training_and_development": 10},
    "West Midlands": {"workload_and_capacity": 12},
    "East of England": {"assessment_tools_and_forms": 10},
    "Kent, Surrey and Sussex": {"external_and_national_pressures": 14},
    "South Central": {"court_and_report_inputs": 10},
    "South West": {"policy_guidance_and_procedure": 10},
    "Wales": {"transitions_and_handovers": 10, "information_sharing_and_partnerships": 8},
}
FACTOR_LEVELS: dict[str, tuple[str, ...]] = {
    "information_sharing_and_partnerships": ("partnership", "partnership", "organisational"),
    "external_and_national_pressures": ("national", "national", "organisational"),
    "it_systems_and_data": ("national", "organisational"),
    "assessment_tools_and_forms": ("national", "organisational"),
    "policy_guidance_and_procedure": ("national", "organisational"),
}
DEFAULT_LEVELS = ("team", "team", "organisational")

OFFENCES: dict[str, str] = {
    "murder": "Murder",
    "attempted_murder": "Attempted murder",
    "manslaughter": "Manslaughter",
    "rape": "Rape",
    "attempted_rape": "Attempted rape",
    "other_serious_sexual": "Sexual assault of a child under 13",
    "serious_violence": "Wounding with intent (section 18)",
    "arson_endangering_life": "Arson with intent to endanger life",
    "kidnap_false_imprisonment": "Kidnap",
    "exceptional": "Causing death by dangerous driving",
}
OFFENCE_WEIGHTS = (14, 9, 6, 16, 5, 12, 22, 7, 5, 4)

OWNERS: dict[str, tuple[str, ...]] = {
    "pdu": ("Head of PDU", "Deputy head of PDU", "Quality development officer"),
    "regional": (
        "Regional probation director",
        "Regional head of public protection",
        "Regional learning and development lead",
    ),
    "national": (
        "HMPPS head of public protection",
        "HMPPS director of probation policy",
        "HMPPS digital services",
        "National OASys lead",
    ),
}
ACTIONS: dict[str, tuple[str, ...]] = {
    "pdu": (
        "Audit the allocation of high-risk cases to probation services officers",
        "Reintroduce monthly case supervision for every new starter",
        "Check that police call-out information is requested at every risk review",
    ),
    "regional": (
        "Agree a caseload cap for trainee probation officers across the region",
        "Set up a regional handover clinic for releases from custody",
        "Run a regional workshop on the learning from this review",
    ),
    "national": (
        "Revise the custody-to-community handover guidance",
        "Fix the OASys reassessment prompt after new information",
        "Review the workload measurement tool's weighting of domestic abuse cases",
    ),
}
SOURCES = ("Probation", "Police", "Prison", "Children's services", "Health", "Court", "MAPPA")
CHRONOLOGY = (
    "Initial sentence plan completed and risk of serious harm assessed.",
    "Home visit planned; not carried out because of staff absence.",
    "Police domestic abuse call-out information requested; reply chased twice.",
    "Case transferred to a new officer after the previous one left.",
    "Released on licence; the prison handover arrived after release.",
    "Missed appointment; enforcement considered and not taken.",
    "Supervision session with the senior probation officer; risk discussed.",
    "MAPPA referral considered; case managed at level 1.",
)
FINDINGS: tuple[tuple[str, str], ...] = (
    ("Risk of serious harm not reassessed after new information", "assessment"),
    ("Sentence plan did not address the risk to a known partner", "planning"),
    ("Home visits were not carried out as planned", "implementation"),
    ("Risk review not completed after the change of officer", "review"),
    ("Supervision did not test the officer's assessment", "management_oversight"),
    ("Police and children's services checks not followed up", "partnership_working"),
    ("Good liaison with the approved premises", "implementation"),
)
# A context note long enough for the balance rule when no factor or context is linked.
WHY_NO_WIDER_FACTOR = (
    "The officer held a caseload within the agreed maximum, received monthly supervision "
    "and every check was available in time; no wider factor explains the missed step."
)
# Just-culture assessments (api-v1.1 A): the substitution test says peers would have done the
# same (system learning), or the officer knowingly departed from a workable protocol.
JUST_CULTURE_SYSTEM = {
    "deliberate_harm": "no",
    "health_factors": "no",
    "protocol_existed": "yes",
    "protocol_workable": "yes",
    "knowingly_departed": "no",
    "peers_would_act_same": "yes",
    "comparator": "Officers of the same grade in the PDU with a similar caseload",
    "training_gap": False,
    "supervision_gap": True,
    "rationale": "Colleagues of the same grade and experience, with the same caseload and "
    "the supervision cancelled, would very likely have done the same: the learning is for "
    "the system.",
    "mitigation": None,
}
JUST_CULTURE_INDIVIDUAL = {
    **JUST_CULTURE_SYSTEM,
    "knowingly_departed": "yes",
    "peers_would_act_same": "no",
    "supervision_gap": False,
    "rationale": "The protocol existed, was workable and in routine use, and colleagues in "
    "the same conditions followed it: the learning is for the officer, with support.",
}
COMPLETION = (
    "Done: the guidance was reissued and every team briefed; the audit in the following "
    "quarter found it applied in all sampled cases."
)

SUCCESS_MEASURES = (
    "A dip sample of 20 cases a quarter finds the risk reassessed within 10 working days of "
    "new information in at least 90% of them.",
    "Every new starter's case supervision is recorded monthly for their first year; the "
    "quarterly audit finds no gap longer than six weeks.",
    "Handover information is on the record before release in 95% of custody releases over "
    "two quarters.",
)
VERIFICATION = "Checked the audit results and a sample of five cases myself: the measure is met."
SENT_BACK = (
    "The evidence shows the guidance was sent out, not that practice changed: add the "
    "audit results the success measure asks for."
)


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def stamps(day: date) -> dict[str, Any]:
    moment = at(day)
    return {"version": 1, "created_at": moment, "updated_at": moment}
