from sfo_review.services import reviews


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_full_review_builds(full_review, db):
    data = full_review()
    review = data["review"]
    assert review.reference.startswith("SFO-")
    assert review.status == "in_review"
    assert reviews.list_reviews(data["reviewer"]) == [review]
    assert reviews.list_reviews(data["qa"]) == []
