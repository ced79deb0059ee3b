"""Flashed messages: successes in the green banner, each its own paragraph; anything else
in the blue "Important" banner, a warning with warning styling; text never becomes markup."""

from __future__ import annotations

from tests.helpers import page


def _flash(client, *messages: tuple[str, str]) -> None:
    with client.session_transaction() as session:
        session["_flashes"] = list(messages)


def test_two_successes_are_two_paragraphs_of_one_green_banner(client, login_as):
    login_as("reviewer")
    _flash(client, ("message", "Entry “A” added."), ("message", "Entry “B” added."))
    shown = page(client.get("/reviews"))
    banners = shown.select(".govuk-notification-banner")
    assert len(banners) == 1 and "govuk-notification-banner--success" in banners[0]["class"]
    assert banners[0].select_one(".govuk-notification-banner__title").get_text(strip=True) == (
        "Success"
    )
    paragraphs = [p.get_text() for p in banners[0].select(".govuk-notification-banner__heading")]
    assert paragraphs == ["Entry “A” added.", "Entry “B” added."]
    assert not banners[0].select("br")


def test_a_warning_and_a_note_go_in_the_important_banner_escaped(client, login_as):
    login_as("reviewer")
    _flash(client, ("warning", "<script>alert(1)</script> needs context"), ("info", "Try again."))
    response = client.get("/reviews")
    shown = page(response)
    banner = shown.select_one(".govuk-notification-banner")
    assert "govuk-notification-banner--success" not in banner["class"]
    assert banner.select_one(".govuk-notification-banner__title").get_text(strip=True) == (
        "Important"
    )
    assert "needs context" in banner.select_one(".govuk-warning-text").get_text()
    assert "Try again." in banner.get_text()
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    assert not banner.select("script")
