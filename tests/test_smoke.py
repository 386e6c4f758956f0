def test_health_answers_without_signing_in(client):
    assert client.get("/healthz").json == {"status": "ok"}
