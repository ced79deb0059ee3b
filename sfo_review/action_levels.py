"""The action balance rule's table (api-v1.1 B): which action levels answer a systemic factor.

An action addresses a factor when it is linked to it (`action.systemic_factors`) and its level
matches the factor's level or is above it: a team factor needs a PDU, regional or national
action; an organisational or partnership factor a regional or national one; a national factor
a national one. So an organisational factor answered only by a PDU action ("the officer to
attend training") is not addressed. The rule itself (one unmet rule per factor, to approved)
is lifecycle.py's; this module holds the table and the questions it answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sfo_review import vocab

# The insufficient judgement (lifecycle.SHORTFALL_JUDGEMENT; not imported: lifecycle imports us).
_INSUFFICIENT = "insufficient"

# Factor level -> the action levels that answer it (vocab.FACTOR_LEVELS, vocab.ACTION_LEVELS).
LEVELS_ANSWERING: dict[str, tuple[str, ...]] = {
    "team": ("pdu", "regional", "national"),
    "organisational": ("regional", "national"),
    "partnership": ("regional", "national"),
    "national": ("national",),
}


def answering_levels(factor_level: str) -> tuple[str, ...]:
    """The action levels that may address a factor of `factor_level` (national: unknown)."""
    return LEVELS_ANSWERING.get(factor_level, ("national",))


def addresses(action: Any, factor: Any) -> bool:
    """`action` is linked to `factor` and its level is the factor's or above it."""
    linked = any(f.id == factor.id for f in action.systemic_factors)
    return linked and action.level in answering_levels(factor.level)


def factors_to_address(findings: Iterable[Any]) -> list[Any]:
    """The systemic factors linked to an insufficient finding, each once, in the order they
    were recorded (a factor linked only to sufficient or good-practice findings needs no
    action)."""
    found: dict[int, Any] = {}
    for finding in findings:
        if finding.judgement != _INSUFFICIENT:
            continue
        for factor in finding.systemic_factors:
            found.setdefault(factor.id, factor)
    return [found[k] for k in sorted(found)]


def unaddressed(findings: Iterable[Any], actions: Iterable[Any]) -> list[Any]:
    """The factors to address that no action addresses at a high enough level."""
    plan = list(actions)
    return [f for f in factors_to_address(findings) if not any(addresses(a, f) for a in plan)]


def levels_phrase(factor_level: str) -> str:
    """'PDU, regional or national': the action levels a factor needs, for a sentence."""
    labels = {"pdu": "PDU"}
    words = [labels.get(k, k) for k in answering_levels(factor_level)]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def factor_name(factor: Any) -> str:
    """“Workload and capacity” (team level): how a rule names a factor."""
    labels = {c.key: c.label for c in vocab.SYSTEMIC_FACTOR_CATEGORIES}
    return f"“{labels.get(factor.category, factor.category)}” ({factor.level} level)"


DESCRIPTION_SHOWN = 80


def factor_description(factor: Any) -> str:
    """The factor's description, shortened to DESCRIPTION_SHOWN characters for a rule."""
    text = " ".join((factor.description or "").split())
    return text if len(text) <= DESCRIPTION_SHOWN else text[: DESCRIPTION_SHOWN - 1] + "…"
