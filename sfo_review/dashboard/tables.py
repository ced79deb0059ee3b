"""The dashboard's tables, built from the figures (services.themes): the page shows them
beside their charts and every one downloads as CSV, so page, CSV and API agree."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from sfo_review import vocab
from sfo_review.services.figures import attribution as attribution_bands
from sfo_review.services.figures import just_culture as jc_figures
from sfo_review.services.figures.scope import share

TEXT, NUMBER, PERCENT, DAYS = "text", "number", "percent", "days"
AREA = {"region": "Region", "pdu": "PDU"}


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = NUMBER


@dataclass(frozen=True)
class Table:
    key: str  # kebab-case: the CSV file's name and the page anchor
    caption: str
    columns: tuple[Column, ...]
    rows: list[list[Any]]

    @property
    def filename(self) -> str:
        return f"sfo-{self.key}.csv"

    def html(self, limit: int | None = None) -> Markup:
        """The GOV.UK table, every cell escaped. Built here rather than cell by cell in
        Jinja: the dashboard has thousands of cells and this is several times faster."""
        head = "".join(
            f'<th scope="col" class="govuk-table__header{_NUMERIC_HEAD if c.kind != TEXT else ""}">'
            f"{escape(c.header)}</th>"
            for c in self.columns
        )
        body = []
        for row in self.rows if limit is None else self.rows[:limit]:
            first, *rest = row
            cells = "".join(
                f'<td class="govuk-table__cell{_NUMERIC_CELL if c.kind != TEXT else ""}">'
                f"{escape(_text(value, c.kind))}</td>"
                for value, c in zip(rest, self.columns[1:], strict=True)
            )
            body.append(
                '<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">'
                f"{escape(_text(first, TEXT))}</th>{cells}</tr>"
            )
        if not body:
            body.append(
                '<tr class="govuk-table__row"><td class="govuk-table__cell" '
                f'colspan="{len(self.columns)}">No reviews match the filters.</td></tr>'
            )
        return Markup(  # noqa: S704 - every header, cell and caption is escaped above
            '<table class="govuk-table app-data-table">'
            '<caption class="govuk-table__caption govuk-table__caption--s">'
            f"{escape(self.caption)}</caption>"
            f'<thead class="govuk-table__head"><tr class="govuk-table__row">{head}</tr></thead>'
            f'<tbody class="govuk-table__body">{"".join(body)}</tbody></table>'
        )


_NUMERIC_HEAD = " govuk-table__header--numeric"
_NUMERIC_CELL = " govuk-table__cell--numeric"


def _text(value: Any, kind: str) -> str:
    if value is None:
        return "–"
    if kind == PERCENT:
        return f"{value:.1f}%"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def statuses(f: dict[str, Any]) -> Table:
    return Table(
        "reviews-by-status",
        "Reviews by status",
        (Column("Status", TEXT), Column("Reviews")),
        [[s["label"], s["count"]] for s in f["statuses"]],
    )


def deadlines(f: dict[str, Any]) -> Table:
    d = f["deadlines"]
    days = d["days_to_approval"]
    return Table(
        "deadlines",
        "Deadlines and extensions",
        (Column("Measure", TEXT), Column("Value", TEXT)),
        [
            ["Reviews", f["reviews"]],
            ["Open (not yet approved)", d["open"]],
            ["Overdue (open, past the deadline in force)", d["overdue"]],
            ["Reviews with an agreed extension", d["with_agreed_extension"]],
            ["Extension rate (%)", _percent(d["extension_rate"])],
            ["Extension requests waiting for a decision", d["extensions"]["requested"]],
            ["Extension requests refused", d["extensions"]["refused"]],
            ["Extension requests withdrawn", d["extensions"]["withdrawn"]],
            ["Approved reviews", days["reviews"]],
            ["Median days from notification to approval", days["median"]],
            ["90th percentile days from notification to approval", days["p90"]],
        ],
    )


def areas(f: dict[str, Any]) -> Table:
    level = f["areas"]["level"]
    return Table(
        f"reviews-by-{level}",
        f"Reviews by {_area_name(level)}",
        (
            Column(AREA[level], TEXT),
            Column("Reviews"),
            Column("Open"),
            Column("Overdue"),
            Column("Extension rate (%)", PERCENT),
            Column("Median days to approval", DAYS),
            Column("90th percentile days to approval", DAYS),
        ),
        [
            [
                a["name"],
                a["reviews"],
                a["open"],
                a["overdue"],
                _percent(a["extension_rate"]),
                a["days_to_approval"]["median"],
                a["days_to_approval"]["p90"],
            ]
            for a in f["areas"]["items"]
        ],
    )


def categories(f: dict[str, Any]) -> Table:
    return Table(
        "systemic-factor-categories",
        "Systemic factor categories, most frequent first",
        (
            Column("Category", TEXT),
            Column("Factors recorded"),
            Column("Reviews with it"),
            Column("Share of reviews (%)", PERCENT),
        ),
        [
            [c["label"], c["count"], c["reviews"], _percent(c["share_of_reviews"])]
            for c in f["systemic_factor_categories"]
        ],
    )


def _labels() -> dict[str, str]:
    return {c.key: c.label for c in vocab.SYSTEMIC_FACTOR_CATEGORIES}


def quarters(f: dict[str, Any]) -> Table:
    keys = [c["key"] for c in f["systemic_factor_categories"]]
    labels = _labels()
    return Table(
        "systemic-factors-by-quarter",
        "Systemic factors by quarter of notification",
        (Column("Quarter", TEXT), Column("Reviews notified"))
        + tuple(Column(labels[k]) for k in keys),
        [
            [q["label"], q["reviews"], *(q["counts"][k] for k in keys)]
            for q in f["systemic_factors_by_quarter"]["items"]
        ],
    )


def _area_name(level: str) -> str:
    return "PDU" if level == "pdu" else "region"


def top_factor_areas(f: dict[str, Any]) -> Table:
    by_area = f["systemic_factors_by_area"]
    keys = [c["key"] for c in f["systemic_factor_categories"]]
    labels = _labels()
    columns: list[Column] = [Column(AREA[by_area["level"]], TEXT), Column("Factors recorded")]
    for n in ("Most common", "Second", "Third"):
        columns += [Column(n, TEXT), Column("Factors")]
    rows = []
    for a in by_area["items"]:
        counts = a["counts"]
        ranked = sorted((k for k in keys if counts[k]), key=lambda k: -counts[k])[:3]
        row: list[Any] = [a["name"], a["total"]]
        for k in ranked + [None] * (3 - len(ranked)):
            row += [labels[k], counts[k]] if k else [None, None]
        rows.append(row)
    return Table(
        f"top-systemic-factors-by-{by_area['level']}",
        f"The three most common systemic factors in each {_area_name(by_area['level'])}",
        tuple(columns),
        rows,
    )


def factor_areas(f: dict[str, Any]) -> Table:
    by_area = f["systemic_factors_by_area"]
    keys = [c["key"] for c in f["systemic_factor_categories"]]
    labels = _labels()
    return Table(
        f"systemic-factors-by-{by_area['level']}",
        f"Systemic factors by {_area_name(by_area['level'])}, every category",
        (Column(AREA[by_area["level"]], TEXT), Column("All"))
        + tuple(Column(labels[k]) for k in keys),
        [[a["name"], a["total"], *(a["counts"][k] for k in keys)] for a in by_area["items"]],
    )


def levels(f: dict[str, Any]) -> Table:
    return Table(
        "systemic-factor-levels",
        "Systemic factors by level",
        (Column("Level", TEXT), Column("Factors recorded")),
        [[lv["label"], lv["count"]] for lv in f["systemic_factor_levels"]],
    )


def attribution(f: dict[str, Any]) -> Table:
    a = f["attribution"]
    return Table(
        "attribution",
        "Attribution of findings (a finding can name more than one level)",
        (
            Column("Attributed to", TEXT),
            Column("Findings"),
            Column("Share of findings (%)", PERCENT),
        ),
        [[i["label"], i["count"], _percent(i["share"])] for i in a["items"]]
        + [["An individual alone", a["individual_only"], _percent(_share(a, "individual_only"))]],
    )


def _share(a: dict[str, Any], key: str) -> float | None:
    return a[key] / a["findings"] if a["findings"] else None


def balance(f: dict[str, Any]) -> Table:
    b = f["balance"]
    return Table(
        "balance",
        "Individual-attributed findings whose context was weighed, by review status",
        (
            Column("Status", TEXT),
            Column("Individual-attributed findings"),
            Column("Context weighed"),
            Column("Balance measure (%)", PERCENT),
        ),
        [
            [s["label"], s["individual_findings"], s["weighed"], _percent(s["share"])]
            for s in b["by_status"]
        ]
        + [["All", b["individual_findings"], b["weighed"], _percent(b["share"])]],
    )


def just_culture(f: dict[str, Any]) -> Table:
    j = f["just_culture_outcomes"]
    outcomes = [i["label"] for i in j["items"]]
    return Table(
        "just-culture-outcomes",
        "Individual shortfall findings by just-culture outcome, by review status",
        (
            Column("Status", TEXT),
            *(Column(label) for label in outcomes),
            Column("All outcomes"),
        ),
        [
            [s["label"], *(i["count"] for i in s["items"]), s["individual_shortfall_findings"]]
            for s in j["by_status"]
        ]
        + [["All", *(i["count"] for i in j["items"]), j["individual_shortfall_findings"]]],
    )


def _buckets(key: str, caption: str, first: str, f: dict[str, Any]) -> Table:
    m = f[key]
    return Table(
        key,
        caption,
        (Column(first, TEXT), Column("Caseload contexts")),
        [[b["label"], b["count"]] for b in m["buckets"]],
    )


def caseload(f: dict[str, Any]) -> Table:
    return _buckets("caseload", "Caseloads at the time of the offence", "Cases held", f)


def workload(f: dict[str, Any]) -> Table:
    return _buckets("workload", "Workload measurement tool (WMT) %", "WMT %", f)


def oversight(f: dict[str, Any]) -> Table:
    return _buckets(
        "oversight", "Management oversight sessions received in the period", "Sessions", f
    )


def conditions(f: dict[str, Any]) -> Table:
    c, w, o = f["caseload"], f["workload"], f["oversight"]
    return Table(
        "working-conditions",
        "Working conditions at the time of the offence",
        (Column("Measure", TEXT), Column("Value", TEXT)),
        [
            ["Caseload contexts recorded", c["contexts"]],
            ["Average caseload", c["average"]],
            [f"Caseloads above {c['reference']} cases (%)", _percent(c["share_above_reference"])],
            ["Average WMT %", w["average"]],
            [f"WMT above {w['reference']}% (%)", _percent(w["share_above_reference"])],
            ["Average management oversight sessions", o["average"]],
            ["No management oversight session (%)", _percent(o["share_without_sessions"])],
        ],
    )


def action_levels(f: dict[str, Any]) -> Table:
    return Table(
        "actions-by-level",
        "Actions of approved and closed reviews, by level",
        (Column("Level", TEXT), Column("Not done"), Column("Overdue"), Column("Done")),
        [[lv["label"], lv["open"], lv["overdue"], lv["done"]] for lv in f["actions"]["by_level"]],
    )


def action_owners(f: dict[str, Any]) -> Table:
    return Table(
        "actions-by-owner",
        "Actions of approved and closed reviews, by owner (most overdue first)",
        (Column("Owner", TEXT), Column("Not done"), Column("Overdue"), Column("Done")),
        [[o["owner"], o["open"], o["overdue"], o["done"]] for o in f["actions"]["by_owner"]],
    )


def recurrence_categories(f: dict[str, Any]) -> Table:
    """Lessons not learned by factor category, most first (api-v1.1 B); every category."""
    counts = dict.fromkeys(vocab.CATEGORY_BY_KEY, 0)
    for category, count in f["recurrences"]["by_category"].items():
        counts[category] = counts.get(category, 0) + count
    ordered = sorted(counts.items(), key=lambda kv: -kv[1])  # stable: the taxonomy's order
    return Table(
        "recurrences-by-category",
        "Lessons not learned, by systemic factor category",
        (Column("Category", TEXT), Column("Recurrences")),
        [[vocab.category_label(key), count] for key, count in ordered],
    )


def recurrence_row(item: dict[str, Any]) -> list[Any]:
    return [
        vocab.category_label(item["category"]),
        item["pdu"],
        item["earlier_review"]["reference"],
        f"Action {item['action_id']}",
        item["later_review"]["reference"],
    ]


def recurrences(f: dict[str, Any]) -> Table:
    """The recurrences the figures list (the most recent): the earlier review whose action
    was done, the later review where the factor came back. Its CSV file has every one
    (dashboard.views.table_csv)."""
    return Table(
        "recurrences",
        "Lessons not learned: the reviews on both sides",
        (
            Column("Category", TEXT),
            Column("PDU", TEXT),
            Column("Earlier review", TEXT),
            Column("Action", TEXT),
            Column("Later review", TEXT),
        ),
        [recurrence_row(i) for i in f["recurrences"]["items"]],
    )


def _attribution_rows(f: dict[str, Any]) -> list[list[Any]]:
    a = f["individual_attribution"]
    rows: list[list[Any]] = []
    for name, label, bands in blame_breakdowns():
        sides = a[name]
        for key, band in bands:
            blamed, everyone = sides["subjects"].get(key, 0), sides["all"].get(key, 0)
            rows.append(
                [
                    label,
                    band,
                    blamed,
                    _percent(share(blamed, a["subjects"])),
                    everyone,
                    _percent(share(everyone, a["participants"])),
                ]
            )
    return rows


def blame_breakdowns() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(key in the figures, what it breaks down by, [(band key, band label)]), in order."""
    found = [("by_grade", "Grade", [(g.key, g.label) for g in vocab.GRADES])]
    for name, label in BLAME_BY.items():
        found.append((name, label, [(b.key, b.label) for b in attribution_bands.BREAKDOWNS[name]]))
    return found


BLAME_BY = {
    "by_months_in_role": "Months in role",
    "by_caseload": "Caseload",
    "by_workload": "Workload (WMT %)",
}


def individual_attribution(f: dict[str, Any]) -> Table:
    return Table(
        "who-gets-blamed",
        "People named in individual shortfall findings, beside all people with a caseload context",
        (
            Column("Breakdown", TEXT),
            Column("Band", TEXT),
            Column("People blamed"),
            Column("Share of people blamed (%)", PERCENT),
            Column("All people"),
            Column("Share of all people (%)", PERCENT),
        ),
        _attribution_rows(f),
    )


def blame_outcomes(f: dict[str, Any]) -> Table:
    outcomes = f["individual_attribution"]["by_just_culture_outcome"]
    return Table(
        "who-gets-blamed-outcomes",
        "People blamed, by the just-culture outcome of their findings",
        (Column("Outcome", TEXT), Column("People blamed")),
        [[c.label, outcomes.get(c.key, 0)] for c in jc_figures.OUTCOMES],
    )


def _rating_columns(*first: str) -> tuple[Column, ...]:
    return (
        *(Column(name, TEXT) for name in first),
        *(Column(r.label) for r in vocab.RATINGS),
        Column("Rated"),
    )


def _rating_rows(counts: dict[str, dict[str, int]], *first: str) -> list[list[Any]]:
    """One row per standard (the four, then overall): its count of each rating."""
    rows = []
    for s in vocab.RATING_STANDARDS:
        n = [counts.get(s.key, {}).get(r.key, 0) for r in vocab.RATINGS]
        rows.append([*first, s.label, *n, sum(n)])
    return rows


def ratings(f: dict[str, Any]) -> Table:
    r = f["ratings"]
    return Table(
        "ratings-by-standard",
        "Ratings against the inspectorate’s standards",
        _rating_columns("Standard"),
        _rating_rows(r["by_standard"]),
    )


def _ratings_by(key: str, first: str, caption: str) -> Callable[[dict[str, Any]], Table]:
    """Ratings broken down by `key` of the figures' `ratings` (by_region, by_quarter)."""

    def build(f: dict[str, Any]) -> Table:
        by = f["ratings"][f"by_{key}"]
        return Table(
            f"ratings-by-{key}",
            caption,
            _rating_columns(first, "Standard"),
            [row for name, counts in by.items() for row in _rating_rows(counts, name)],
        )

    return build


ratings_by_region = _ratings_by("region", "Region", "Ratings by region")
ratings_by_quarter = _ratings_by("quarter", "Quarter", "Ratings by quarter of approval")


BUILDERS: dict[str, Callable[[dict[str, Any]], Table]] = {
    "reviews-by-status": statuses,
    "deadlines": deadlines,
    "reviews-by-area": areas,
    "systemic-factor-categories": categories,
    "systemic-factors-by-quarter": quarters,
    "top-systemic-factors-by-area": top_factor_areas,
    "systemic-factors-by-area": factor_areas,
    "systemic-factor-levels": levels,
    "attribution": attribution,
    "balance": balance,
    "just-culture-outcomes": just_culture,
    "working-conditions": conditions,
    "caseload": caseload,
    "workload": workload,
    "oversight": oversight,
    "actions-by-level": action_levels,
    "actions-by-owner": action_owners,
    "recurrences-by-category": recurrence_categories,
    "recurrences": recurrences,
    "who-gets-blamed": individual_attribution,
    "who-gets-blamed-outcomes": blame_outcomes,
    "ratings-by-standard": ratings,
    "ratings-by-region": ratings_by_region,
    "ratings-by-quarter": ratings_by_quarter,
}


def all_tables(figures: dict[str, Any]) -> dict[str, Table]:
    """Every table, under the name its CSV link uses."""
    return {name: build(figures) for name, build in BUILDERS.items()}
