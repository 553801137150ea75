"""`make run` on another port: the links in the mails its worker sends point there."""
import os

from config.run import point_mail_links_at


def test_mail_links_follow_the_port_make_run_serves_on(monkeypatch):
    monkeypatch.delenv("WAGTAILADMIN_BASE_URL", raising=False)
    point_mail_links_at("http://127.0.0.1:8765")
    assert os.environ["WAGTAILADMIN_BASE_URL"] == "http://127.0.0.1:8765"


def test_an_address_the_operator_set_is_kept(monkeypatch):
    monkeypatch.setenv("WAGTAILADMIN_BASE_URL", "https://parley.example.org")
    point_mail_links_at("http://127.0.0.1:8765")
    assert os.environ["WAGTAILADMIN_BASE_URL"] == "https://parley.example.org"
