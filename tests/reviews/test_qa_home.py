"""A quality assurer's home page says first what waits for their countersignature."""

from __future__ import annotations

from tests.helpers_forms import move_to, page


def test_the_named_countersigner_sees_what_waits_for_them_first(client, full_review, login_as):
    data = full_review()
    review = move_to(data, "quality_assurance")
    other = full_review()  # in review, naming nobody yet
    login_as(user=data["qa"])
    soup = page(client.get("/"))
    section = soup.select_one("#waiting-for-you")
    assert section is not None
    assert section.find_previous("h1").get_text(strip=True) == "Reviews"
    # before the list of every review
    assert section.find_next("form", id="filter-form") is not None
    link = section.select_one(f"#waiting-{review.id} a")
    assert link.get_text(strip=True) == f"Countersign {review.reference}"
    assert link["href"] == f"/reviews/{review.id}/countersign"
    assert other["review"].reference not in section.get_text()
    assert client.get(link["href"]).status_code == 200


def test_another_quality_assurer_is_told_nothing_waits_and_why(
    client, full_review, login_as, make_user
):
    move_to(full_review(), "quality_assurance")
    login_as(user=make_user("quality_assurer"))
    section = page(client.get("/")).select_one("#waiting-for-you")
    assert "Nothing is waiting for your countersignature" in section.get_text()
    assert not section.select("li")


def test_no_one_else_has_the_section(client, full_review, login_as):
    data = full_review()
    move_to(data, "quality_assurance")
    for user in (data["reviewer"], data["officer"]):
        login_as(user=user)
        assert page(client.get("/")).select_one("#waiting-for-you") is None
    login_as("leadership")
    assert page(client.get("/")).select_one("#waiting-for-you") is None
