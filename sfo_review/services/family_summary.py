"""The summary written for the victim's family (api-v1.1 C): its check and its draft.

`check` lists what must not reach a bereaved family: probation jargon (each with a plain
alternative), the names of staff involved, and any person's caseload or workload figures;
it also measures the reading age (the Flesch-Kincaid grade + 5, aim about 12; syllables
counted with Pyphen's British English hyphenation, as textstat 0.7 did: textstat itself is
not used, its releases either fetch NLTK's dictionary at run time, need setuptools'
removed pkg_resources, or install a top-level `tests` package over this project's).
`draft` composes plain paragraphs from the structured record; the reviewer edits them.
Both are pure reads: nothing here writes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pyphen

from sfo_review import vocab
from sfo_review.models import Review
from sfo_review.pdf.redact import names_in, redactor

READING_AGE_AIM = 12

# What the check finds (the `kind` of its items; the API's description lists the same).
KIND_JARGON, KIND_STAFF_NAME, KIND_STAFF_FIGURE = "jargon", "staff_name", "staff_figure"
CHECK_KINDS = (KIND_JARGON, KIND_STAFF_NAME, KIND_STAFF_FIGURE)


@dataclass(frozen=True)
class Term:
    pattern: str  # a regular expression, matched as a whole word
    suggestion: str
    ignore_case: bool = False
    plain: str = ""  # what the family summary PDF prints instead (`plain`)


# Abbreviations match in capitals only ("PO", not "po" or "Police"); words in any case.
JARGON: tuple[Term, ...] = (
    Term(
        r"OASys|OASYS",
        "say ‘the assessment of the risks the person posed’",
        plain="the risk assessment",
    ),
    Term(
        r"RoSH|ROSH", "say ‘the risk of serious harm to others’", plain="the risk of serious harm"
    ),
    Term(
        r"WMT",
        "say ‘how busy the officer’s team was’ (give no one’s figures)",
        plain="the workload measure",
    ),
    Term(
        r"SPO",
        "say ‘the senior probation officer’ or ‘the manager’",
        plain="the senior probation officer",
    ),
    Term(r"PSO", "say ‘the probation services officer’", plain="the probation services officer"),
    Term(r"PO", "say ‘the probation officer’", plain="the probation officer"),
    Term(r"PDU", "say ‘the local probation office’", plain="the local probation office"),
    Term(
        r"MAPPA",
        "say ‘the arrangements where police, probation and prisons work together to manage "
        "people who pose a serious risk’",
        plain="the arrangements for managing people who pose a serious risk",
    ),
    Term(
        r"nDelius|NDELIUS|Ndelius",
        "say ‘the probation case records’",
        plain="the probation case records",
    ),
    Term(
        r"s\.?\s?\d+[A-Za-z]?|section\s+\d+[A-Za-z]?",
        "name the offence in plain words, for example ‘wounding with intent’",
        ignore_case=True,
        plain="the offence",
    ),
)
# A number followed by a workload word, or a workload word followed by a number: one
# person's caseload or workload (the family summary gives none).
_FIGURE = re.compile(
    r"\b\d+(?:\.\d+)?\s*(?:%|per\s?cent\b|cases\b|case\b|caseload\b|WMT\b|hours?\b)"
    r"|\b(?:caseload|workload|WMT)\b[^.\d]{0,30}?\d+(?:\.\d+)?\s*%?",
    re.IGNORECASE,
)


def _term_pattern(term: Term) -> re.Pattern[str]:
    flags = re.IGNORECASE if term.ignore_case else 0
    return re.compile(rf"(?<![\w.]){term.pattern}(?!\w)", flags)


_ARTICLE = re.compile(r"(?:\b(?:the|a|an|our|their)\s+)$", re.IGNORECASE)
# A word that already determines the noun: "no PSO" -> "no probation services officer".
_DETERMINER = re.compile(
    r"\b(?:no|any|each|every|this|that|one|another|other|which|whose)\s+$", re.IGNORECASE
)


def plain(review: Review) -> Callable[[str | None], str]:
    """What the family summary PDF prints of any text typed by staff: names become roles
    (the redactor), jargon its plain words, and a person's caseload or workload figure
    "(figure removed)"."""
    redact = redactor(review)

    def plain_text(text: str | None) -> str:
        out = redact(text)
        for term in JARGON:
            out = _replace_term(term, out)
        return _FIGURE.sub("(figure removed)", out)

    return plain_text


def _replace_term(term: Term, text: str) -> str:
    pieces, done = [], 0
    for match in _term_pattern(term).finditer(text):
        before = text[done : match.start()]
        article = _ARTICLE.search(before)
        if article:  # "the PO" -> "the probation officer", not "the the probation officer"
            before = before[: article.start()]
        opening = (article.group(0)[0].isupper() if article else False) or not (
            text[: match.start()].rstrip() and text[: match.start()].rstrip()[-1] not in ".!?:"
        )
        phrase = term.plain
        if _DETERMINER.search(before) and phrase.startswith("the "):
            phrase = phrase[4:]
        words = phrase[0].upper() + phrase[1:] if opening else phrase
        pieces += [before, words]
        done = match.end()
    return "".join([*pieces, text[done:]])


def _jargon(text: str) -> list[dict[str, str]]:
    items = []
    for term in JARGON:
        for match in _term_pattern(term).finditer(text):
            items.append(
                {"kind": KIND_JARGON, "text": match.group(0), "suggestion": term.suggestion}
            )
    return items


def _recorded_figures(review: Review) -> set[int]:
    figures: set[int] = set()
    for context in review.caseload_contexts:
        figures.update((context.caseload_count, context.workload_percent))
    return figures


def _figures(review: Review, text: str) -> list[dict[str, str]]:
    suggestion = "take out this figure: the summary gives no one’s caseload or workload"
    items = [
        {"kind": KIND_STAFF_FIGURE, "text": m.group(0).strip(), "suggestion": suggestion}
        for m in _FIGURE.finditer(text)
    ]
    seen = {item["text"] for item in items}
    recorded = _recorded_figures(review)
    for match in re.finditer(r"(?<![\w.])\d+(?![\w])", text):
        number = match.group(0)
        if int(number) in recorded and not any(number in s for s in seen):
            items.append(
                {
                    "kind": KIND_STAFF_FIGURE,
                    "text": number,
                    "suggestion": "this is a recorded caseload or workload figure: take it out",
                }
            )
    return items


def _names(review: Review, text: str) -> list[dict[str, str]]:
    return [
        {
            "kind": KIND_STAFF_NAME,
            "text": name,
            "suggestion": "describe the person’s role instead, for example ‘the probation "
            "officer’ or ‘the manager’",
        }
        for name in dict.fromkeys(names_in(review, text))
    ]


def check_items(review: Review, text: str | None) -> list[dict[str, str]]:
    """Every problem in `text` (the review's family summary unless given)."""
    if not text:
        return []
    return _jargon(text) + _names(review, text) + _figures(review, text)


_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
_SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)|\n\s*\n")
_HYPHENATOR = pyphen.Pyphen(lang="en_GB")


def syllables(word: str) -> int:
    """A word's syllables: its hyphenation points + 1 (at least one)."""
    return max(1, len(_HYPHENATOR.positions(word.lower())) + 1)


def flesch_kincaid_grade(text: str) -> float:
    """0.39 × words per sentence + 11.8 × syllables per word − 15.59."""
    words = _WORD.findall(text)
    if not words:
        return 0.0
    sentences = max(1, len([s for s in _SENTENCE_END.split(text.strip()) if _WORD.search(s)]))
    per_word = sum(syllables(w) for w in words) / len(words)
    return 0.39 * len(words) / sentences + 11.8 * per_word - 15.59


def readability(text: str | None) -> dict[str, Any]:
    """The reading age (Flesch-Kincaid grade + 5, rounded) and the aim; null when empty."""
    words = len(_WORD.findall(text or ""))
    if not words:
        return {"reading_age": None, "grade": None, "aim": READING_AGE_AIM, "words": 0}
    grade = round(flesch_kincaid_grade(text or ""), 1)
    return {
        "reading_age": max(5, round(grade + 5)),
        "grade": grade,
        "aim": READING_AGE_AIM,
        "words": words,
    }


def check(review: Review, text: str | None = None) -> dict[str, Any]:
    """GET /reviews/{id}/family-summary/check: the items, and the readability (an addition)."""
    text = review.family_summary if text is None else text
    return {"items": check_items(review, text), "readability": readability(text)}


# ---- the draft ------------------------------------------------------------------------


def long_date(day: date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


PLAIN_JUDGEMENT = {
    "sufficient": "the work met the standard expected",
    "insufficient": "the work fell short of the standard expected",
}


def _happened(review: Review) -> str:
    category = vocab.label(vocab.OFFENCE_CATEGORIES, review.offence_category).lower()
    return (
        f"On {long_date(review.charge_date)}, a man or woman supervised by the Probation "
        f"Service was charged with a serious offence ({category}). We know this has caused "
        "your family great harm."
    )


def _looked_at(review: Review) -> str:
    return (
        "A senior manager who was not involved in the case reviewed how the Probation "
        "Service supervised the person. The review read the case records, looked at "
        f"{len(review.chronology)} key events in the supervision, and asked the staff "
        "involved for their account."
    )


def _found(review: Review) -> str:
    short = [f for f in review.findings if f.judgement == "insufficient"]
    met = len(review.findings) - len(short)
    if not review.findings:
        return "The review has not yet said what it found."
    parts = []
    if short:
        parts.append(
            f"The review found {len(short)} area{'s' if len(short) != 1 else ''} where "
            f"{PLAIN_JUDGEMENT['insufficient']}."
        )
    if met:
        parts.append(
            f"In {met} other area{'s' if met != 1 else ''}, {PLAIN_JUDGEMENT['sufficient']}."
        )
    return " ".join(parts)


def _will_change(review: Review) -> str:
    if not review.actions:
        return "The review will set out what will change. We will tell you when it does."
    lines = ["The Probation Service will make these changes:"]
    for action in review.actions:
        lines.append(f"- {action.description.strip()} (by {long_date(action.due_date)})")
    return "\n".join(lines)


def draft(review: Review, contact: str) -> str:
    """A plain-English draft from the structured record: what happened, what the review
    looked at, what it found, what will change, who to contact. It does not apologise: the
    family's PDF opens with the apology, always, before this text (saying it twice reads as
    a form). No staff names or figures: the check runs on it like on any text the reviewer
    writes."""
    paragraphs = [
        "We want to be open with you about what we found.",
        _happened(review),
        _looked_at(review),
        _found(review),
        _will_change(review),
        f"If you have any questions, please contact {contact}. Please give the reference "
        f"{review.reference}.",
    ]
    return "\n\n".join(paragraphs)
