"""What the dashboard page draws: the charts, from the same figures as its tables."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sfo_review.dashboard.charts import BarChart, LineChart, bar_chart, line_chart
from sfo_review.dashboard.tables import blame_breakdowns
from sfo_review.services.figures.scope import share


def _pc(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def _n(value: int) -> str:
    return f"{value:,}"


def status_chart(f: dict[str, Any]) -> BarChart:
    return bar_chart(
        "chart-statuses",
        "Reviews by status",
        f"{f['reviews']:,} reviews: "
        + ", ".join(f"{s['label']} {s['count']:,}" for s in f["statuses"]),
        [(s["label"], s["count"], _n(s["count"])) for s in f["statuses"]],
    )


def category_chart(f: dict[str, Any]) -> BarChart:
    items = [c for c in f["systemic_factor_categories"] if c["count"]]
    top = ", ".join(f"{c['label']} ({c['count']:,})" for c in items[:3]) or "none recorded"
    return bar_chart(
        "chart-categories",
        "Systemic factor categories, most frequent first",
        f"Factors recorded per category; the three most common: {top}.",
        [(c["label"], c["count"], _n(c["count"])) for c in items],
    )


def quarter_chart(f: dict[str, Any]) -> LineChart:
    quarters = f["systemic_factors_by_quarter"]["items"]
    top = [c for c in f["systemic_factor_categories"] if c["count"]][:4]
    return line_chart(
        "chart-quarters",
        "The four most common categories, by quarter of notification",
        "Factors recorded each quarter for "
        + (", ".join(c["label"] for c in top) or "no category")
        + (f", from {quarters[0]['label']} to {quarters[-1]['label']}." if quarters else "."),
        [q["label"] for q in quarters],
        [(c["label"], [q["counts"][c["key"]] for q in quarters]) for c in top],
    )


def attribution_chart(f: dict[str, Any]) -> BarChart:
    a = f["attribution"]
    return bar_chart(
        "chart-attribution",
        "Attribution of findings",
        f"{a['findings']:,} findings; "
        + ", ".join(f"{i['label']} {_pc(i['share'])}" for i in a["items"]),
        [(i["label"], i["count"], f"{i['count']:,} ({_pc(i['share'])})") for i in a["items"]],
    )


def bucket_chart(id: str, title: str, measure: dict[str, Any]) -> BarChart:
    reference = measure.get("reference")
    hatched = [reference is not None and b["min"] > reference for b in measure["buckets"]]
    above = (
        f"; {_pc(measure['share_above_reference'])} above the reference point of {reference}"
        if reference is not None
        else ""
    )
    return bar_chart(
        id,
        title,
        f"{measure['contexts']:,} caseload contexts"
        + above
        + ": "
        + ", ".join(f"{b['label']}: {b['count']:,}" for b in measure["buckets"]),
        [(b["label"], b["count"], _n(b["count"])) for b in measure["buckets"]],
        hatched=hatched,
        legend=f"Hatched bars: above the reference point ({reference})" if reference else None,
    )


def action_chart(f: dict[str, Any]) -> BarChart:
    levels = f["actions"]["by_level"]
    return bar_chart(
        "chart-actions",
        "Overdue actions by level",
        "Actions past their due date and not done: "
        + ", ".join(f"{lv['label']} {lv['overdue']:,} of {lv['open']:,} not done" for lv in levels),
        [(lv["label"], lv["overdue"], f"{lv['overdue']:,} of {lv['open']:,}") for lv in levels],
    )


def _blame_shares(f: dict[str, Any], name: str, key: str) -> tuple[float | None, float | None]:
    a = f["individual_attribution"]
    sides = a[name]
    return share(sides["subjects"][key], a["subjects"]), share(sides["all"][key], a["participants"])


def blame_chart(f: dict[str, Any]) -> BarChart:
    """Each band twice: the share of the people blamed, then (hatched) of all people."""
    a = f["individual_attribution"]
    items: list[tuple[str, float, str]] = []
    for name, _label, bands in blame_breakdowns()[1:]:  # grade: its table only
        for key, band in bands:
            blamed, everyone = _blame_shares(f, name, key)
            items.append((f"{band}: blamed", (blamed or 0) * 100, _pc(blamed)))
            items.append((f"{band}: everyone", (everyone or 0) * 100, _pc(everyone)))
    return bar_chart(
        "chart-who-gets-blamed",
        "Who gets blamed: people blamed beside all people, by band",
        f"{a['subjects']:,} people blamed and {a['participants']:,} people with a caseload "
        "context. " + " ".join(blame_sentences(f)),
        items,
        hatched=[n % 2 == 1 for n in range(len(items))],
        legend="Hatched bars: all people with a caseload context",
    )


def blame_sentences(f: dict[str, Any]) -> list[str]:
    """The chart in words: 'Of the people findings blamed, 62.5% had been in their role under
    12 months; of all people in reviews, 20.0%.' (and the same for caseload and workload)."""
    said = (
        ("by_months_in_role", "under_12", "had been in their role under 12 months"),
        ("by_caseload", "over_60", "held over 60 cases"),
        ("by_workload", "over_110", "were over 110% on the workload measurement tool"),
    )
    if not f["individual_attribution"]["subjects"]:
        return ["No individual shortfall finding names a person with a caseload context."]
    found = []
    for name, key, what in said:
        blamed, everyone = _blame_shares(f, name, key)
        found.append(
            f"Of the people findings blamed, {_pc(blamed)} {what}; "
            f"of all people in reviews, {_pc(everyone)}."
        )
    return found


def _long(iso: str) -> str:
    day = date.fromisoformat(iso)
    return f"{day.day} {day:%B %Y}"


def scope_text(f: dict[str, Any]) -> str:
    """'1,234 reviews notified from 1 January 2025 to 31 December 2025, in Wales.'"""
    start, end = f["filters"]["from"], f["filters"]["to"]
    if start and end:
        when = f"from {_long(start)} to {_long(end)}"
    elif start:
        when = f"on or after {_long(start)}"
    elif end:
        when = f"on or before {_long(end)}"
    else:
        when = "at any time"
    where = f["filters"]["pdu"] or f["filters"]["region"] or "England and Wales"
    plural = "" if f["reviews"] == 1 else "s"
    return f"{f['reviews']:,} review{plural} notified {when}, in {where}."


def scope_args(f: dict[str, Any]) -> dict[str, str]:
    """The filters in force as query parameters, for links and downloads."""
    return {k: v for k, v in f["filters"].items() if v}


CHARTS: dict[str, Callable[[dict[str, Any]], BarChart | LineChart]] = {
    "statuses": status_chart,
    "categories": category_chart,
    "quarters": quarter_chart,
    "attribution": attribution_chart,
    "caseload": lambda f: bucket_chart("chart-caseload", "Caseloads (cases held)", f["caseload"]),
    "workload": lambda f: bucket_chart(
        "chart-workload", "Workload measurement tool %", f["workload"]
    ),
    "oversight": lambda f: bucket_chart(
        "chart-oversight", "Management oversight sessions in the period", f["oversight"]
    ),
    "actions": action_chart,
    "blame": blame_chart,
}


def charts(f: dict[str, Any]) -> dict[str, Any]:
    """Every chart, under the name the page uses."""
    return {name: build(f) for name, build in CHARTS.items()}
