"""The full report prints a caseload context's figures and its subject's account side by
side, the disputed figures marked (api-v1.1 §A); the family summary never prints either."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from sfo_review.pdf.render import render_html, render_pdf
from sfo_review.services import caseload_accounts
from sfo_review.services.reports import exports
from tests.helpers_forms import HOSTILE
from tests.report_fixtures import flat, layout_pages, pdf_pages

ACCOUNT = "Half of the 58 cases were transfers in that May, with no handover notes."


def with_account(full_review, body=ACCOUNT, fields=("caseload_count", "grade")):
    data = full_review()
    caseload_accounts.add_account(
        data["officer"],
        data["review"],
        data["context"],
        {"body": body, "disputed_fields": list(fields)},
    )
    return data


def test_the_html_puts_the_figures_beside_the_account_with_disputes_marked(full_review):
    data = with_account(full_review)
    soup = BeautifulSoup(render_html(data["review"], "full"), "html.parser")

    table = soup.select_one("#conditions ~ .app-context table.app-accounts, .app-accounts")
    assert table is not None
    name = data["officer"].name
    headers = [th.get_text(" ", strip=True) for th in table.select("thead th")]
    assert headers == ["As recorded by the reviewer", f"As {name} gives it"]
    recorded, account = table.select("tbody td")
    figures = {
        dt.get_text(strip=True): flat(dt.find_next_sibling("dd").get_text(" "))
        for dt in recorded.select("dt")
    }
    assert figures["Number of cases"] == f"58 (disputed by {name})"
    assert figures["Grade"].endswith(f"(disputed by {name})")
    assert figures["High-risk cases"] == "12"
    assert figures["Workload (WMT)"] == "143%"
    assert ACCOUNT in account.get_text()
    assert "disputes: Number of cases, Grade" in flat(account.get_text(" "))


def test_no_account_prints_no_side_by_side(full_review):
    data = full_review()
    assert "app-accounts" not in render_html(data["review"], "full")


def test_hostile_text_is_escaped_and_never_in_the_family_summary(full_review):
    data = with_account(full_review, body=HOSTILE, fields=())
    html = render_html(data["review"], "full")
    assert HOSTILE not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "disputes no figure" in html
    family = render_html(data["review"], "family_summary")
    assert "app-accounts" not in family and "alert(1)" not in family


def test_the_printed_report_reads_both_accounts_side_by_side(full_review, tmp_path: Path):
    data = with_account(full_review)
    pdf = render_pdf(data["review"], "full")

    text = flat(" ".join(pdf_pages(pdf)))
    name = data["officer"].name
    assert f"The figures as recorded and {name}’s account of them" in text
    assert ACCOUNT in text
    assert f"(disputed by {name})" in text
    # Side by side: the two headings on one printed line, and the disputed figure on the
    # line of the account's first words.
    lines = [line for page in layout_pages(pdf, tmp_path) for line in page.splitlines()]
    assert any(
        "As recorded by the reviewer" in line and f"As {name} gives it" in line for line in lines
    )
    assert any(f"58 (disputed by {name})" in line and "Half of the 58" in line for line in lines)


def test_an_account_added_after_a_download_is_in_the_next_one(full_review):
    """The cached PDF is keyed by the review's content: a new account is new content."""
    data = full_review()
    before = exports.export_report(data["reviewer"], data["review"], "full")
    assert before.pdf is not None and ACCOUNT not in flat(" ".join(pdf_pages(before.pdf)))
    caseload_accounts.add_account(
        data["officer"], data["review"], data["context"], {"body": ACCOUNT}
    )
    after = exports.export_report(data["reviewer"], data["review"], "full")
    assert after.pdf is not None and ACCOUNT in flat(" ".join(pdf_pages(after.pdf)))
