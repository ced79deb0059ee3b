"""Working days in England and Wales, due dates, and the overdue / due soon flags."""

from datetime import date

import pytest

from sfo_review.services.deadlines import (
    DUE_SOON,
    OVERDUE,
    DeadlineWindow,
    add_working_days,
    is_working_day,
    working_days_between,
)


def test_weekends_and_bank_holidays_are_not_working_days():
    assert not is_working_day(date(2023, 12, 25))  # Christmas Day
    assert not is_working_day(date(2023, 12, 26))  # Boxing Day
    assert not is_working_day(date(2023, 5, 8))  # the coronation bank holiday
    assert not is_working_day(date(2023, 6, 24))  # a Saturday
    assert is_working_day(date(2023, 6, 26))


def test_add_working_days_skips_weekends_and_bank_holidays():
    assert add_working_days(date(2023, 12, 22), 1) == date(2023, 12, 27)
    assert add_working_days(date(2023, 6, 28), 5) == date(2023, 7, 5)
    # 60 working days from 28 June 2023, with the August bank holiday in between
    assert add_working_days(date(2023, 6, 28), 60) == date(2023, 9, 21)


def test_review_due_date_uses_the_configured_working_days(app, make_review):
    review = make_review(notification_date="2023-06-28")
    assert review.due_date == date(2023, 9, 21)
    app.config["REVIEW_DEADLINE_WORKING_DAYS"] = 5
    try:
        assert make_review(notification_date="2023-06-28").due_date == date(2023, 7, 5)
    finally:
        app.config["REVIEW_DEADLINE_WORKING_DAYS"] = 60


# --- working days across bank holidays, and the flags every list shows ---------------------


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # Easter 2024: Good Friday 29 March and Easter Monday 1 April are not counted
        (date(2024, 3, 27), 2, date(2024, 4, 2)),
        # Christmas 2025: 25 and 26 December and 1 January 2026 are not counted
        (date(2025, 12, 23), 3, date(2025, 12, 30)),
        (date(2025, 12, 24), 5, date(2026, 1, 5)),
        # the early May and the spring bank holidays of 2025 (5 May, 26 May)
        (date(2025, 5, 2), 1, date(2025, 5, 6)),
        (date(2025, 5, 23), 1, date(2025, 5, 27)),
        # a year boundary with a weekend: 31 December 2027 is a Friday, 3 January 2028 the
        # substitute bank holiday for New Year's Day (a Saturday)
        (date(2027, 12, 31), 1, date(2028, 1, 4)),
    ],
)
def test_due_dates_skip_england_and_wales_bank_holidays(start, days, due):
    assert add_working_days(start, days) == due


def test_scottish_and_northern_irish_holidays_do_not_count():
    assert is_working_day(date(2025, 1, 2))  # 2 January: Scotland only
    assert is_working_day(date(2025, 3, 17))  # St Patrick's Day: Northern Ireland only
    assert is_working_day(date(2025, 7, 14))  # the Boyne holiday (12 July observed): NI only


def test_working_days_between_counts_what_add_working_days_adds():
    start = date(2025, 12, 19)
    for days in (0, 1, 5, 10, 60):
        assert working_days_between(start, add_working_days(start, days)) == days
    assert working_days_between(date(2025, 12, 31), date(2025, 12, 24)) == -3


def test_the_due_soon_window_is_ten_working_days_over_christmas():
    window = DeadlineWindow.on(date(2025, 12, 19), 10)
    # 22, 23, 24, 29, 30, 31 Dec, 2, 5, 6, 7 Jan: the 10th working day is 7 January 2026
    assert window.due_soon_until == date(2026, 1, 7)
    assert window.flag("in_review", date(2026, 1, 7)) == DUE_SOON
    assert window.flag("in_review", date(2026, 1, 8)) is None


def test_overdue_once_the_deadline_has_passed_and_due_today_is_due_soon():
    window = DeadlineWindow.on(date(2025, 6, 2), 10)
    assert window.flag("in_review", date(2025, 5, 30)) == OVERDUE
    assert window.flag("quality_assurance", date(2025, 6, 1)) == OVERDUE
    assert window.flag("factual_accuracy", date(2025, 6, 2)) == DUE_SOON


@pytest.mark.parametrize("status", ["approved", "closed"])
def test_approved_and_closed_reviews_are_never_flagged(status):
    window = DeadlineWindow.on(date(2025, 6, 2), 10)
    assert window.flag(status, date(2020, 1, 1)) is None
    assert window.flag(status, date(2025, 6, 3)) is None


def test_the_due_soon_window_is_configurable(app, make_review, monkeypatch, on_day):
    from sfo_review.services import deadlines

    on_day(date(2025, 6, 2))
    monkeypatch.setitem(app.config, "DUE_SOON_WORKING_DAYS", 3)
    assert deadlines.deadline_window().due_soon_until == date(2025, 6, 5)
