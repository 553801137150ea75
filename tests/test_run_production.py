"""`make run` serves as production does (issue 20, finding 18): DEBUG off and a secret key of the
installation's own, kept in the var folder; the environment still wins."""
import os
import stat

import pytest

from config import run


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in ("DEBUG", "SECRET_KEY", "DJANGO_SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "PARLEY_DEMO",
                 "PARLEY_SERVE_MEDIA", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
                 "LOG_FORMAT", "WAGTAILADMIN_BASE_URL"):
        # Set, then removed: monkeypatch then removes what production_like() sets, after the test.
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    monkeypatch.setattr(run, "SECRET_FILE", tmp_path / "var" / "secret_key")
    return tmp_path / "var" / "secret_key"


def test_the_secret_key_is_made_once_readable_by_its_owner_only(clean_env):
    key = run.installation_secret()
    assert len(key) >= 50
    assert clean_env.read_text().strip() == key
    assert stat.S_IMODE(clean_env.stat().st_mode) == 0o600


def test_the_next_start_reuses_the_secret_key(clean_env):
    first = run.installation_secret()
    assert run.installation_secret() == first


def test_make_run_turns_debug_off_with_the_installations_key(clean_env):
    run.production_like("http://127.0.0.1:8000")
    assert os.environ["DEBUG"] == "false"
    assert os.environ["SECRET_KEY"] == clean_env.read_text().strip()
    assert os.environ["PARLEY_DEMO"] == "true"


def test_a_secret_key_in_the_environment_wins_and_none_is_written(clean_env, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "k" * 60)
    run.production_like("http://127.0.0.1:8000")
    assert os.environ["SECRET_KEY"] == "k" * 60
    assert not clean_env.exists()


def test_django_secret_key_in_the_environment_wins_too(clean_env, monkeypatch):
    monkeypatch.setenv("DJANGO_SECRET_KEY", "d" * 60)
    run.production_like("http://127.0.0.1:8000")
    assert "SECRET_KEY" not in os.environ
    assert not clean_env.exists()


def test_the_allowed_hosts_include_the_address_it_prints(clean_env, monkeypatch):
    monkeypatch.setattr(run, "HOST", "192.0.2.7")
    run.production_like("http://192.0.2.7:8000")
    assert "192.0.2.7" in os.environ["ALLOWED_HOSTS"].split(",")
    assert "127.0.0.1" in os.environ["ALLOWED_HOSTS"].split(",")


def test_plain_http_at_a_local_address_keeps_cookies_and_no_https_redirect(clean_env):
    run.production_like("http://127.0.0.1:8000")
    assert (os.environ["SECURE_SSL_REDIRECT"], os.environ["SESSION_COOKIE_SECURE"],
            os.environ["CSRF_COOKIE_SECURE"]) == ("false", "false", "false")


def test_debug_the_operator_asked_for_is_kept(clean_env, monkeypatch):
    monkeypatch.setenv("DEBUG", "true")
    run.production_like("http://127.0.0.1:8000")
    assert os.environ["DEBUG"] == "true"
