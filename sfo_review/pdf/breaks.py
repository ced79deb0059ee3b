"""Break opportunities in over-long words, so that any word lays out in bounded time.

WeasyPrint 70 breaks a word wider than its line (`overflow-wrap: break-word`) by laying out
*the whole rest of the text* again with Pango for every line it cuts off (`split_first_line`,
its step 5): a cost that grows with the square of the word's length. One 20,000-character
word took 10-30 s; ten of them went past the render time limit. The CSS alternatives
(`overflow-wrap: anywhere`, `word-break: break-all`) go through the same step and cost the
same (docs/pdf.md has the measurements).

WeasyPrint only lays out a short window of the text for a line (about four times the
characters a line holds) when that window has a break opportunity after the line's end. So
every run of more than `LONGEST_RUN` characters without a space (a no-break space does not
count as one) gets a zero-width space
(U+200B) after each `PIECE` characters: an opportunity to break that prints nothing and is
not in the text a PDF reader extracts or searches. `PIECE` is small enough that the window
of the narrowest column holding free text (the 30 mm *Decision* column, a window of about
33 characters) always has two of them.

Words of `LONGEST_RUN` characters or fewer — every word of ordinary English — are left
exactly as typed, so ordinary text looks as before; a longer run (a pasted blob, a long
link) still prints in full, broken at the end of a line as before, at most `PIECE`
characters from where it used to break.

A cut never falls between a letter and the accents or joiners that follow it (Unicode marks,
the zero-width joiner), so no accent moves to another line.
"""

from __future__ import annotations

import re
import unicodedata

ZERO_WIDTH_SPACE = "\u200b"
ZERO_WIDTH_JOINER = "\u200d"
LONGEST_RUN = 30  # a run of more non-space characters than this gets break opportunities…
PIECE = 10  # …after every PIECE characters
# How far a cut may move on to keep a letter with its marks: hostile text can pile
# thousands of marks on one letter, and the run must still be cut.
MOST_MARKS = 8
# A run ends only where a line may break: an ordinary space, a tab, a line break or a
# zero-width space. No-break spaces (U+00A0, U+202F) and word joiners join what they sit
# between, so "a\u00a0a\u00a0a…" is one long run and gets break opportunities too.
_RUN = re.compile(rf"[^ \t\n\r\f\v{ZERO_WIDTH_SPACE}]{{{LONGEST_RUN + 1},}}")


def _belongs_to_previous(char: str) -> bool:
    """Whether `char` goes with the character before it (a combining mark, a joiner)."""
    return char == ZERO_WIDTH_JOINER or unicodedata.category(char).startswith("M")


def _cut(run: str) -> str:
    pieces = []
    start = 0
    while len(run) - start > PIECE:
        cut = start + PIECE
        limit = min(cut + MOST_MARKS, len(run))
        while cut < limit and (_belongs_to_previous(run[cut]) or run[cut - 1] == ZERO_WIDTH_JOINER):
            cut += 1
        if cut >= len(run):
            break
        pieces.append(run[start:cut])
        start = cut
    pieces.append(run[start:])
    return ZERO_WIDTH_SPACE.join(pieces)


def breakable(text: str) -> str:
    """`text` with a zero-width space after every `PIECE` characters of each run of more
    than `LONGEST_RUN` characters that are not spaces; other text is returned as it is."""
    if len(text) <= LONGEST_RUN:
        return text
    return _RUN.sub(lambda found: _cut(found.group(0)), text)
