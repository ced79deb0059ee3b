"""Accessibility (WCAG 2.2 AA) of every page, checked in headless Chromium.

The pages come from the app's url_map, so a new page is checked as soon as it exists: every
GET route whose path parameters we can fill from the demo data is fetched by every role
(through the app, without rendering), and each distinct page state — the endpoint and the
shape of the page the server sent — is checked once in Chromium, by the first role that
reaches it. On each page axe-core (node_modules/axe-core, a devDependency) runs with the
WCAG 2.0/2.1/2.2 A and AA rules, and no page may have a serious or critical violation. Each
form is also submitted empty (or cleared) so its error summary is checked too. The same walk
checks reflow: at 320 CSS pixels wide (400% zoom of 1280) no page scrolls sideways.

This module runs its own live server on its own seeded database: the empty submissions and
the extra demo data (an action, a review at quality assurance) never disturb the journey test.

The same walk checks the HTML the server sent for every page state (and each error state)
with the W3C Nu HTML Checker (node_modules/vnu-jar, a devDependency, run with Java as a
local service for the module): no page may have an HTML error.

Set AXE_REPORT=/some/file.json to write every violation found (all impacts) for a report.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from werkzeug.routing import Rule
from werkzeug.serving import make_server

from config import TestConfig
from sfo_review.cli.ratings_data import approval
from sfo_review.cli.seed import DEMO_PASSWORD
from tests import helpers_rules
from tests.browser.conftest import demo_database
from tests.browser.states import page_state
from tests.helpers_rules import FAMILY_SUMMARY

pytestmark = pytest.mark.browser

AXE_PATH = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = (
    Path(__file__).resolve().parents[2] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = ("serious", "critical")
WIDE, NARROW = 1280, 320  # 320 CSS px = 1280 px at 400% zoom (WCAG 1.4.10 Reflow)

ROLES = {
    "reviewer": "reviewer@example.gov.uk",
    "officer": "officer@example.gov.uk",
    "quality_assurer": "qa@example.gov.uk",
    "leadership": "leadership@example.gov.uk",
    "admin": "admin@example.gov.uk",
}
# Not pages: files, JSON, and POST-only routes are never walked.
NOT_PAGES = re.compile(r"(\.pdf|\.csv|\.json)$|^/(static|api|healthz|readyz|session)\b")
# Forms submitted empty (text cleared) to see their error summary. Status, countersign and
# inclusion forms are left alone: their buttons change the review, even when empty.
FORM_ENDPOINT = re.compile(r"(^|\.)(new|edit)(_\w+)?$|\.(participants|change_password|user)$")


@dataclass
class Site:
    url: str
    app: Any
    ids: dict[str, list[dict[str, int]]] = field(default_factory=dict)


@dataclass
class Findings:
    """Everything one walk found, reported together at the end."""

    checked: list[str] = field(default_factory=list)
    violations: list[dict[str, Any]] = field(default_factory=list)
    too_wide: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    same_shape: list[str] = field(default_factory=list)
    double_submit: list[str] = field(default_factory=list)
    invalid_html: list[str] = field(default_factory=list)

    def blocking(self) -> list[dict[str, Any]]:
        return [v for v in self.violations if v["impact"] in BLOCKING]


# -- the site under test ---------------------------------------------------------------------


def _more_demo_data() -> None:
    """An action on the first review and a third review waiting for quality assurance, so
    the action form and the countersign page are reachable too."""
    from sqlalchemy import select

    from sfo_review.extensions import db
    from sfo_review.models import Review, User
    from tests.helpers_actions import add_action

    people = {u.email: u for u in db.session.scalars(select(User))}
    reviewer = people["reviewer@example.gov.uk"]
    first = db.session.scalars(select(Review).order_by(Review.id)).first()
    assert first is not None
    add_action(
        reviewer,
        first,
        {
            "description": "Handover checklist for releases",
            "owner": "Head of PDU",
            "level": "pdu",
            "due_date": date(2027, 6, 30),
            "finding_ids": [],
        },
    )
    third = _at_quality_assurance(
        people, "X123453", "Arson with intent", "arson_endangering_life", "not all taken"
    )
    # A reply waiting for the reviewer's answer, so the "Answer this reply" form is reached.
    from sfo_review import lifecycle
    from sfo_review.services import findings

    waiting = next(r for r in db.session.scalars(select(Review)) if lifecycle.accepts_responses(r))
    findings.add_response(
        people["officer@example.gov.uk"],
        waiting,
        waiting.findings[0],
        {"body": "I was covering two caseloads that month."},
    )
    _extensions(first, third, reviewer, people["leadership@example.gov.uk"])
    # An API token, so the reviewer's 'Your account' shows the tokens table.
    from sfo_review.services import api_tokens

    api_tokens.issue(reviewer)


def _at_quality_assurance(
    people: dict[str, Any], crn: str, offence: str, category: str, steps: str
) -> Any:
    """A new demo review with a statement and a judgement, moved to quality assurance."""
    from sfo_review.cli.seed import _populate, _review
    from sfo_review.services import factual_accuracy, reviews, statements, transitions

    reviewer, officer = people["reviewer@example.gov.uk"], people["officer@example.gov.uk"]
    review = _review(reviewer, crn, offence, category, 90)
    assert review is not None
    _populate(
        review, reviewer, officer, people["manager@example.gov.uk"], people["qa@example.gov.uk"]
    )
    own = statements.own_statement(officer, review)
    assert own is not None
    statements.submit_statement(officer, review, own)
    statements.decline_statement(
        people["manager@example.gov.uk"], review, {"reason": "No contact with the case."}
    )
    transitions.transition(reviewer, review, {"to": "factual_accuracy"})
    _answered_reply(review, reviewer, officer)
    for participant in review.participants:  # api-v1.1 A: everyone had their say
        factual_accuracy.mark_done(participant.user, review)
    judgement = f"Reasonable steps were {steps}."
    reviews.update_review(
        reviewer,
        review,
        {
            "version": review.version,
            "overall_judgement": judgement,
            "family_summary": FAMILY_SUMMARY,  # api-v1.1 C: written, nothing flagged
        },
    )
    transitions.transition(reviewer, review, {"to": "quality_assurance"})
    return review


def _answered_reply(review: Any, reviewer: Any, officer: Any) -> None:
    """The officer's reply to the first finding, with the reviewer's answer (api-v1.1 A)."""
    from sfo_review.services import findings, reply_outcomes

    finding = review.findings[0]
    reply = findings.add_response(
        officer, review, finding, {"body": "The home visit was rearranged, not missed."}
    )
    reply_outcomes.answer_reply(
        reviewer,
        review,
        finding,
        reply,
        {"outcome": "not_accepted", "note": "The contact log shows no rearranged visit."},
    )


def _extensions(first: Any, third: Any, reviewer: Any, leader: Any) -> None:
    """A refused extension on the first review (so its history shows and the reviewer can
    ask again) and one waiting for a decision on the third (the decision page)."""
    from sfo_review.services import deadline_extensions
    from sfo_review.services.deadlines import add_working_days

    new_date = add_working_days(max(first.effective_due_date, date.today()), 20)
    refused = deadline_extensions.request_extension(
        reviewer, first, {"new_due_date": new_date, "reason": "Police disclosure awaited."}
    )
    deadline_extensions.decide_extension(
        leader, first, refused, {"decision": "refused", "note": "Ask again with a date."}
    )
    new_date = add_working_days(max(third.effective_due_date, date.today()), 20)
    deadline_extensions.request_extension(
        reviewer, third, {"new_due_date": new_date, "reason": "The countersigner is on leave."}
    )


def _ids() -> dict[str, list[dict[str, int]]]:
    """For each review, the first child of each kind: the values for the url_map's params."""
    from sqlalchemy import select

    from sfo_review.extensions import db
    from sfo_review.models import (
        Action,
        CaseloadContext,
        ChronologyEntry,
        DeadlineExtension,
        Finding,
        FindingResponse,
        Participant,
        Pdu,
        Region,
        Review,
        Statement,
        SystemicFactor,
        User,
    )

    children = {
        "entry_id": ChronologyEntry,
        "context_id": CaseloadContext,
        "factor_id": SystemicFactor,
        "finding_id": Finding,
        "statement_id": Statement,
        "action_id": Action,
        "participant_id": Participant,
        "extension_id": DeadlineExtension,
    }
    per_review = []
    for review in db.session.scalars(select(Review).order_by(Review.id)):
        values = {"review_id": review.id}
        for param, model in children.items():
            child = db.session.scalars(
                select(model).where(model.review_id == review.id).order_by(model.id)
            ).first()
            if child is not None:
                values[param] = child.id
        # The first reply to the finding above (answer pages: /responses/<response_id>/…).
        reply = db.session.scalars(
            select(FindingResponse)
            .where(FindingResponse.finding_id == values.get("finding_id"))
            .order_by(FindingResponse.id)
        ).first()
        if reply is not None:
            values["response_id"] = reply.id
        per_review.append(values)
    # An officer's account page, and a leadership account's, which also has its region form.
    accounts = [
        db.session.scalars(select(User).where(User.role == role).order_by(User.id)).first()
        for role in ("officer", "leadership")
    ]
    assert all(accounts)
    # The admin pages of one region and one PDU of the list (issue 19).
    area = {
        "region_id": db.session.scalars(select(Region.id).order_by(Region.id)).first(),
        "pdu_id": db.session.scalars(select(Pdu.id).order_by(Pdu.id)).first(),
    }
    users = [{"user_id": u.id} for u in accounts if u]
    return {"reviews": per_review, "users": [*users, area]}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    from sfo_review import create_app

    folder = tmp_path_factory.mktemp("a11y")

    class LiveConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = demo_database(folder / "a11y.db")
        TESTING = False  # real error pages
        WTF_CSRF_ENABLED = True  # a live server, as users get it

    app = create_app(LiveConfig)
    with app.app_context():
        _more_demo_data()
        ids = _ids()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(f"http://127.0.0.1:{server.server_port}", app, ids)
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE_PATH.exists():
        pytest.fail(
            f"axe-core is not installed ({AXE_PATH} is missing): run `make install` "
            "(npm ci installs the devDependencies in package.json)"
        )
    return AXE_PATH.read_text(encoding="utf-8")


HtmlChecker = Callable[[str], list[str]]


@pytest.fixture(scope="module")
def html_checker() -> Iterator[HtmlChecker]:
    """The Nu HTML Checker as a local web service for the module (one Java start): a
    function giving the errors in an HTML document."""
    if not VNU_JAR.exists():
        pytest.fail(f"vnu-jar is not installed ({VNU_JAR} is missing): run `make install`")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # TieredStopAtLevel=1: the quick JIT compiler only. The service lives for one module,
    # too short for the optimising compiler's work to pay back: about 40% less CPU in all.
    service = subprocess.Popen(
        [
            "java",
            "-XX:TieredStopAtLevel=1",
            "-Xss8m",
            "-cp",
            str(VNU_JAR),
            "nu.validator.servlet.Main",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/?out=json"

    def check(html: str) -> list[str]:
        request = urllib.request.Request(
            url, data=html.encode(), headers={"Content-Type": "text/html; charset=utf-8"}
        )
        with urllib.request.urlopen(request, timeout=120) as answer:
            messages = json.load(answer)["messages"]
        return [
            f"line {m.get('lastLine', '?')}: {m['message']} [{m.get('extract', '').strip()}]"
            for m in messages
            if m["type"] == "error" or m.get("subType") == "fatal"
        ]

    try:
        # The service is up when it answers (a condition, polled; never a fixed sleep).
        for _ in range(600):
            if service.poll() is not None:
                pytest.fail("the Nu HTML Checker stopped at start (is Java installed?)")
            try:
                check("<!DOCTYPE html><html lang=en><title>t</title></html>")
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                threading.Event().wait(0.2)
        else:
            pytest.fail("the Nu HTML Checker did not start")
        yield check
    finally:
        service.terminate()
        service.wait(timeout=30)


@pytest.fixture
def open_as(browser: Any, site: Site, axe_source: str) -> Iterator[Callable[[str | None], Any]]:
    """A page signed in as `email` (or anonymous). CSP is bypassed only so axe's script tag
    can be injected; the app's own scripts run as they do for users."""
    contexts = []

    def open_page(email: str | None) -> Any:
        context = browser.new_context(
            base_url=site.url, bypass_csp=True, viewport={"width": WIDE, "height": 900}
        )
        context.add_init_script(path=str(AXE_PATH))  # axe on every page, once, before load
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        if email:
            page.goto("/sign-in")
            page.get_by_label("Email address").fill(email)
            page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
            with page.expect_navigation():
                page.get_by_role("button", name="Sign in").click()
        return page

    yield open_page
    for context in contexts:
        context.close()


# -- the checks ------------------------------------------------------------------------------


def _urls(site: Site, authenticated: bool) -> list[tuple[str, str]]:
    """(endpoint, path) for every GET page of the url_map, ids filled from the demo data."""
    rules: list[Rule] = sorted(site.app.url_map.iter_rules(), key=lambda r: r.rule)
    found: list[tuple[str, str]] = []
    for rule in rules:
        if "GET" not in (rule.methods or ()) or NOT_PAGES.search(rule.rule):
            continue
        if rule.endpoint == "auth.login" and authenticated:
            continue  # signed-in users are sent on; the anonymous walk checks it
        params = set(rule.arguments)
        if not params:
            found.append((rule.endpoint, rule.rule))
            continue
        pools = site.ids["reviews"] if "review_id" in params else site.ids["users"]
        for values in pools:
            if params <= values.keys():
                path = site.app.url_map.bind("localhost").build(
                    rule.endpoint, {p: values[p] for p in params}
                )
                found.append((rule.endpoint, path))
    return found


def _axe(page: Any, axe_source: str, where: str, findings: Findings) -> None:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_PATH))
    result = page.evaluate(
        # resultTypes: only violations are worked out in full (what is asserted on); axe
        # stops at one node for passes and the rest, which saves about a third of the walk.
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')),"
        " summary: (v.nodes[0] || {}).failureSummary || ''})))",
        WCAG_TAGS,
    )
    findings.checked.append(where)
    for violation in result + page.evaluate(OWN_CHECKS):
        findings.violations.append({"page": where, **violation})


# Two checks axe-core leaves out of its WCAG tags: unique ids (4.1.1 in WCAG 2.0/2.1, still a
# common cause of wrong labels) and links whose text is the same but lead to different places
# (2.4.4: "Change" must say what it changes, for screen reader link lists).
OWN_CHECKS = """() => {
  const out = [];
  const counts = {};
  for (const e of document.querySelectorAll('[id]')) counts[e.id] = (counts[e.id] || 0) + 1;
  const duplicates = Object.keys(counts).filter(id => id && counts[id] > 1);
  if (duplicates.length) out.push({id: 'app-duplicate-id', impact: 'serious',
    help: 'Every id is unique', targets: duplicates.slice(0, 5), summary: ''});
  const places = {};
  for (const a of document.querySelectorAll('main a[href]')) {
    const name = (a.getAttribute('aria-label') || a.textContent).replace(/\\s+/g, ' ').trim();
    const url = new URL(a.href);
    (places[name.toLowerCase()] = places[name.toLowerCase()] || new Set())
      .add(url.pathname + url.search);
  }
  const ambiguous = Object.entries(places).filter(([, where]) => where.size > 1)
    .map(([name, where]) => `"${name}" -> ${[...where].join(' | ')}`);
  if (ambiguous.length) out.push({id: 'app-ambiguous-link-text', impact: 'serious',
    help: 'Links with the same text go to the same place', targets: ambiguous.slice(0, 5),
    summary: ''});
  return out;
}"""


ROLE_ORDER = ["anonymous", *ROLES]


@dataclass
class Crawl:
    """Every page each role reaches, fetched without rendering, and each distinct page state
    given to the first role (in ROLE_ORDER) that reaches it: that role's walk checks it."""

    reached: dict[str, list[str]] = field(default_factory=dict)
    assigned: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    same_state: dict[str, list[str]] = field(default_factory=dict)
    server_errors: dict[str, list[str]] = field(default_factory=dict)


def _client(site: Site, email: str | None) -> Any:
    """A Flask test client of the site's app (no HTTP, no rendering), signed in through the
    form when `email` is given."""
    client = site.app.test_client()
    if email:
        form = BeautifulSoup(client.get("/sign-in").get_data(as_text=True), "html.parser")
        token = form.select_one("input[name=csrf_token]")
        assert token is not None
        signed_in = client.post(
            "/sign-in",
            data={"email": email, "password": DEMO_PASSWORD, "csrf_token": str(token["value"])},
        )
        assert signed_in.status_code == 302, f"{email} could not sign in"
        assert "/sign-in" not in signed_in.headers["Location"], f"{email} could not sign in"
    return client


@pytest.fixture(scope="module")
def crawl(site: Site) -> Crawl:
    found = Crawl()
    seen: set[tuple[str, str]] = set()
    for role in ROLE_ORDER:
        client = _client(site, ROLES.get(role))
        found.reached[role], found.assigned[role] = [], []
        found.same_state[role], found.server_errors[role] = [], []
        for endpoint, path in _urls(site, authenticated=role != "anonymous"):
            response = client.get(path)  # not followed: a redirect is not this role's page
            if response.status_code >= 500:
                found.server_errors[role].append(f"{role} {path}: {response.status_code}")
            if response.status_code != 200 or response.mimetype != "text/html":
                continue  # not this role's page (sign-in and error pages are checked on their own)
            found.reached[role].append(path)
            state = page_state(endpoint, response.get_data(as_text=True))
            if state in seen:
                found.same_state[role].append(path)
                continue
            seen.add(state)
            found.assigned[role].append((endpoint, path))
    return found


def _reflow(page: Any, where: str, findings: Findings) -> None:
    page.set_viewport_size({"width": NARROW, "height": 900})
    width = page.evaluate("() => document.documentElement.scrollWidth")
    if width > NARROW + 1:
        culprits = page.evaluate(
            """limit => [...document.querySelectorAll('body *')]
              .filter(e => e.getBoundingClientRect().right > limit + 1
                        && !e.closest('.app-table-wrapper'))
              .slice(-3).map(e => e.tagName.toLowerCase()
                + (e.id ? '#' + e.id : '') + '.' + [...e.classList].join('.'))""",
            NARROW,
        )
        findings.too_wide.append(f"{where}: {width}px wide ({', '.join(culprits)})")
    page.set_viewport_size({"width": WIDE, "height": 900})


def _submit_empty(page: Any) -> str | None:
    """Clear the main form's text and submit it; the HTML sent back when an error summary
    shows (None when there is no form, or no error summary)."""
    form = page.locator("main form:has(input:not([type=hidden]), textarea, select)").first
    if form.count() == 0:
        return None
    for box in form.locator(
        "input[type=text]:visible, input[type=email]:visible, input[type=password]:visible,"
        " input[type=number]:visible, input:not([type]):visible, textarea:visible"
    ).all():
        box.fill("")
    with page.expect_navigation() as navigation:
        form.locator("button[type=submit], button:not([type])").first.click()
    if page.locator(".govuk-error-summary").count() == 0:
        return None
    sent = navigation.value
    return sent.text() if sent is not None else None


# The buttons of forms that change something, which GOV.UK's preventDoubleClick does not
# guard (the inactivity dialog's buttons are driven by its own script).
SENDS_TWICE = """
[...document.querySelectorAll('form[method=post] button, form[method=POST] button')]
  .filter(b => b.type === 'submit' && !b.closest('dialog'))
  .filter(b => b.dataset.preventDoubleClick !== 'true')
  .map(b => b.textContent.trim())
"""


def _valid_html(check: HtmlChecker, html: str, where: str, findings: Findings) -> None:
    findings.invalid_html += [f"{where}: {error}" for error in check(html)]


def _walk(page: Any, crawl: Crawl, axe_source: str, role: str, check_html: HtmlChecker) -> Findings:
    """Check each page state given to `role` (see Crawl), in the browser."""
    findings = Findings(same_shape=crawl.same_state[role])
    findings.server_errors += crawl.server_errors[role]
    for endpoint, path in crawl.assigned[role]:
        response = page.goto(path)
        where = f"{role} {path}"
        if response is None or response.status != 200 or urlsplit(response.url).path != path:
            status = response.status if response is not None else "no response"
            findings.server_errors.append(f"{where}: {status} in the browser, 200 when crawled")
            continue
        _valid_html(check_html, response.text(), where, findings)
        _axe(page, axe_source, where, findings)
        _reflow(page, where, findings)
        findings.double_submit += [f"{where}: {b}" for b in page.evaluate(SENDS_TWICE)]
        errors_html = _submit_empty(page) if FORM_ENDPOINT.search(endpoint) else None
        if errors_html is not None:
            _valid_html(check_html, errors_html, where + " (errors)", findings)
            _axe(page, axe_source, where + " (errors)", findings)
            _reflow(page, where + " (errors)", findings)
    return findings


def _report(findings: Findings) -> str:
    lines = [
        f"{v['page']}: [{v['impact']}] {v['id']} – {v['help']} at {v['targets']}\n"
        f"      {v['summary'][:300]}"
        for v in findings.blocking()
    ]
    lines += [f"not reflowing at {NARROW}px: {line}" for line in findings.too_wide]
    lines += [f"server error: {line}" for line in findings.server_errors]
    lines += [f"a double-click sends it twice: {line}" for line in findings.double_submit]
    lines += [f"invalid HTML: {line}" for line in findings.invalid_html]
    return "\n".join(lines)


def _save(role: str, findings: Findings) -> None:
    target = os.environ.get("AXE_REPORT")
    if not target:
        return
    path = Path(target)
    saved = json.loads(path.read_text()) if path.exists() else {}
    saved[role] = {
        "pages": findings.checked,
        "violations": findings.violations,
        "too_wide": findings.too_wide,
        "same_shape_skipped": findings.same_shape,
    }
    path.write_text(json.dumps(saved, indent=2))


# -- the specification -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLE_ORDER)
def test_every_page_a_role_can_reach_has_no_serious_accessibility_problem(
    open_as: Callable[[str | None], Any],
    crawl: Crawl,
    axe_source: str,
    html_checker: HtmlChecker,
    role: str,
) -> None:
    """Each page state is checked once, by the first role that reaches it; the pages a role
    shares with a role before it were checked there. Its HTML is valid (Nu HTML Checker)."""
    page = open_as(ROLES.get(role))
    findings = _walk(page, crawl, axe_source, role, html_checker)
    _save(role, findings)
    assert crawl.reached[role], f"{role} reached no page"
    assert len(findings.checked) >= len(crawl.assigned[role]), f"a page of {role} was not checked"
    problems = findings.blocking() or findings.too_wide or findings.server_errors
    assert not (problems or findings.double_submit or findings.invalid_html), (
        f"{len(findings.checked)} pages checked for {role}:\n{_report(findings)}"
    )


REVIEW_LISTS = [
    "/?status=in_review&status=quality_assurance&deadline=overdue&sort=status&order=desc",
    "/?q=x123451&region=London&notified_from=1/1/2020",
    # bad input: unknown values, a reversed range, a page past the end
    "/?status=bogus&region=Atlantis&notified_from=31/2/2025&notified_to=1/1/2020&q=%3Cscript%3E",
    "/?page=99",
    "/?q=Z999999",
]


@pytest.mark.parametrize("role", ["leadership", "officer"])
def test_the_review_list_filtered_sorted_and_with_errors(
    open_as: Callable[[str | None], Any], axe_source: str, role: str
) -> None:
    """The list's states the url_map walk does not reach: filters applied, a sort, every
    kind of bad input shown next to its filter, no results."""
    findings = Findings()
    page = open_as(ROLES[role])
    for path in REVIEW_LISTS:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        _axe(page, axe_source, f"{role} {path}", findings)
        _reflow(page, f"{role} {path}", findings)
    _save(f"review lists ({role})", findings)
    assert not findings.blocking() and not findings.too_wide, _report(findings)


def test_the_review_list_is_filtered_with_the_keyboard(
    open_as: Callable[[str | None], Any],
) -> None:
    """Without a mouse: tick a status, apply, and the list and its selected filter show."""
    page = open_as(ROLES["leadership"])
    page.goto("/")
    page.get_by_label("Quality assurance").focus()
    page.keyboard.press("Space")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").press("Enter")
    assert "status=quality_assurance" in page.url
    assert page.locator(".moj-filter__tag").first.inner_text().strip().endswith("Quality assurance")
    assert page.locator("#reviews-table tbody tr").count() == 1


def test_the_error_pages_have_no_serious_accessibility_problem(
    open_as: Callable[[str | None], Any], site: Site, axe_source: str
) -> None:
    findings = Findings()
    officer = open_as(ROLES["officer"])
    first = site.ids["reviews"][0]["review_id"]
    for path, status in {
        f"/reviews/{first}/chronology": 403,  # visible review, not the officer's material
        "/reviews/999999": 404,
        "/no-such-page": 404,
    }.items():
        response = officer.goto(path)
        assert response.status == status, path
        _axe(officer, axe_source, f"officer {path} ({status})", findings)
        _reflow(officer, f"officer {path} ({status})", findings)
    _save("errors", findings)
    assert not findings.blocking() and not findings.too_wide, _report(findings)


def test_the_first_tab_reaches_skip_to_main_content_then_the_main_action(
    open_as: Callable[[str | None], Any],
) -> None:
    page = open_as(None)
    page.goto("/sign-in")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    order = []
    for _ in range(4):
        page.keyboard.press("Tab")
        order.append(
            page.evaluate(
                "() => { const e = document.activeElement;"
                " return (e.labels && e.labels[0] ? e.labels[0].textContent : e.textContent)"
                ".trim(); }"
            )
        )
    assert order[:2] == ["Email address", "Password"]
    assert "Sign in" in order  # after the password's Show button

    reviewer = open_as(ROLES["reviewer"])
    reviewer.goto("/")
    reviewer.keyboard.press("Tab")
    assert reviewer.evaluate("() => document.activeElement.textContent.trim()") == (
        "Skip to main content"
    )
    for _ in range(30):
        reviewer.keyboard.press("Tab")
        if reviewer.evaluate("() => document.activeElement.textContent.trim()") == (
            "Record a new SFO notification"
        ):
            break
    else:
        pytest.fail("Tab never reached 'Record a new SFO notification'")
    style = reviewer.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.boxShadow, s.backgroundColor]; }"
    )
    assert style[0] != "none" or style[1] != "none", f"no visible focus indicator: {style}"


def test_the_error_summary_links_move_focus_to_the_field_in_error(
    open_as: Callable[[str | None], Any],
) -> None:
    page = open_as(ROLES["reviewer"])
    page.goto("/reviews/new")
    with page.expect_navigation():
        page.get_by_role("button", name="Record notification").click()
    summary = page.locator(".govuk-error-summary")
    assert page.evaluate("() => document.activeElement.classList.contains('govuk-error-summary')")
    first = summary.locator("a").first
    target = (first.get_attribute("href") or "").lstrip("#")
    first.click()
    assert page.evaluate("() => document.activeElement.id") == target
    assert page.locator(f"#{target}").get_attribute("aria-describedby")


def test_the_checker_itself_finds_a_known_problem(
    open_as: Callable[[str | None], Any], axe_source: str
) -> None:
    """Guards against a silent pass: an unlabelled field added to a page must be reported."""
    page = open_as(None)
    page.goto("/accessibility")
    page.evaluate(
        "() => document.querySelector('main').insertAdjacentHTML('beforeend',"
        ' \'<input type="text" id="unlabelled">\')'
    )
    findings = Findings()
    _axe(page, axe_source, "accessibility with an unlabelled field", findings)
    assert [v["id"] for v in findings.blocking()] == ["label"]


def test_the_pages_after_an_upload_and_the_timeout_warning_have_no_serious_problem(
    open_as: Callable[[str | None], Any], site: Site, axe_source: str, tmp_path: Path
) -> None:
    """Pages the url_map walk cannot reach: the chronology import preview (valid and with
    errors) comes only after a file is uploaded; the timeout warning is a dialog."""
    findings = Findings()
    page = open_as(ROLES["reviewer"])
    first = site.ids["reviews"][0]["review_id"]
    good = tmp_path / "good.csv"
    good.write_text(
        "date,source,summary,significant\n2024-01-05,Police,Arrested for assault,yes\n"
        "2024-02-01,Probation,Home visit,no\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "date,source,summary,significant\n2024-13-05,Police,Arrested,maybe\n,,,\n",
        encoding="utf-8",
    )
    for name, upload in (("valid", good), ("with errors", bad)):
        page.goto(f"/reviews/{first}/chronology/import")
        page.locator("input[type=file]").set_input_files(str(upload))
        with page.expect_navigation():
            page.locator("main form button[type=submit]").first.click()
        assert "/chronology/import" in page.url
        where = f"reviewer chronology import preview ({name})"
        _axe(page, axe_source, where, findings)
        _reflow(page, where, findings)
    assert page.locator(".govuk-error-summary").count() == 1  # the file with errors

    page.goto("/notifications")
    page.evaluate("() => document.getElementById('timeout-warning').showModal()")
    _axe(page, axe_source, "reviewer timeout warning (open)", findings)
    _reflow(page, "reviewer timeout warning (open)", findings)
    _save("after upload and dialog", findings)
    assert len(findings.checked) == 3
    assert not findings.blocking() and not findings.too_wide, _report(findings)


@pytest.mark.parametrize("state", ["none", "pending", "ready", "failed"])
def test_the_preparing_your_pdf_page_has_no_serious_accessibility_problem(
    open_as: Callable[[str | None], Any], site: Site, axe_source: str, state: str
) -> None:
    """Its states need a background render's row, which the url_map walk cannot make."""
    from sfo_review.extensions import db
    from sfo_review.models import RenderedReport
    from sfo_review.models._base import utcnow

    review_id = site.ids["reviews"][0]["review_id"]
    with site.app.app_context():
        db.session.query(RenderedReport).filter_by(review_id=review_id).delete()
        if state != "none":
            db.session.add(
                RenderedReport(
                    review_id=review_id,
                    variant="full",
                    content_key="0" * 64,
                    state=state,
                    page_count=12 if state == "ready" else None,
                    requested_at=utcnow(),
                )
            )
        db.session.commit()
    leadership = open_as(ROLES["leadership"])
    path = f"/reviews/{review_id}/reports/preparing?variant=full"

    response = leadership.goto(path)

    assert response.status == 200
    findings = Findings()
    _axe(leadership, axe_source, f"leadership {path} ({state})", findings)
    _reflow(leadership, f"leadership {path} ({state})", findings)
    if state == "pending":
        leadership.keyboard.press("Tab")  # the page is usable from the keyboard
    _save(f"preparing-{state}", findings)
    assert not findings.blocking() and not findings.too_wide, _report(findings)
    with site.app.app_context():
        db.session.query(RenderedReport).filter_by(review_id=review_id).delete()
        db.session.commit()


def test_the_preparing_page_reloads_itself_once_the_pdf_is_ready(
    open_as: Callable[[str | None], Any], site: Site
) -> None:
    from sfo_review.extensions import db
    from sfo_review.models import RenderedReport
    from sfo_review.models._base import utcnow

    review_id = site.ids["reviews"][0]["review_id"]
    with site.app.app_context():
        db.session.query(RenderedReport).filter_by(review_id=review_id).delete()
        row = RenderedReport(
            review_id=review_id,
            variant="family_summary",
            content_key="1" * 64,
            state="pending",
            requested_at=utcnow(),
        )
        db.session.add(row)
        db.session.commit()
        row_id = row.id
    leadership = open_as(ROLES["leadership"])
    leadership.goto(f"/reviews/{review_id}/reports/preparing?variant=family_summary")
    assert leadership.locator("h1").inner_text() == "Preparing your PDF"
    if os.environ.get("SCREENSHOTS"):
        leadership.screenshot(path=f"{os.environ['SCREENSHOTS']}/preparing.png", full_page=True)

    with site.app.app_context():
        done = db.session.get(RenderedReport, row_id)
        assert done is not None
        done.state, done.page_count = "ready", 4
        db.session.commit()

    # A condition, not a time: the page checks every 3 s; a loaded machine may take longer.
    # The condition is also asked while the page reloads itself, when the new document may
    # have no h1 yet (`?.`: not yet, rather than a TypeError that ends the wait).
    leadership.wait_for_function(
        "() => document.querySelector('h1')?.innerText === 'Your PDF is ready'", timeout=60000
    )
    if os.environ.get("SCREENSHOTS"):
        leadership.screenshot(path=f"{os.environ['SCREENSHOTS']}/ready.png", full_page=True)
        leadership.goto(f"/reviews/{review_id}/reports")
        leadership.screenshot(path=f"{os.environ['SCREENSHOTS']}/reports.png", full_page=True)
    with site.app.app_context():
        db.session.query(RenderedReport).filter_by(review_id=review_id).delete()
        db.session.commit()


def test_an_approved_review_overview_and_reports_have_no_serious_problem(
    open_as: Callable[[str | None], Any], site: Site, axe_source: str
) -> None:
    """The stored PDFs and their SHA-256 show once a review is approved: a fourth review,
    taken through every step, so the others keep the states the walk needs."""
    from sqlalchemy import select

    from sfo_review.extensions import db
    from sfo_review.models import User
    from sfo_review.services import transitions

    with site.app.app_context():
        people = {u.email: u for u in db.session.scalars(select(User))}
        fourth = _at_quality_assurance(people, "X123454", "Murder", "murder", "taken")
        helpers_rules.address_factors(fourth)  # api-v1.1 B: the action balance rule
        transitions.transition(people[ROLES["quality_assurer"]], fourth, approval())
        review_id = fourth.id
    findings = Findings()
    for role in ("reviewer", "quality_assurer", "leadership"):
        signed_in = open_as(ROLES[role])
        for path in (f"/reviews/{review_id}", f"/reviews/{review_id}/reports"):
            response = signed_in.goto(path)
            assert response.status == 200, path
            _axe(signed_in, axe_source, f"{role} {path} (approved)", findings)
            _reflow(signed_in, f"{role} {path} (approved)", findings)
        assert signed_in.locator("code.app-sha256").count() >= 2
    # the participant's overview, with the download of their own copy
    officer = open_as(ROLES["officer"])
    assert officer.goto(f"/reviews/{review_id}").status == 200
    assert officer.locator("#download-your-copy").count() == 1
    _axe(officer, axe_source, f"officer /reviews/{review_id} (approved)", findings)
    _reflow(officer, f"officer /reviews/{review_id} (approved)", findings)
    _save("approved review", findings)
    assert not findings.blocking() and not findings.too_wide, _report(findings)


def test_an_approved_review_whose_pdfs_are_being_stored_has_no_serious_problem(
    open_as: Callable[[str | None], Any], site: Site, axe_source: str
) -> None:
    """Approved on the Countersign page, its PDFs left to the worker (queued, not run here):
    the overview and Reports page say they are being stored, the preparing page waits;
    then a failed job, then the stored PDFs."""
    from sqlalchemy import select

    from sfo_review.extensions import db
    from sfo_review.models import RenderedReport, User
    from sfo_review.services import transitions
    from sfo_review.services.reports import work as report_work

    with site.app.app_context():
        people = {u.email: u for u in db.session.scalars(select(User))}
        fifth = _at_quality_assurance(people, "X123455", "Rape", "rape", "storing")
        helpers_rules.address_factors(fifth)  # api-v1.1 B: the action balance rule
        transitions.transition(people[ROLES["quality_assurer"]], fifth, approval(), True)
        review_id = fifth.id
    findings = Findings()
    leadership = open_as(ROLES["leadership"])
    preparing = f"/reviews/{review_id}/reports/preparing?variant=full"

    def walk(paths: tuple[str, ...], state: str) -> None:
        for path in paths:
            assert leadership.goto(path).status == 200, path
            _axe(leadership, axe_source, f"leadership {path} ({state})", findings)
            _reflow(leadership, f"leadership {path} ({state})", findings)

    walk((f"/reviews/{review_id}", f"/reviews/{review_id}/reports", preparing), "storing")
    assert leadership.goto(f"/reviews/{review_id}").ok
    assert leadership.locator("[data-storing]").count() == 2
    with site.app.app_context():
        row = db.session.scalars(
            select(RenderedReport).where(
                RenderedReport.review_id == review_id, RenderedReport.variant == "full"
            )
        ).one()
        row.state, row.error = "failed", "rendering took longer than 120 seconds"
        db.session.commit()
    walk((f"/reviews/{review_id}/reports", preparing), "storing failed")
    with site.app.app_context():
        for variant in ("full", "family_summary"):
            report_work.render_in_background(review_id, variant)
    walk((f"/reviews/{review_id}", preparing), "stored")
    assert leadership.locator("code.app-sha256").count() == 1
    _save("approved review being stored", findings)
    assert not findings.blocking() and not findings.too_wide, _report(findings)


def test_a_new_account_and_its_set_password_link_have_no_serious_problem(
    open_as: Callable[[str | None], Any], site: Site, axe_source: str
) -> None:
    """Pages the url_map walk cannot reach: the account page confirming a new account, the
    page its one-time link opens (empty, with an error, set), and a link that is used up."""
    from sqlalchemy import select

    from sfo_review.extensions import db
    from sfo_review.models import OutboxEmail

    findings = Findings()
    admin = open_as(ROLES["admin"])
    admin.goto("/admin/users/new")
    admin.get_by_label("Full name").fill("Nia Newcomer")
    admin.get_by_label("Email address").fill("nia.newcomer@example.gov.uk")
    admin.get_by_label("Quality assurer").check()
    with admin.expect_navigation():
        admin.get_by_role("button", name="Create account").click()
    assert "We have emailed nia.newcomer@example.gov.uk a link" in admin.inner_text("main")
    _axe(admin, axe_source, "admin new account confirmation", findings)
    _reflow(admin, "admin new account confirmation", findings)

    with site.app.app_context():
        body = db.session.scalars(
            select(OutboxEmail.body).where(OutboxEmail.to == "nia.newcomer@example.gov.uk")
        ).one()
    path = urlsplit(re.search(r"https?://\S+/set-password/\S+", body).group(0)).path
    person = open_as(None)
    for state, typed in (("empty", None), ("with an error", "qwerty123456")):
        person.goto(path)
        if typed is None:
            _axe(person, axe_source, "set password", findings)
            _reflow(person, "set password", findings)
        else:
            person.get_by_label("Create a password").fill(typed)
        with person.expect_navigation():
            person.get_by_role("button", name="Set your password").click()
        assert person.locator(".govuk-error-summary").count() == 1
        _axe(person, axe_source, f"set password ({state})", findings)
        _reflow(person, f"set password ({state})", findings)
    person.get_by_label("Create a password").fill("tea-kettle-ladder-moon")
    with person.expect_navigation():
        person.get_by_role("button", name="Set your password").click()
    assert urlsplit(person.url).path == "/sign-in"
    assert "Your password has been set" in person.inner_text("main")
    _axe(person, axe_source, "sign in after setting a password", findings)

    response = person.goto(path)
    assert response is not None and response.status == 404
    _axe(person, axe_source, "set password (link used)", findings)
    _reflow(person, "set password (link used)", findings)
    _save("new account and set-password link", findings)
    assert not findings.blocking() and not findings.too_wide, _report(findings)
