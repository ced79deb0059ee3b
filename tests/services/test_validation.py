"""Field rules shared by the browser and the API."""

from __future__ import annotations

from datetime import date

import pytest

from sfo_review.services import evidence, reviews
from sfo_review.services import validation as v
from sfo_review.services.errors import Conflict, ValidationFailed
from tests.conftest import REVIEW_DATA, FromToday, days_ago, when_run


def _errors(make_user, **changes):
    data = {**REVIEW_DATA, **{k: when_run(v) for k, v in changes.items()}}
    with pytest.raises(ValidationFailed) as caught:
        reviews.create_review(make_user("reviewer"), data)
    return caught.value.fields


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"case_reference": "123"}, "case_reference", "one letter followed by 6 digits"),
        ({"case_reference": "   "}, "case_reference", "Enter the case reference"),
        ({"case_reference": "X１２３４５６"}, "case_reference", "one letter followed by 6 digits"),
        ({"case_reference": "X١٢٣٤٥٦"}, "case_reference", "one letter followed by 6 digits"),
        ({"person_initials": "J1"}, "person_initials", "1 to 4 letters"),
        ({"offence_charged": "x" * 201}, "offence_charged", "200 characters or fewer"),
        ({"offence_category": "theft"}, "offence_category", "Select the offence category"),
        ({"charge_date": "2023-02-30"}, "charge_date", "real date"),
        ({"charge_date": 20230226}, "charge_date", "real date"),
        ({"notification_date": "2023-06-01"}, "notification_date", "on or after the charge"),
        ({"notification_date": FromToday(3)}, "notification_date", "today or in the past"),
        (
            {"notification_date": "1999-12-31", "charge_date": "1999-12-30"},
            "notification_date",
            "Notification date must be 1 January 2000 or later",
        ),
        (
            {"charge_date": "0001-01-01"},
            "charge_date",
            "Charge date must be 1 January 2000 or later",
        ),
        ({"charge_date": FromToday(1)}, "charge_date", "Charge date must be today or in the past"),
        ({"rosh_level": None}, "rosh_level", "Select the risk of serious harm level"),
        ({"region": ["London"]}, "region", "must be text"),
        ({"surprise": 1}, "surprise", "Unknown field"),
    ],
)
def test_review_fields(make_user, db, changes, field, message):
    fields = _errors(make_user, **changes)
    assert any(message in m for m in fields[field]), fields


def test_all_errors_are_reported_together(make_user, db):
    fields = _errors(make_user, case_reference="", region="", pdu="")
    assert {"case_reference", "region", "pdu"} <= set(fields)


def test_text_is_stored_exactly_as_sent(make_user, db):
    hostile = "<script>alert(1)</script> & <img src=x onerror=alert(1)>"
    review = reviews.create_review(
        make_user("reviewer"), {**REVIEW_DATA, "offence_charged": hostile}
    )
    assert review.offence_charged == hostile


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"caseload_count": 501}, "caseload_count"),
        ({"caseload_count": -1}, "caseload_count"),
        ({"caseload_count": "58"}, "caseload_count"),
        ({"caseload_count": True}, "caseload_count"),
        ({"high_risk_count": 59}, "high_risk_count"),
        ({"workload_percent": 401}, "workload_percent"),
        ({"team_vacancy_percent": 101}, "team_vacancy_percent"),
        ({"period_end": "2022-12-31"}, "period_end"),
        ({"grade": "chief"}, "grade"),
        ({"participant_id": 999999}, "participant_id"),
    ],
)
def test_caseload_context_ranges(full_review, db, changes, field):
    data = full_review()
    base = {
        "participant_id": data["participant"].id,
        "period_start": "2023-01-01",
        "period_end": "2023-06-26",
        "caseload_count": 58,
        "high_risk_count": 12,
        "workload_percent": 143,
        "grade": "probation_officer",
        "months_in_role": 14,
        "team_vacancy_percent": 30,
        "officer_changes_on_case": 3,
        "management_oversight_sessions": 1,
    }
    with pytest.raises(ValidationFailed) as caught:
        evidence.add_caseload_context(data["reviewer"], data["review"], {**base, **changes})
    assert field in caught.value.fields


def test_stale_version_changes_nothing(full_review, db):
    data = full_review()
    entry = data["entry"]
    old = entry.version
    evidence.update_evidence(
        data["reviewer"], data["review"], entry, {"version": old, "source": "Police"}
    )
    assert entry.version == old + 1
    with pytest.raises(Conflict) as caught:
        evidence.update_evidence(
            data["reviewer"], data["review"], entry, {"version": old, "source": "Prison"}
        )
    assert "changed by someone else" in caught.value.message
    assert entry.source == "Police"


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("17/5/2024", date(2024, 5, 17)),
        ("07/05/2024", date(2024, 5, 7)),
        (" 2024-05-17 ", date(2024, 5, 17)),
        ("2024-5-7", date(2024, 5, 7)),
        ("29/2/2024", date(2024, 2, 29)),
    ],
)
def test_a_typed_day_in_either_form(typed, day):
    assert v.typed_day(typed) == day


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "17/5/24",
        "2024/05/17",
        "17-5-2024",
        "31/2/2024",
        "29/2/2023",
        "0/1/2024",
        "17 May 2024",
        "<script>1/1/2024</script>",
        "1/1/2024x",
        "9" * 60,
        "１７/５/２０２４",  # digits of other scripts: only 0-9
        "٢٠٢٤-٠٥-١٧",
    ],
)
def test_anything_else_is_not_a_day(typed):
    with pytest.raises(ValueError):
        v.typed_day(typed)


def _text_rules() -> list[tuple[str, str, v.Rule]]:
    """Every text field of every rule set in the services."""
    import importlib
    import pkgutil

    import sfo_review.services as package

    found = []
    for module_info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"sfo_review.services.{module_info.name}")
        for name, rules in vars(module).items():
            if name.endswith("_RULES") and isinstance(rules, dict):
                for key, rule in rules.items():
                    if isinstance(rule, v.Rule) and rule.kind in ("short", "long", "email"):
                        found.append((f"{module_info.name}.{name}", key, rule))
    return found


TEXT_RULES = _text_rules()


@pytest.mark.parametrize(
    ("where", "key", "rule"), TEXT_RULES, ids=[f"{w}.{k}" for w, k, _ in TEXT_RULES]
)
def test_half_a_surrogate_pair_is_refused_in_every_text_field(where, key, rule):
    with pytest.raises(ValidationFailed) as caught:
        v.clean({key: "Seen \ud800 twice"}, {key: rule}, partial=True)
    name = rule.name[:1].upper() + rule.name[1:]
    assert caught.value.fields == {key: [f"{name} contains a character that cannot be stored"]}


def test_there_are_text_fields_to_check():
    assert len(TEXT_RULES) > 30


def _chronology_errors(full_review, occurred_on):
    data = full_review()
    with pytest.raises(ValidationFailed) as caught:
        evidence.add_chronology_entry(
            data["reviewer"],
            data["review"],
            {"occurred_on": when_run(occurred_on), "source": "Police", "summary": "Arrest"},
        )
    return caught.value.fields


@pytest.mark.parametrize(
    ("occurred_on", "message"),
    [
        ("1899-12-31", "Date of the event must be 1 January 1900 or later"),
        ("0001-01-01", "Date of the event must be 1 January 1900 or later"),
        (FromToday(1), "Date of the event must be today or in the past"),
        ("9999-12-31", "Date of the event must be today or in the past"),
    ],
)
def test_chronology_dates_are_from_1900_to_today(full_review, db, occurred_on, message):
    assert _chronology_errors(full_review, occurred_on) == {"occurred_on": [message]}


def test_the_first_and_last_days_allowed(full_review, make_user, db):
    data = full_review()
    entry = evidence.add_chronology_entry(
        data["reviewer"],
        data["review"],
        {"occurred_on": "1900-01-01", "source": "Police", "summary": "Arrest"},
    )
    assert entry.occurred_on == date(1900, 1, 1)
    review = reviews.create_review(
        make_user("reviewer"),
        {**REVIEW_DATA, "charge_date": "2000-01-01", "notification_date": days_ago(0)},
    )
    assert review.charge_date == date(2000, 1, 1)


@pytest.mark.parametrize(
    ("rules", "key", "value", "message"),
    [
        ("caseload", "period_end", "9999-12-31", "End of the period must be "),
        ("caseload", "period_start", "1850-01-01", "Start of the period must be 1 January 1900"),
        ("action", "due_date", "1999-12-31", "Due date must be 1 January 2000 or later"),
        ("action", "due_date", "2100-01-01", "Due date must be "),
        ("list", "notified_from", "0001-01-01", "Notified from date must be 1 January 2000"),
        ("list", "notified_to", "9999-12-31", "Notified to date must be "),
        ("themes", "from", "0001-01-01", "Start date must be 1 January 2000 or later"),
        ("themes", "to", "9999-12-31", "End date must be "),
    ],
)
def test_no_date_far_in_the_past_or_the_future(rules, key, value, message):
    from sfo_review.services import actions, review_list, themes

    rule = {
        "caseload": evidence.CASELOAD_RULES,
        "action": actions.ACTION_RULES,
        "list": review_list.FILTER_RULES,
        "themes": themes.THEME_RULES,
    }[rules][key]
    with pytest.raises(ValidationFailed) as caught:
        v.clean({key: value}, {key: rule}, partial=True)
    (said,) = caught.value.fields[key]
    assert said.startswith(message)
    if value.startswith("9999") or value.startswith("2100"):
        assert said.endswith(" or earlier")
