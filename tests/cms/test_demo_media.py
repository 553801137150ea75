"""The demo's listening material: committed recordings, loaded as Wagtail media with captions and
transcripts, played on the lesson page from a URL that serves the file."""
import json
import re

import pytest
from django.core.management import call_command
from wagtail.documents import get_document_model
from wagtailmedia import get_media_model

from cms.demo import DEMO_DIR, MEDIA_DIR, load_courses, recording_files
from cms.models import LessonPage

AUDIO_SOURCE = re.compile(r'<audio controls[^>]*>\s*<source src="([^"]+)" type="audio/ogg">\s*'
                          r'<track kind="captions" src="([^"]+)" srclang="(\w+)"')


def demo_blocks(kind):
    for course in load_courses():
        for data in (course, *(course.get("translations") or {}).values()):
            for module in data["modules"]:
                for lesson in module["lessons"]:
                    yield from (block for block in lesson["body"] if block["type"] == kind)


@pytest.fixture
def demo(db, settings, tmp_path, monkeypatch):
    settings.DEMO_MODE = True
    monkeypatch.setattr("courses.management.commands.load_demo.VAR_DIR", tmp_path)
    call_command("load_demo")


def test_every_demo_audio_block_names_a_committed_recording_with_captions_and_transcript():
    keys = [block["value"]["recording"] for block in demo_blocks("audio")]
    assert len(keys) >= 4
    for key in keys:
        files = recording_files(key)
        assert files["audio"].read_bytes()[:4] == b"OggS"
        assert files["audio"].stat().st_size < 150 * 1024, "small enough to commit and to load on a phone"
        assert files["captions"].read_text(encoding="utf-8").startswith("WEBVTT\n")
        assert files["transcript"].read_text(encoding="utf-8").strip()


def test_the_demo_has_no_video_block_and_no_audio_block_without_a_recording():
    assert list(demo_blocks("video")) == []
    assert all(block["value"].get("recording") for block in demo_blocks("audio"))


def test_every_dialogue_of_recordings_json_has_its_files():
    recordings = json.loads((MEDIA_DIR / "recordings.json").read_text(encoding="utf-8"))["recordings"]
    for recording in recordings:
        assert all(path.exists() for path in recording_files(recording["key"]).values()), recording["key"]
    assert MEDIA_DIR.parent == DEMO_DIR


def test_load_demo_stores_each_recording_once_as_audio_media_with_a_captions_document(demo):
    keys = {block["value"]["recording"] for block in demo_blocks("audio")}
    media = get_media_model().objects.filter(title__startswith="demo:")
    assert {m.title for m in media} == {f"demo:{key}" for key in keys}
    assert {m.type for m in media} == {"audio"}
    assert all(15 < m.duration < 45 for m in media)
    captions = get_document_model().objects.filter(title__endswith=" captions")
    assert captions.count() == len(keys)

    call_command("load_demo")

    assert get_media_model().objects.count() == len(keys)
    assert get_document_model().objects.filter(title__endswith=" captions").count() == len(keys)


def test_the_listening_lesson_plays_the_recording_from_a_url_that_serves_it(demo, client):
    lesson = LessonPage.objects.live().get(slug="open-questions", locale__language_code="en")

    html = client.get(f"/lessons/{lesson.pk}/").content.decode()

    players = AUDIO_SOURCE.findall(html)
    assert len(players) == 2
    audio_url, captions_url, language = players[0]
    assert language == "en"
    served = client.get(audio_url)
    assert served.status_code == 200
    assert served["Content-Type"] == "audio/ogg"
    assert b"".join(served.streaming_content) == recording_files("water-office-closed")["audio"].read_bytes()
    captions = client.get(captions_url)
    assert captions.status_code == 200
    assert captions["Content-Type"].startswith("text/vtt")


def test_the_transcript_is_on_the_page_behind_a_summary(demo, client):
    lesson = LessonPage.objects.live().get(slug="open-questions", locale__language_code="en")

    html = client.get(f"/lessons/{lesson.pk}/").content.decode()

    # The label is the interface's words, marked with the interface's language inside the content's.
    assert re.search(r'<details class="transcript">\s*<summary[^>]*>Transcript</summary>', html)
    assert "Official: Good morning. You&#x27;re here about the irrigation permit?" in html


def test_the_french_lesson_plays_french_recordings_with_french_captions(demo, client):
    lesson = LessonPage.objects.live().get(slug="open-questions", locale__language_code="fr")

    html = client.get(f"/lessons/{lesson.pk}/").content.decode()

    players = AUDIO_SOURCE.findall(html)
    assert [url.rsplit("/", 1)[1] for url, _, _ in players] == ["water-office-closed.fr.ogg",
                                                                 "water-office-open.fr.ogg"]
    assert {language for _, _, language in players} == {"fr"}
    assert "La fonctionnaire : Bonjour." in html


def test_no_demo_lesson_says_a_recording_is_missing(demo, client):
    for lesson in LessonPage.objects.live():
        html = client.get(f"/lessons/{lesson.pk}/").content.decode()
        assert "not online yet" not in html, lesson.title


def test_a_lesson_loaded_before_the_recordings_gets_them_on_the_next_load(demo):
    lesson = LessonPage.objects.live().get(slug="open-questions", locale__language_code="en")
    lesson.body = [{"type": "audio", "value": {"title": "Old", "url": "", "transcript": "Words."}}]
    lesson.save_revision().publish()

    call_command("load_demo")

    lesson.refresh_from_db()
    assert [b.value["recording"].title for b in lesson.body if b.block_type == "audio"] == [
        "demo:water-office-closed", "demo:water-office-open"]
