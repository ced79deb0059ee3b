"""URL converters: `<int:…>` in a route only matches an id the database could hold.

Every `<int:…>` in our routes is a row's id, an INTEGER column (32 bits on PostgreSQL). An
id past that range cannot name a row, and SQLite cannot even bind one past 64 bits (an
OverflowError, a 500, found by `make fuzz`): such a path does not match any route, so it
answers 404 like any id that does not exist, on pages and in the API, whatever the method.

The limit is in the converter's regular expression, not in `max=`: Werkzeug tries the
other methods' rules when a converter refuses a value, which answers 405, not 404.
"""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # the largest id an INTEGER column holds (as the services' id rules)


def digits_at_most(limit: int) -> str:
    """A regular expression matching the decimal numbers 0..limit (no sign, no leading
    zeros beyond limit's own length)."""
    text = str(limit)
    size = len(text)
    choices = [rf"\d{{1,{size - 1}}}"] if size > 1 else []
    for i, digit in enumerate(text):
        if digit != "0":
            rest = size - i - 1
            tail = rf"\d{{{rest}}}" if rest else ""
            choices.append(f"{text[:i]}[0-{int(digit) - 1}]{tail}")
    choices.append(text)
    return "(?:" + "|".join(choices) + ")"


class IdConverter(IntegerConverter):
    """Werkzeug's `int`, matching 0..MAX_ID only."""

    regex = digits_at_most(MAX_ID)
