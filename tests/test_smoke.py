from sfo_review.services import review_list


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_full_review_builds(full_review, db):
    data = full_review()
    review = data["review"]
    assert review.reference.startswith("SFO-")
    assert review.status == "in_review"
    every = review_list.parse_filters({})
    assert [r.review for r in review_list.find_all(data["reviewer"], every)] == [review]
    assert [r.review for r in review_list.find_all(data["qa"], every)] == []


def test_form_buttons_ignore_a_second_click(client, full_review, login_as):
    """GOV.UK's preventDoubleClick on the buttons of forms (SubmitButton) and on the ones
    written in templates; the accessibility walk checks every page's forms."""
    from tests.helpers_forms import page

    buttons = "main form button[type=submit]"
    signed_out = page(client.get("/sign-in")).select(buttons)
    data = full_review()
    login_as(user=data["reviewer"])
    review = data["review"].id
    form = page(client.get(f"/reviews/{review}/chronology/new")).select(buttons)
    status = page(client.get(f"/reviews/{review}/status")).select(buttons)

    for button in (*signed_out, *form, *status):
        assert button.get("data-prevent-double-click") == "true", button
    assert signed_out and form and status
