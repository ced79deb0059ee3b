"""Who may see and do what: pure functions, the only place that decides.

Route decorators, the object loader, the API and the templates all call these.
Visibility (`can_see_review`) decides 404; the other checks decide 403. Whether the
review's *status* allows an edit is a lifecycle rule (409), decided in the services.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sfo_review import lifecycle
from sfo_review.models import Action, ApiToken, DeadlineExtension, Review, Statement, User


def is_reviewer_of(user: User, review: Review) -> bool:
    return user.role == "reviewer" and user.id in (review.reviewer_id, review.created_by_id)


def is_participant(user: User, review: Review) -> bool:
    return user.role == "officer" and review.participant_for(user) is not None


def sees_every_review(user: User) -> bool:
    return user.role == "leadership"


def can_see_review(user: User, review: Review) -> bool:
    if user.role == "reviewer":
        return is_reviewer_of(user, review)
    if user.role == "officer":
        return is_participant(user, review)
    if user.role == "quality_assurer":
        return (
            review.status in lifecycle.WITH_QUALITY_ASSURANCE or review.countersigner_id == user.id
        )
    return sees_every_review(user)


def can_list_reviews(user: User) -> bool:
    return user.role in ("reviewer", "officer", "quality_assurer", "leadership")


def can_create_review(user: User) -> bool:
    return user.role == "reviewer"


def can_edit_review(user: User, review: Review) -> bool:
    """The reviewer's right to edit content; the edit window itself is a lifecycle rule."""
    return is_reviewer_of(user, review)


def can_edit_content(user: User, review: Review) -> bool:
    """May edit the review's content now: the reviewer's right, while the edit window is open
    (pages ask this to show or hide their edit buttons; services raise 409 on the window)."""
    return can_edit_review(user, review) and lifecycle.is_editable(review)


def can_see_evidence(user: User, review: Review) -> bool:
    """The review team's working material: the participants (with their email addresses), the
    chronology, the systemic factors, the caseload contexts as a whole and quality
    assurance's reason for returning the review. The review team and its readers see it;
    officers see what is shared with them instead: their own statement, and from the
    factual accuracy check the findings (each with the chronology entries and systemic
    factors it links to) and the action plan."""
    return user.role != "officer" and can_see_review(user, review)


def can_see_working_conditions(user: User, review: Review, person_id: int) -> bool:
    """The one rule for a person's recorded working conditions — the figures and notes of a
    caseload context about the user `person_id` — wherever they would appear: pages, API
    objects, PDFs (`sfo_review.visibility.caseload_contexts` filters every list with it).

    The review team and its readers see everyone's; a participant officer their own and
    nobody else's (api-v1.1 §A, "Officers see and answer what is recorded about them"):
    another person's context is never shown to them, not its figures, not its name — only
    counted (`visibility.ShownContexts.hidden_people`).
    """
    return can_see_evidence(user, review) or (is_participant(user, review) and person_id == user.id)


def can_see_own_working_conditions(user: User, review: Review) -> bool:
    """The page "Your working conditions as recorded": a participant officer's own caseload
    contexts, with the accounts they gave of them."""
    return is_participant(user, review)


def can_add_caseload_account(user: User, review: Review, person_id: int) -> bool:
    """Only the subject of a caseload context (the user `person_id`) gives their account of it;
    the review team reads it. Whether the review still takes one is a lifecycle rule (409)."""
    return is_participant(user, review) and person_id == user.id


def can_read_statement_access_log(user: User, statement: Statement) -> bool:
    """Who has read a statement's words is told to its author alone (anyone else: 404)."""
    return statement.author_id == user.id


def can_see_caseload_contexts(user: User, review: Review) -> bool:
    """GET the caseload contexts (API): whoever may see anyone's working conditions, the
    list then filtered row by row. Follows `can_see_working_conditions`."""
    return can_see_evidence(user, review) or can_see_working_conditions(user, review, user.id)


def can_see_return_reason(user: User, review: Review) -> bool:
    """Quality assurance's reason for returning a review is addressed to the review team,
    officers excepted (like the rest of `can_see_evidence`). Asked only where the review
    was visible to the user; the quality assurer who returns a review reads their reason
    in the answer even though the review, back in review, is then no longer theirs."""
    return user.role != "officer"


def can_see_email_of(user: User, person: User) -> bool:
    """Email addresses: officers see their own only (pages show them other people's names);
    everyone else sees them where they see the person."""
    return user.role != "officer" or person.id == user.id


def can_see_findings(user: User, review: Review) -> bool:
    if user.role == "officer":
        return lifecycle.shares_findings(review)
    return can_see_review(user, review)


def can_see_actions(user: User, review: Review) -> bool:
    """The action plan is shared with the people involved together with the findings."""
    return can_see_findings(user, review)


def can_assess_just_culture(user: User, review: Review) -> bool:
    """Answer a finding's just-culture questions: the reviewer, as for the rest of the
    finding (the edit window is checked by the service)."""
    return can_edit_review(user, review)


def can_see_just_culture(user: User, review: Review, subject_user_ids: Iterable[int]) -> bool:
    """A finding's just-culture assessment: the review team and its readers; of the
    officers, only the people the finding is about (it is about them: they read the
    outcome and the reasons). Other officers never see it, on a page, in the API or a PDF."""
    if can_see_evidence(user, review):
        return True
    return is_participant(user, review) and user.id in set(subject_user_ids)


def can_see_statement_beside_finding(user: User, review: Review, statement: Statement) -> bool:
    """A statement's words under a finding: an officer their own only; the review team and
    its readers every statement linked (only submitted ones can be)."""
    if user.role == "officer":
        return statement.author_id == user.id
    return can_see_statement(user, review, statement)


def can_see_statement(user: User, review: Review, statement: Statement) -> bool:
    if statement.author_id == user.id:
        return True
    if user.role == "officer":
        return False  # never another participant's statement, draft or submitted
    # A declined statement shows only its reason (its private draft, if any, stays hidden).
    return lifecycle.has_answered(statement) and can_see_review(user, review)


def can_list_statements(user: User, review: Review) -> bool:
    """The page of submitted statements: reviewer, quality assurance and leadership."""
    return user.role != "officer" and can_see_review(user, review)


def can_write_statement(user: User, review: Review) -> bool:
    return is_participant(user, review)


def can_set_statement_inclusion(user: User, review: Review) -> bool:
    return can_edit_review(user, review)


def can_respond_to_findings(user: User, review: Review) -> bool:
    return is_participant(user, review)


def can_say_factual_accuracy_done(user: User, review: Review) -> bool:
    """May say they have nothing (more) to add at factual accuracy: a participant (the
    lifecycle decides when: services answer 409 outside factual accuracy)."""
    return is_participant(user, review)


def can_respond_now(user: User, review: Review) -> bool:
    """May reply to the findings now: a participant, during the factual accuracy check."""
    return can_respond_to_findings(user, review) and lifecycle.accepts_responses(review)


def can_manage_actions(user: User, review: Review) -> bool:
    """Add, change or move on actions: the reviewer (until quality assurance), quality
    assurance (the countersigner at quality assurance; any of them verifies), leadership
    (after approval; owners and verifiers). Who may do what, when, is decided by the service
    (services/actions.py: 403 or 409)."""
    return can_edit_review(user, review) or user.role in ("leadership", "quality_assurer")


def can_export(user: User, review: Review) -> bool:
    if user.role == "reviewer":
        return is_reviewer_of(user, review)
    return user.role in ("quality_assurer", "leadership")


def can_download_own_copy(user: User, review: Review) -> bool:
    """A participant's own copy of the review (the participant PDF, once approved): theirs
    alone — anyone else, the review team included, is answered as if it did not exist."""
    return is_participant(user, review)


def can_view_history(user: User, review: Review) -> bool:
    return user.role != "officer"


def can_transition(user: User, review: Review, to: str) -> bool:
    """Who may ask for each transition (the rules themselves live in lifecycle.py)."""
    if to in lifecycle.REVIEWER_STEPS:
        return can_edit_review(user, review)
    if to == lifecycle.APPROVED:
        # Segregation of duties: only the named countersigner, never the review's own reviewer.
        return (
            user.role == "quality_assurer"
            and review.countersigner_id == user.id
            and user.id not in (review.reviewer_id, review.created_by_id)
        )
    if to == lifecycle.IN_REVIEW:
        return user.role == "quality_assurer"
    if to == lifecycle.CLOSED:
        return user.role in ("leadership", "quality_assurer")
    return False


def can_export_review_list(user: User) -> bool:
    """The CSV of a list holds what the list shows: whoever may list reviews (audited)."""
    return can_list_reviews(user)


def can_see_extension_requests(user: User) -> bool:
    """Extension requests (reasons, decisions, a request waiting): the review team and its
    readers. Officers see the deadline in force, not why it moves (reasons may concern
    colleagues)."""
    return user.role in ("reviewer", "quality_assurer", "leadership")


def can_see_extensions(user: User, review: Review) -> bool:
    return can_see_extension_requests(user) and can_see_review(user, review)


def can_request_extension(user: User, review: Review) -> bool:
    """The review's reviewer, or leadership (a head of PDU asking on the reviewer's behalf).
    Whether the review may still be extended (not approved) is decided by the service."""
    return is_reviewer_of(user, review) or (user.role == "leadership")


def can_decide_extensions(user: User, review: Review) -> bool:
    """Quality assurance or leadership agree or refuse requests on reviews they can see."""
    return user.role in ("quality_assurer", "leadership") and can_see_review(user, review)


def can_decide_extension(user: User, review: Review, extension: DeadlineExtension) -> bool:
    """...but never a request of their own: the person who asks is not the one who agrees."""
    return can_decide_extensions(user, review) and extension.requested_by_id != user.id


def can_countersign(user: User, review: Review) -> bool:
    """The Countersign page: quality assurers, who may return the review; who may approve it
    (the named countersigner) is decided again by can_transition when they press the button."""
    return can_transition(user, review, lifecycle.IN_REVIEW)


def can_manage_users(user: User) -> bool:
    return user.role == "admin"


def can_revoke_token(user: User, token: ApiToken) -> bool:
    """Only its owner (an admin stops a person's tokens by deactivating the account)."""
    return token.user_id == user.id


def can_set_password(user: User, account: User) -> bool:
    """Only the account's owner: admins never choose, and so never know, anyone's password
    (a new account's owner sets theirs through a one-time link)."""
    return user.id == account.id


def can_read_themes(user: User) -> bool:
    return user.role == "leadership"


def can_see_dashboard(user: User) -> bool:
    """The dashboard: the patterns across every review, and the actions agreed in them."""
    return can_read_themes(user)


def can_use_own_account(user: User) -> bool:
    """Every signed-in user: their own session, password and notifications."""
    return bool(user.active)


def can_read_staff_support(user: User) -> bool:
    """The staff support page is signposted to every signed-in user."""
    return bool(user.active)


# --- Actions that stick (api-v1.1 B) ---------------------------------------------------------

# Who may own an action: an active leadership user (`owner_email`).
ACTION_OWNER_ROLE = "leadership"


def can_own_actions(user: User) -> bool:
    return user.role == ACTION_OWNER_ROLE and bool(user.active)


def acts_as_quality_assurance(user: User) -> bool:
    return user.role == "quality_assurer"


def is_countersigner_of(user: User, review: Review) -> bool:
    return acts_as_quality_assurance(user) and review.countersigner_id == user.id


def is_action_owner(user: User, action: Action) -> bool:
    return action.owner_id is not None and action.owner_id == user.id


def can_verify_action(user: User, review: Review, action: Action) -> bool:
    """Verify a done action, or send it back: a leadership or quality assurance user who can
    see the review and is not the action's owner (someone else checks it worked)."""
    return (
        user.role in ("leadership", "quality_assurer")
        and can_see_review(user, review)
        and not is_action_owner(user, action)
    )


ReviewCheck = Callable[[User, Review], bool]


def is_named_permission(check: object) -> bool:
    """True for a permission function of this module (`can_…`): the only checks that route
    decorators and the review loader accept, so every route names what it allows."""
    name = getattr(check, "__name__", "")
    return name.startswith("can_") and globals().get(name) is check


def can_draw_inspection_sample(user: User) -> bool:
    """The inspection sample (api-v1.1 §C): leadership and quality assurance."""
    return user.role in ("leadership", "quality_assurer")


# --- The criminal case and contact with the family (api-v1.1 C) --------------------------


def can_record_case_outcome(user: User, review: Review) -> bool:
    """The criminal case's outcome: the reviewer, in any status before closed (the service
    answers 409 once closed). Everyone who sees the review reads it on the overview, officers
    too: a court's outcome is public, not family material."""
    return can_edit_review(user, review)


def can_see_family(user: User, review: Review) -> bool:
    """Contact with the victim's family and their questions: the reviewer, quality
    assurance and leadership. Never officers, participants included — to them every family
    route answers 404, as if it did not exist (loaders.get_family_review_or_404)."""
    return user.role in ("reviewer", "quality_assurer", "leadership") and can_see_review(
        user, review
    )


def can_write_family_record(user: User, review: Review) -> bool:
    """Record contacts, add and answer the family's questions: the reviewer alone (one voice
    to the family), from in review until closed — contact goes on after approval (the
    service answers 409 once closed). Leadership and quality assurance read."""
    return can_see_family(user, review) and is_reviewer_of(user, review)


def can_manage_regions(user: User) -> bool:
    """The list of regions and PDUs (issue 19): admins only."""
    return user.role == "admin"


def can_see_ratings(user: User, review: Review) -> bool:
    """Quality assurance's ratings against the inspectorate's standards (api-v1.1 C): the
    review team and leadership, who export the full report they are printed in; never
    officers."""
    return can_export(user, review)


def can_write_family_summary(user: User, review: Review) -> bool:
    """The summary for the family (api-v1.1 C): its reviewer, while the review is editable
    (the service answers 409 outside the edit window). Quality assurance reads it and returns
    the review to change it; nobody else writes to the family."""
    return can_see_family(user, review) and can_edit_review(user, review)
