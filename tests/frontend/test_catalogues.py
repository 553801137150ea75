"""The interface's catalogues: every language the site offers besides English has one, fully translated, and
its committed .mo (what Django reads; nothing compiles at install) says what its .po says."""
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

OFFERED = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def catalogue(code: str, kind: str) -> Path:
    return Path(settings.BASE_DIR) / "locale" / code / "LC_MESSAGES" / f"django.{kind}"


def test_the_site_offers_english_french_spanish_and_arabic():
    assert [code for code, _ in settings.LANGUAGES] == ["en", "fr", "es", "ar"]


@pytest.mark.parametrize("code", OFFERED)
def test_every_message_is_translated(code):
    po = polib.pofile(str(catalogue(code, "po")))
    left = [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert left == []
    assert po.percent_translated() == 100


@pytest.mark.parametrize("code", OFFERED)
def test_the_committed_mo_matches_the_po(code):
    po = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural
          for e in polib.pofile(str(catalogue(code, "po"))) if e.translated() and not e.obsolete}
    mo = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in polib.mofile(str(catalogue(code, "mo")))}
    assert {key: mo.get(key) for key in po} == po, "run compilemessages (frontend/README.md)"


@pytest.mark.parametrize(("code", "text"), [("fr", "Ma progression"), ("es", "Mi progreso"), ("ar", "تقدّمي")])
def test_django_reads_each_catalogue(code, text):
    with translation.override(code):
        assert translation.gettext("My progress") == text
        assert translation.get_language_bidi() is (code == "ar")


@pytest.mark.parametrize(("code", "direction"), [("ar", "rtl"), ("en", "ltr"), ("fr", "ltr"), ("zz", "auto")])
def test_content_is_given_the_direction_of_its_language(code, direction):
    from frontend.templatetags.bidi import text_dir

    assert text_dir(code) == direction
