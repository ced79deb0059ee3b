"""The reference review the PDF benchmark (and the long-report tests) render.

Built through the real services, so it is a review the app could hold: 4 participants with
caseload contexts, 300 chronology entries, 14 systemic factors, 40 findings linked to
evidence and context, statements (one shown as the reviewer's summary, one declined),
replies to findings, 14 actions and two deadline extensions. The text is made from phrase
banks with a fixed seed, so every run renders the same content.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sfo_review import lifecycle, vocab
from sfo_review.cli.ratings_data import approval
from sfo_review.extensions import db
from sfo_review.models import DeadlineExtension, JustCultureAssessment, Review, User
from sfo_review.services import (
    actions,
    evidence,
    factual_accuracy,
    findings,
    reviews,
    statements,
    transitions,
    users,
)

PASSWORD = "reference-review-password"  # noqa: S105 - synthetic accounts for the benchmark

SOURCES = ("nDelius", "OASys", "Police", "Children's services", "Prison", "Court", "Housing")
SUBJECTS = (
    "The probation officer",
    "The duty officer",
    "The senior probation officer",
    "The police domestic abuse unit",
    "The prison offender manager",
    "The approved premises keyworker",
    "Children's services",
    "The housing officer",
)
ACTIONS_DONE = (
    "met the person on probation at the office and discussed their accommodation",
    "recorded a missed appointment and sent a warning letter",
    "requested domestic abuse call-out information and received no reply",
    "completed a risk of serious harm screening without updating the full assessment",
    "held a three-way meeting with the prison offender manager before release",
    "noted concerns raised by the person's former partner about contact with the children",
    "reviewed the licence conditions and agreed an exclusion zone",
    "carried out a home visit that found the address unoccupied",
    "discussed the case in supervision and agreed to refer it to MAPPA level 2",
    "received information that the person had been seen near the victim's address",
    "rearranged the appointment because of a court duty",
    "recorded that the drug test was positive for cocaine",
)
AFTERWARDS = (
    "No management oversight was recorded.",
    "The case record does not say why the plan was not updated.",
    "The information was not shared with the police.",
    "The entry was made eleven days later.",
    "The officer was covering two vacant caseloads at the time.",
    "A follow-up appointment was booked for the next week.",
    "The risk level was left at medium.",
    "The request was chased by email but no answer came.",
)
FINDING_TITLES = (
    "Risk of serious harm was not reassessed after the new information",
    "Domestic abuse checks were requested but not followed up",
    "Home visits were not carried out at the frequency the plan required",
    "Management oversight did not test the risk assessment",
    "The handover from custody to the community was late",
    "Enforcement action was not taken after missed appointments",
    "Information from children's services was not sought",
    "The sentence plan did not address accommodation",
    "Good practice in engaging the person on probation",
    "The MAPPA referral was appropriate and timely",
)
NARRATIVE = (
    "The assessment recorded in OASys was not updated after the police information arrived, "
    "so the plan continued to treat the risk to a known adult as medium.",
    "The officer recognised the concern and recorded it, but the case record shows no "
    "discussion of it in supervision, and no change to the frequency of contact.",
    "The team was carrying a high number of vacancies and the officer held cases above "
    "their grade, which the reviewer weighed in reaching this finding.",
    "National guidance expects domestic abuse checks at every significant change in "
    "circumstances; the checks were requested once and the reply never came.",
    "The reviewer found that a peer in the same conditions would most likely have acted in "
    "the same way, and that the shortfall lay in the system of oversight around the officer.",
    "Contact was regular and well recorded, and the officer built a working relationship "
    "with the person on probation that is reflected in their own account.",
)
STATEMENT_PARAGRAPHS = (
    "At the time I held a caseload well above the agreed maximum, including cases that "
    "would normally be allocated to a probation officer rather than a probation services "
    "officer. Two colleagues had left the team and their cases were shared out among us.",
    "I asked the police for domestic abuse call-out information twice. I did not receive a "
    "reply and I did not have time to chase it again before the next appointment.",
    "Supervision with my line manager happened once in the six months before the offence. "
    "It was cancelled several times because of sickness in the management team.",
    "What would have helped most was time: time to read the prison file properly, time to "
    "visit, and someone to talk the case through with when the new information came in.",
    "The IT system was unavailable for most of one week in May, and some records were "
    "typed up later from handwritten notes.",
)
REPLY_TEXTS = (
    "The home visit was rearranged because of a court duty that week; I recorded this on "
    "the day but the entry was filed under the wrong contact type.",
    "I accept that the assessment was not updated. I had flagged the case to my manager as "
    "one I was worried about, which is recorded in my supervision notes.",
    "The checks were requested on the date shown; the delay was on the police side and I "
    "chased them by telephone, which was not recorded.",
    "I would add that the team had three vacancies at the time and I was covering the duty "
    "rota two days a week.",
)
FACTOR_TEXTS = {
    "workload_and_capacity": "Caseloads in the team averaged 68 cases over the period.",
    "staffing_experience_and_allocation": "Cases were allocated above grade to PSOs.",
    "management_oversight_and_supervision": "Supervision sessions were often cancelled.",
    "information_sharing_and_partnerships": "Police checks requested but never received.",
    "transitions_and_handovers": "The custody-to-community handover happened late.",
    "it_systems_and_data": "nDelius was unavailable for most of one week in May.",
    "policy_guidance_and_procedure": "The recall thresholds were unclear to staff.",
    "training_and_development": "No domestic abuse training had been offered since 2021.",
    "working_environment_and_wellbeing": "The office was closed for repairs for a month.",
    "culture_and_leadership": "Three heads of PDU in two years.",
    "external_and_national_pressures": "Early release schemes raised caseloads quickly.",
}


# The notification details of a reference review.
DETAILS: dict[str, Any] = {
    "case_reference": "X123456",
    "person_initials": "JM",
    "offence_charged": "Murder",
    "offence_category": "murder",
    "charge_date": "2023-06-26",
    "notification_date": "2023-06-28",
    "region": "London",
    "pdu": "Camden and Islington",
    "sentence_type": "licence",
    "rosh_level": "high",
}


def _text(rng: random.Random, bank: tuple[str, ...], count: int) -> str:
    return " ".join(rng.choice(bank) for _ in range(count))


def _make_users(prefix: str) -> dict[str, Any]:
    def make(role: str, name: str, email: str) -> User:
        return users.create_user(
            None, {"email": prefix + email, "name": name, "role": role, "password": PASSWORD}
        )

    return {
        "reviewer": make("reviewer", "Ottoline Brackenbury", "ref-reviewer@example.gov.uk"),
        "qa": make("quality_assurer", "Cassius Wetherell", "ref-qa@example.gov.uk"),
        "leader": make("leadership", "Imogen Ravenscroft", "ref-leader@example.gov.uk"),
        "officers": [
            make("officer", "Zebedee Quillfeather", "ref-po@example.gov.uk"),
            make("officer", "Marisol Abernethy-Kaur", "ref-previous@example.gov.uk"),
            make("officer", "Philippa Marchbanks-Oyelaran", "ref-spo@example.gov.uk"),
            make("officer", "Tobias Featherstonehaugh", "ref-duty@example.gov.uk"),
        ],
    }


def _participants(reviewer: User, review: Review, officers: list[User]) -> list[Any]:
    roles = ("responsible_officer", "previous_officer", "line_manager", "other")
    return [
        reviews.add_participant(reviewer, review, {"email": o.email, "role_in_case": role})
        for o, role in zip(officers, roles, strict=True)
    ]


def _chronology(rng: random.Random, reviewer: User, review: Review, count: int) -> list[Any]:
    start = date(2022, 1, 4)
    entries = []
    for i in range(count):
        summary = f"{rng.choice(SUBJECTS)} {rng.choice(ACTIONS_DONE)}. " + _text(
            rng, AFTERWARDS, rng.randint(0, 2)
        )
        entries.append(
            evidence.add_chronology_entry(
                reviewer,
                review,
                {
                    "occurred_on": (start + timedelta(days=i * 1.7)).isoformat(),
                    "source": rng.choice(SOURCES),
                    "summary": summary.strip(),
                    "significant": i % 9 == 0,
                },
            )
        )
    return entries


def _contexts(rng: random.Random, reviewer: User, review: Review, people: list[Any]) -> list[Any]:
    periods = (("2022-01-01", "2022-12-31"), ("2023-01-01", "2023-06-26"))
    contexts = []
    for n, participant in enumerate(people):
        for start, end in periods if n == 0 else periods[1:]:
            contexts.append(
                evidence.add_caseload_context(
                    reviewer,
                    review,
                    {
                        "participant_id": participant.id,
                        "period_start": start,
                        "period_end": end,
                        "caseload_count": rng.randint(42, 74),
                        "high_risk_count": rng.randint(5, 21),
                        "workload_percent": rng.randint(95, 160),
                        "grade": rng.choice(vocab.keys(vocab.GRADES)),
                        "months_in_role": rng.randint(3, 90),
                        "team_vacancy_percent": rng.randint(5, 35),
                        "officer_changes_on_case": rng.randint(0, 4),
                        "management_oversight_sessions": rng.randint(0, 6),
                        "notes": _text(rng, AFTERWARDS, 2),
                    },
                )
            )
    return contexts


def _factors(rng: random.Random, reviewer: User, review: Review) -> list[Any]:
    levels = vocab.keys(vocab.FACTOR_LEVELS)
    made = []
    for n, (category, text) in enumerate(FACTOR_TEXTS.items()):
        for extra in range(2 if n < 3 else 1):
            made.append(
                evidence.add_systemic_factor(
                    reviewer,
                    review,
                    {
                        "category": category,
                        "level": levels[(n + extra) % len(levels)],
                        "description": f"{text} " + _text(rng, NARRATIVE, 1),
                        "evidence": "Staffing returns, supervision records and interviews.",
                    },
                )
            )
    return made


def _findings(
    rng: random.Random, reviewer: User, review: Review, evidence_rows: dict[str, list[Any]]
) -> list[Any]:
    made = []
    for i in range(40):
        individual = i % 3 == 0
        judgement = ("insufficient", "sufficient", "good_practice")[i % 5 % 3]
        made.append(
            findings.add_finding(
                reviewer,
                review,
                {
                    "title": f"{FINDING_TITLES[i % len(FINDING_TITLES)]} ({i + 1})",
                    "practice_area": vocab.keys(vocab.PRACTICE_AREAS)[i % 6],
                    "judgement": judgement,
                    "narrative": _text(rng, NARRATIVE, rng.randint(3, 6)),
                    "attribution": ["individual", "team"] if individual else ["organisational"],
                    "systemic_factor_ids": [f.id for f in rng.sample(evidence_rows["factors"], 2)],
                    "caseload_context_ids": [evidence_rows["contexts"][i % 3].id],
                    "subject_participant_ids": [evidence_rows["contexts"][i % 3].participant_id],
                    "chronology_ids": [e.id for e in rng.sample(evidence_rows["chronology"], 3)],
                },
            )
        )
    return made


def _statements(rng: random.Random, reviewer: User, review: Review, officers: list[User]) -> None:
    for n, officer in enumerate(officers[:3]):
        body = "\n\n".join(rng.sample(STATEMENT_PARAGRAPHS, len(STATEMENT_PARAGRAPHS)))
        own = statements.create_statement(officer, review, {"body": body})
        statements.submit_statement(officer, review, own)
        if n == 2:
            statements.update_statement(
                reviewer,
                review,
                own,
                {
                    "version": own.version,
                    "include_in_report": "summary",
                    "summary": "The line manager describes a span of control of fourteen "
                    "officers and supervision often cancelled through sickness.",
                },
            )
    declined = statements.create_statement(officers[3], review, {"body": "(declined)"})
    declined.status = lifecycle.DECLINED
    declined.decline_reason = "I was on the duty rota only and had no direct contact."
    declined.declined_at = datetime(2023, 8, 1, 10, 0, tzinfo=UTC)
    db.session.commit()


def _individual_side(made: list[Any]) -> None:
    """api-v1.1 A for each individual shortfall finding: whom it is about (the officer whose
    caseload context it links), a linked chronology entry known at the time, and a complete
    just-culture assessment (system learning when a linked factor is at the team level it is
    also attributed to). Written directly until the findings service takes them."""
    for finding in made:
        if not lifecycle.is_individual_shortfall(finding):
            continue
        finding.subjects = [c.participant for c in finding.caseload_contexts]
        finding.chronology_entries[0].known_at_the_time = "yes"
        system = any(f.level == "team" for f in finding.systemic_factors)
        assessment = JustCultureAssessment(
            finding=finding,
            deliberate_harm="no",
            health_factors="no",
            protocol_existed="yes",
            protocol_workable="yes",
            knowingly_departed="no" if system else "yes",
            peers_would_act_same="yes" if system else "no",
            comparator="Officers of the same grade in the PDU with a similar caseload",
            training_gap=False,
            supervision_gap=False,
            rationale=_JUST_CULTURE_RATIONALE,
        )
        assessment.outcome = lifecycle.just_culture_outcome(assessment)
        db.session.add(assessment)
    db.session.commit()


_JUST_CULTURE_RATIONALE = (
    "Peers of the same grade, experience and caseload were asked what they would have done; "
    "their answers decide whether the learning is for the system or for the officer."
)


def _actions(
    rng: random.Random, reviewer: User, review: Review, made: list[Any], owner: User
) -> None:
    for i in range(14):
        due = date(2030, 1, 31) + timedelta(days=30 * i)
        actions.add_action(
            reviewer,
            review,
            {
                "description": "Agree and publish a protocol so that "
                + rng.choice(ACTIONS_DONE)
                + " is followed up within five working days.",
                "owner": ("Head of PDU", "Regional Probation Director", "HMPPS policy")[i % 3],
                "level": vocab.keys(vocab.ACTION_LEVELS)[i % 3],
                "due_date": due.isoformat(),
                "finding_ids": [made[i].id, made[i + 1].id],
                # api-v1.1 B: the factors it addresses, its owner, how and when to check it.
                "systemic_factor_ids": [f.id for f in made[i].systemic_factors],
                "owner_email": owner.email,
                "success_measure": "An audit of the next 20 cases finds it done in every one.",
                "review_date": (due + timedelta(days=90)).isoformat(),
            },
        )


def extension(
    review: Review,
    requested_by: User,
    reason: str,
    dates: tuple[date, date, datetime],
    decision: tuple[str, User | None, datetime | None, str | None] = (
        "requested",
        None,
        None,
        None,
    ),
) -> DeadlineExtension:
    """A deadline extension row, made directly (its pages and services are another feature's).

    `dates`: the deadline before, the deadline asked for, when it was asked for;
    `decision`: status, who decided, when, and their note.
    """
    previous, new, requested_at = dates
    status, decided_by, decided_at, note = decision
    row = DeadlineExtension(
        review_id=review.id,
        reason=reason,
        previous_due_date=previous,
        new_due_date=new,
        status=status,
        requested_by_id=requested_by.id,
        requested_at=requested_at,
        decided_by_id=decided_by.id if decided_by else None,
        decided_at=decided_at,
        decision_note=note,
    )
    db.session.add(row)
    return row


def _extensions(review: Review, reviewer: User, qa: User) -> None:
    first_due = review.due_date + timedelta(days=28)
    extension(
        review,
        reviewer,
        "Police disclosure of the call-out records is still awaited.",
        (review.due_date, first_due, datetime(2023, 9, 1, 9, 0, tzinfo=UTC)),
        ("agreed", qa, datetime(2023, 9, 4, 9, 0, tzinfo=UTC), "Agreed: needed."),
    )
    extension(
        review,
        reviewer,
        "A further interview with the line manager.",
        (first_due, first_due + timedelta(days=60), datetime(2023, 10, 2, 9, tzinfo=UTC)),
        ("refused", qa, datetime(2023, 10, 3, 9, 0, tzinfo=UTC), "Refused."),
    )
    review.effective_due_date = first_due
    db.session.commit()


def build(
    chronology: int = 300, stage: str = "factual_accuracy", seed: int = 7, prefix: str = ""
) -> Review:
    """Make the reference review and move it to `stage` (factual_accuracy or approved).

    `prefix` goes before the accounts' email addresses, so several can be built.
    """
    rng = random.Random(seed)  # noqa: S311 - deterministic text, not security
    people = _make_users(prefix)
    reviewer, qa, officers = people["reviewer"], people["qa"], people["officers"]
    review = reviews.create_review(reviewer, DETAILS)
    participants = _participants(reviewer, review, officers)
    rows = {
        "chronology": _chronology(rng, reviewer, review, chronology),
        "contexts": _contexts(rng, reviewer, review, participants),
        "factors": _factors(rng, reviewer, review),
    }
    made = _findings(rng, reviewer, review, rows)
    _individual_side(made)
    _statements(rng, reviewer, review, officers)
    _actions(rng, reviewer, review, made, people["leader"])
    _extensions(review, reviewer, qa)
    reviews.update_review(
        reviewer,
        review,
        {
            "version": review.version,
            "overall_judgement": _text(rng, NARRATIVE, 4),
            "countersigner_email": qa.email,
        },
    )
    transitions.transition(reviewer, review, {"to": "factual_accuracy"})
    for i, finding in enumerate(made[::3]):
        author = officers[i % 3]
        findings.add_response(author, review, finding, {"body": REPLY_TEXTS[i % len(REPLY_TEXTS)]})
    if stage == "approved":
        for finding in made:
            for reply in finding.responses:  # the reviewer answered every reply
                reply.outcome = "context_added"
        db.session.commit()
        for participant in review.participants:
            factual_accuracy.mark_done(participant.user, review)
        transitions.transition(reviewer, review, {"to": "quality_assurance"})
        transitions.transition(qa, review, approval())
    return review
