def test_health_reports_the_database_and_broker(api, db):
    response = api.get("/api/v1/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] == "ok"
    assert body["worker"] in ("ok", "unknown")


def test_health_shows_no_secret_or_address(api, db, settings):
    text = api.get("/api/v1/health/").content.decode()
    assert settings.SECRET_KEY not in text
    assert "127.0.0.1" not in text
