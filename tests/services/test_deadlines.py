from datetime import date

from sfo_review.services.deadlines import add_working_days, is_working_day


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
