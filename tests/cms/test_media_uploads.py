"""Audio and video uploads (wagtailmedia's forms through cms.uploads.SafeMediaForm): refused when too
big or when the content is not the container its extension names; a real recording is accepted."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.models import Collection
from wagtailmedia import get_media_model
from wagtailmedia.forms import get_media_form

from cms.demo import recording_files


def form_for(academy_a, editor_a, name: str, content: bytes):
    Media = get_media_model()
    collection = Collection.objects.get(name=academy_a.name)
    return get_media_form(Media)(
        data={"title": "A dialogue", "collection": collection.pk, "duration": 0, "tags": ""},
        files={"file": SimpleUploadedFile(name, content)}, instance=Media(type="audio"), user=editor_a)


def test_a_committed_demo_recording_is_accepted(academy_a, editor_a):
    audio = recording_files("three-packages")["audio"].read_bytes()

    form = form_for(academy_a, editor_a, "three-packages.ogg", audio)

    assert form.is_valid(), form.errors


@pytest.mark.parametrize("name, content", [
    ("page.ogg", b"<!doctype html><script>alert(1)</script>"),
    ("track.mp3", b"not an mpeg frame at all"),
    ("voice.wav", b"RIFF\x00\x00\x00\x00AVI LIST"),
])
def test_content_that_is_not_the_named_container_is_refused(academy_a, editor_a, name, content):
    form = form_for(academy_a, editor_a, name, content)

    assert not form.is_valid()
    assert [e.code for e in form.errors.as_data()["file"]] == ["content_mismatch"]


def test_a_recording_over_the_limit_is_refused_unread(academy_a, editor_a, settings):
    settings.MEDIA_MAX_UPLOAD_BYTES = 1024

    form = form_for(academy_a, editor_a, "long.ogg", b"OggS" + b"\x00" * 2048)

    assert not form.is_valid()
    assert [e.code for e in form.errors.as_data()["file"]] == ["file_too_large"]
