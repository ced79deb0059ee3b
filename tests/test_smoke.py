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
