"""The load balancers' health check."""

import pytest


def test_healthz_answers_ok_without_touching_the_database(client):
    # No database access is allowed in this test: any query would fail it.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_is_get_only(client):
    assert client.post("/healthz").status_code == 405
