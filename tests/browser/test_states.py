"""The accessibility walk's page states: what makes two pages the same state (checked once)
and what keeps them apart (each checked). No browser needed."""

from __future__ import annotations

from tests.browser.states import page_state


def _page(main: str) -> str:
    header = "<header class='govuk-header'>Service</header>"
    return f"<html><body>{header}<main>{main}</main></body></html>"


ROW = "<tr class='govuk-table__row'><td id='{id}'>{text}</td></tr>"


def _table(*ids: str) -> str:
    return (
        "<table><tbody>"
        + "".join(ROW.format(id=i, text=f"row {i}") for i in ids)
        + "</tbody></table>"
    )


def test_the_same_page_with_other_words_is_one_state():
    one = page_state("reviews.overview", _page("<h1>Review SFO-2026-0001</h1><p>In review</p>"))
    other = page_state("reviews.overview", _page("<h1>Review SFO-2026-0002</h1><p>Approved</p>"))
    assert one == other


def test_another_endpoint_is_another_state():
    html = _page("<h1>Title</h1>")
    assert page_state("reviews.overview", html) != page_state("reviews.status", html)


def test_a_button_more_or_another_class_is_another_state():
    plain = page_state("reviews.overview", _page("<h1>Review</h1>"))
    with_button = _page("<h1>Review</h1><button class='govuk-button' type='submit'>Go</button>")
    assert page_state("reviews.overview", with_button) != plain
    other_class = _page("<h1 class='govuk-heading-xl'>Review</h1>")
    assert page_state("reviews.overview", other_class) != plain
    current = _page("<h1>Review</h1><a aria-current='page'>Here</a>")
    assert page_state("reviews.overview", current) != page_state(
        "reviews.overview", _page("<h1>Review</h1><a>Here</a>")
    )


def test_an_element_with_text_differs_from_one_without():
    empty = page_state("reviews.overview", _page("<p></p>"))
    assert page_state("reviews.overview", _page("<p>Words</p>")) != empty


def test_more_rows_of_the_same_shape_are_one_state_but_one_row_is_not_two():
    two, five = _table("a", "b"), _table("a", "b", "c", "d", "e")
    assert page_state("x.list", _page(two)) == page_state("x.list", _page(five))
    assert page_state("x.list", _page(_table("a"))) != page_state("x.list", _page(two))
    assert page_state("x.list", _page(_table())) != page_state("x.list", _page(_table("a")))
