"""Migration 0019: each review's findings counted (`review_figures`), filled on the way up
for the reviews already there, exactly as the app keeps them; dropped on the way down."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text

from sfo_review.extensions import db
from tests.migrations.rows import add_review, add_user, sqlite_app

NOTE = "x" * 100
CONTEXT = (
    "INSERT INTO caseload_contexts (id, review_id, participant_id, period_start, period_end, "
    "caseload_count, high_risk_count, workload_percent, grade, months_in_role, "
    "team_vacancy_percent, officer_changes_on_case, management_oversight_sessions, version, "
    "created_at, updated_at) VALUES (:id, :review, :participant, '2025-01-01', '2025-06-01', "
    "40, 5, 95, 'probation_officer', 24, 0, 0, 2, 1, '2026-01-01', '2026-01-01')"
)


def _finding(conn, finding_id: int, review_id: int, judgement: str, note: str | None) -> None:
    conn.execute(
        text(
            "INSERT INTO findings (id, review_id, title, practice_area, judgement, narrative, "
            "context_note, version, created_at, updated_at) VALUES (:id, :review, 'F', "
            "'assessment', :judgement, 'N', :note, 1, '2026-01-01', '2026-01-01')"
        ),
        {"id": finding_id, "review": review_id, "judgement": judgement, "note": note},
    )


def _attribute(conn, finding_id: int, *attributions: str) -> None:
    for position, attribution in enumerate(attributions):
        conn.execute(
            text(
                "INSERT INTO finding_attributions (finding_id, attribution, position) "
                "VALUES (:f, :a, :p)"
            ),
            {"f": finding_id, "a": attribution, "p": position},
        )


def _link(conn, table: str, column: str, finding_id: int, other: int) -> None:
    conn.execute(
        text(f"INSERT INTO {table} (finding_id, {column}) VALUES (:f, :o)"),  # noqa: S608
        {"f": finding_id, "o": other},
    )


def _data(conn) -> None:
    """Review 1: a participant (user 1) with a caseload context, a factor, and findings:
    1 individual shortfall, factor and the subject's context linked (weighed), assessed;
    2 individual and team, factor only, the subject's context not linked (not weighed);
    3 individual, a long note (weighed); 4 judged sufficient (not a shortfall).
    Review 2: one team finding. Review 3: no finding (no row)."""
    add_user(conn)
    for number in (1, 2, 3):
        add_review(conn, number, "in_review")
    conn.execute(
        text(
            "INSERT INTO participants (id, review_id, user_id, role_in_case, created_at) "
            "VALUES (1, 1, 1, 'responsible_officer', '2026-01-01')"
        )
    )
    conn.execute(text(CONTEXT), {"id": 1, "review": 1, "participant": 1})
    conn.execute(
        text(
            "INSERT INTO systemic_factors (id, review_id, category, level, description, "
            "version, created_at, updated_at) VALUES (1, 1, 'workload', 'local', 'Seen', 1, "
            "'2026-01-01', '2026-01-01')"
        )
    )
    _finding(conn, 1, 1, "insufficient", None)
    _attribute(conn, 1, "individual")
    _link(conn, "finding_systemic_factors", "systemic_factor_id", 1, 1)
    _link(conn, "finding_caseload_contexts", "caseload_context_id", 1, 1)
    _link(conn, "finding_subjects", "participant_id", 1, 1)
    conn.execute(
        text(
            "INSERT INTO just_culture_assessments (finding_id, outcome, updated_at) "
            "VALUES (1, 'system_learning', '2026-01-01')"
        )
    )
    _finding(conn, 2, 1, "insufficient", "  too short  ")
    _attribute(conn, 2, "individual", "team")
    _link(conn, "finding_systemic_factors", "systemic_factor_id", 2, 1)
    _link(conn, "finding_subjects", "participant_id", 2, 1)
    _finding(conn, 3, 1, "insufficient", NOTE)
    _attribute(conn, 3, "individual")
    _link(conn, "finding_subjects", "participant_id", 3, 1)
    _finding(conn, 4, 1, "sufficient", None)
    _attribute(conn, 4, "individual")
    _finding(conn, 5, 2, "insufficient", None)
    _attribute(conn, 5, "team")


def _rows(table: str = "review_figures") -> dict[int, dict[str, int]]:
    with db.engine.connect() as conn:
        found = conn.execute(text(f"SELECT * FROM {table} ORDER BY review_id"))  # noqa: S608
        return {r.review_id: {k: v for k, v in r._mapping.items() if v} for r in found}


PEOPLE = {
    1: {
        "review_id": 1,
        "participants": 1,
        "subjects": 1,
        **{
            f"{side}_{band}": 1
            for side in ("all", "subjects")
            for band in ("grade_probation_officer", "months_12_to_24", "cases_up_to_50")
            + ("wmt_up_to_100",)
        },
        "subjects_outcome_system_learning": 1,
        "subjects_outcome_not_assessed": 1,
    }
}


def test_upgrade_from_0018_fills_each_reviews_counts_and_downgrade_drops_them(
    tmp_path: Path,
) -> None:
    from flask_migrate import downgrade, upgrade

    app = sqlite_app(tmp_path / "at_0018.db")
    with app.app_context():
        upgrade(revision="0018")
        with db.engine.begin() as conn:
            _data(conn)
        upgrade(revision="0019")
        assert _rows() == {
            1: {
                "review_id": 1,
                "findings": 4,
                "individual": 3,
                "individual_only": 2,
                "weighed": 2,
                "attributed_individual": 4,
                "attributed_team": 1,
                "outcome_system_learning": 1,
                "outcome_not_assessed": 2,
            },
            2: {"review_id": 2, "findings": 1, "attributed_team": 1},
        }
        assert _rows("review_people_figures") == PEOPLE
        downgrade(revision="0018")
        tables = inspect(db.engine).get_table_names()
        assert "review_figures" not in tables
        assert "review_people_figures" not in tables
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM findings")).scalar() == 5
        db.engine.dispose()


def test_the_apps_counts_are_those_the_upgrade_fills(tmp_path: Path) -> None:
    """The same rows again, written by the app's own refresh (contributions.refresh)."""
    from flask_migrate import upgrade

    from sfo_review.services.figures import contributions

    app = sqlite_app(tmp_path / "app.db")
    with app.app_context():
        upgrade(revision="0018")
        with db.engine.begin() as conn:
            _data(conn)
        upgrade(revision="0019")
        filled = _rows(), _rows("review_people_figures")
        assert filled[1] == PEOPLE
        for ids in ([1, 2, 3], None):
            with db.engine.begin() as conn:
                conn.execute(text("DELETE FROM review_figures"))
                conn.execute(text("DELETE FROM review_people_figures"))
                contributions.refresh(conn, ids)
            assert (_rows(), _rows("review_people_figures")) == filled
        db.engine.dispose()


def test_an_empty_database_goes_up_to_0019_and_back(tmp_path: Path) -> None:
    from flask_migrate import downgrade, upgrade

    app = sqlite_app(tmp_path / "empty.db")
    with app.app_context():
        upgrade(revision="0019")
        assert _rows() == _rows("review_people_figures") == {}
        downgrade(revision="0018")
        assert "review_figures" not in inspect(db.engine).get_table_names()
        upgrade()
        assert _rows() == {}
        db.engine.dispose()
