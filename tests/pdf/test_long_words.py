"""Over-long words: every text reaching a PDF gets break opportunities, so any text lays out
in bounded time (pdf/breaks.py; `make bench-pdf-hostile` measures the time)."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from typing import Any

import pytest
from bs4 import BeautifulSoup

from sfo_review.extensions import db
from sfo_review.models import Review
from sfo_review.pdf.breaks import LONGEST_RUN, MOST_MARKS, PIECE, breakable
from sfo_review.pdf.render import render_html, render_pdf
from tests.report_fixtures import pdf_pages

Builder = Callable[..., dict[str, Any]]
ZWSP = "\u200b"
ORDINARY = (
    "The officer recorded a missed appointment on 12/05/2023, e-mailed j.smith@example.org "
    "and the OASys assessment (internationalisation, counter-revolutionaries) was not updated."
)


def blob(seed: int, length: int) -> str:
    """One word of `length` letters and digits, different for each seed."""
    rng = random.Random(seed)  # noqa: S311 - test data
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(rng.choice(letters) for _ in range(length))


FURNITURE = re.compile(
    r"(DRAFT )?OFFICIAL-SENSITIVE|DRAFT|SFO-\d{4}-\d{4} OFFICIAL-SENSITIVE( Page \d+ of \d+)?"
    r"|Entry and date Source( Known then)? What happened|•"
    r"|(?:(?:DRAFT|OFFICIAL-SENSITIVE|NOT FOR DISCLOSURE) ?)+"
)


def page_body(page: str) -> str:
    """A page's text without its margin marks, DRAFT mark, repeated table header and list
    bullets (a list item continued on the next page shows its bullet there too)."""
    return "\n".join(line for line in page.splitlines() if not FURNITURE.fullmatch(line.strip()))


def longest_run(text: str) -> int:
    return max((len(run) for run in re.split(rf"[\s{ZWSP}]+", text)), default=0)


# ---- the transformation ------------------------------------------------------------------


def test_ordinary_text_is_left_exactly_as_typed() -> None:
    assert breakable(ORDINARY) == ORDINARY
    assert breakable("x" * LONGEST_RUN) == "x" * LONGEST_RUN
    assert breakable("") == ""


def test_a_long_run_gets_a_zero_width_space_after_every_piece() -> None:
    word = blob(1, 95)

    made = breakable(f"Before {word} after")

    assert made.replace(ZWSP, "") == f"Before {word} after"
    pieces = made.split()[1].split(ZWSP)
    assert [len(p) for p in pieces] == [PIECE] * 9 + [5]


def test_spaces_and_break_opportunities_already_there_start_a_new_run() -> None:
    short_words = " ".join(["y" * LONGEST_RUN] * 100)
    already = ZWSP.join(["z" * LONGEST_RUN] * 100)

    assert breakable(short_words) == short_words
    assert breakable(already) == already
    assert breakable("a" * LONGEST_RUN + "\n" + "b" * LONGEST_RUN) == (
        "a" * LONGEST_RUN + "\n" + "b" * LONGEST_RUN
    )


def test_no_break_spaces_do_not_end_a_run() -> None:
    joined = "ab\u00a0" * 20  # words held together: one run of 60 characters

    made = breakable(joined)

    assert made.replace(ZWSP, "") == joined
    assert longest_run(made.replace("\u00a0", "x")) <= PIECE + MOST_MARKS


def test_a_letter_keeps_its_accents_and_a_joined_pair_stays_together() -> None:
    accented = "e\u0301" * 40  # é as a letter and a combining accent
    joined = "a" * (PIECE - 1) + "\u200d" + "b" * 40

    for text in (accented, joined):
        made = breakable(text)
        assert made.replace(ZWSP, "") == text
        for piece in made.split(ZWSP)[1:]:
            assert not re.match(r"[\u0300-\u036f\u200d]", piece)
        assert "\u200d" + ZWSP not in made


def test_a_pile_of_marks_is_still_cut() -> None:
    hostile = "a" + "\u0301" * 2000

    pieces = breakable(hostile).split(ZWSP)

    assert max(len(p) for p in pieces) <= PIECE + MOST_MARKS
    assert "".join(pieces) == hostile


# ---- every text in every variant ---------------------------------------------------------


SHORT = 200  # validation.SHORT_MAX


def shown_statement_field(statement: Any) -> str:
    """The part of a statement the full report shows."""
    if statement.decline_reason:
        return "decline_reason"
    return "summary" if statement.include_in_report == "summary" else "body"


def fill_every_field_with_long_words(review: Review) -> list[str]:
    """Each free-text field (and the short ones) as one long word; the words, in order."""
    rows: list[tuple[Any, list[str]]] = [
        (review, ["overall_judgement", "offence_charged", "pdu", "region"]),
        (review.participants[0].user, ["name"]),
    ]
    rows += [(e, ["summary", "source"]) for e in review.chronology]
    rows += [(c, ["notes"]) for c in review.caseload_contexts]
    rows += [(f, ["description", "evidence"]) for f in review.systemic_factors]
    rows += [(f, ["title", "narrative", "context_note"]) for f in review.findings]
    rows += [(r, ["body"]) for f in review.findings for r in f.responses]
    rows += [(s, [shown_statement_field(s)]) for s in review.statements]
    rows += [(a, ["description", "owner", "completion_note"]) for a in review.actions]
    rows += [(x, ["reason", "decision_note"]) for x in review.extensions if x.decision_note]
    short = {"offence_charged", "pdu", "region", "name", "source", "title", "owner"}
    words: list[str] = []
    for row, fields in rows:
        for field in fields:
            words.append(blob(len(words) + 100, SHORT if field in short else 400))
            setattr(row, field, words[-1])
    db.session.commit()
    return words


@pytest.mark.parametrize("variant", ["full", "family_summary"])
def test_no_text_of_any_variant_reaches_the_pdf_as_an_over_long_word(
    rich_review: Builder, variant: str
) -> None:
    review = rich_review("quality_assurance")["review"]
    words = fill_every_field_with_long_words(review)

    soup = BeautifulSoup(render_html(review, variant), "html.parser")
    body = soup.body
    assert body is not None
    text = body.get_text(" ")

    assert longest_run(text) <= LONGEST_RUN
    # ids, links, classes and the head's values are left as they are
    values = [str(v) for tag in soup.find_all(True) for v in tag.attrs.values()]
    assert values and not [v for v in values if ZWSP in v]
    assert soup.head is not None and ZWSP not in soup.head.get_text()
    ids = {tag["id"] for tag in soup.find_all(id=True)}
    assert {a["href"][1:] for a in soup.select("a[href^='#']")} <= ids
    if variant == "full":  # the full report shows every field, each in full
        plain = text.replace(ZWSP, "")
        for w in words:
            assert w in plain


def test_a_20000_character_word_renders_and_its_text_extracts(rich_review: Builder) -> None:
    built = rich_review("factual_accuracy")
    review = built["review"]
    word = blob(7, 20_000)
    entry = next(e for e in review.chronology if e.significant)
    entry.summary = f"Pasted by mistake: {word} (the officer's note ends here)."
    # The family's PDF prints the summary written for them (api-v1.1 C), not the chronology.
    review.family_summary = entry.summary
    db.session.commit()

    for variant in ("family_summary", "full"):
        text = "".join(page_body(page) for page in pdf_pages(render_pdf(review, variant)))
        squeezed = "".join(text.split())
        assert word in squeezed, variant
        assert ZWSP not in text
        assert "Pastedbymistake:" in squeezed
        assert "(theofficer'snoteendshere)." in squeezed.replace("’", "'")
