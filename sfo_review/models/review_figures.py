"""Each review's findings and people counted for the leadership figures (api-v1.1 §A, §B),
kept up to date.

`review_figures`: one row per review with findings (no row: every count zero), written in the same
transaction as every change that can alter it (services/figures/contributions.py), so the
balance measure and the just-culture outcomes are sums over at most one row per review
instead of the balance rule evaluated over every finding. What each count holds:

- `findings`: the review's findings;
- `individual`: its individual shortfall findings (judged insufficient, attributed to an
  individual); `individual_only` those attributed to an individual alone; `weighed` those
  whose context was weighed (the balance rule, `lifecycle.finding_context_weighed`);
- `attributed_<key>`: findings with that attribution (a finding with two counts in both);
- `outcome_<key>`: individual shortfall findings by their just-culture outcome
  (`not_assessed` when there is none yet).

`review_people_figures`: one row per review with participants, its part of who gets blamed
(services/figures/attribution.py); a person is a participant of one review, so the
reviews' counts add up.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, Table

from sfo_review import vocab
from sfo_review.extensions import db

FINDING_COUNTS = ("findings", "individual", "individual_only", "weighed")
ATTRIBUTED = {c.key: f"attributed_{c.key}" for c in vocab.ATTRIBUTIONS}
NOT_ASSESSED = "not_assessed"
OUTCOMES = {
    key: f"outcome_{key}" for key in (*vocab.keys(vocab.JUST_CULTURE_OUTCOMES), NOT_ASSESSED)
}
COUNTS = (*FINDING_COUNTS, *ATTRIBUTED.values(), *OUTCOMES.values())

review_figures = Table(
    "review_figures",
    db.metadata,
    Column(
        "review_id",
        ForeignKey("reviews.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    *(Column(name, Integer, nullable=False) for name in COUNTS),
)

# Who gets blamed (api-v1.1 §B), each review's part: its participants with a caseload
# context, by their latest context's grade and bands (services/figures/attribution.py),
# all of them and the subjects of an individual shortfall finding among them; those subjects
# by the just-culture outcomes of their findings; subjects with no caseload context.
BREAKDOWNS: dict[str, tuple[str, ...]] = {
    "grade": vocab.keys(vocab.GRADES),
    "months": ("under_12", "12_to_24", "over_24"),
    "cases": ("up_to_50", "51_to_60", "over_60"),
    "wmt": ("up_to_100", "101_to_110", "over_110"),
}
SIDES = ("all", "subjects")
BANDS = {
    (side, breakdown, key): f"{side}_{breakdown}_{key}"
    for side in SIDES
    for breakdown, keys in BREAKDOWNS.items()
    for key in keys
}
SUBJECT_OUTCOMES = {key: f"subjects_{name}" for key, name in OUTCOMES.items()}
PEOPLE_COUNTS = (
    "participants",
    "subjects",
    "subjects_without_context",
    *BANDS.values(),
    *SUBJECT_OUTCOMES.values(),
)

review_people_figures = Table(
    "review_people_figures",
    db.metadata,
    Column(
        "review_id",
        ForeignKey("reviews.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    *(Column(name, Integer, nullable=False) for name in PEOPLE_COUNTS),
)
