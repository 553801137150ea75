"""Upload limits through the real Wagtail admin upload views (single and multiple): a
decompression bomb, files that lie about their type, SVG with script, damaged and oversize
files are refused with a clear message and nothing is stored."""
import io
import json
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import UploadedFile

from ..conftest import signed_in
from .conftest import png_bytes

SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def safe_forms(settings):
    """The settings the lead adds to config/settings.py (see cms/README.md)."""
    settings.WAGTAILIMAGES_IMAGE_FORM_BASE = "cms.uploads.SafeImageForm"
    settings.WAGTAILDOCS_DOCUMENT_FORM_BASE = "cms.uploads.SafeDocumentForm"
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def bomb_png(side=30000) -> bytes:
    """A complete 1-bit PNG of side x side pixels (900 million for 30000): ~100 KB on disk,
    gigabytes once decoded."""
    row = b"\x00" + b"\x00" * ((side + 7) // 8)
    compressor, parts = zlib.compressobj(9), []
    for _ in range(side // 1000):
        parts.append(compressor.compress(row * 1000))
    parts.append(compressor.flush())
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", b"".join(parts)) + _chunk(b"IEND", b"")


def damaged_png() -> bytes:
    """A PNG whose header is fine but whose image data fails its checksum."""
    data = bytearray(png_bytes((64, 64)))
    start = data.index(b"IDAT") + 4
    data[start + 5] ^= 0xFF
    return bytes(data)


def noisy_png(side=200) -> bytes:
    buffer = io.BytesIO()
    PILImage.frombytes("RGB", (side, side), bytes((i * 7919) % 251 for i in range(side * side * 3))).save(
        buffer, format="PNG", compress_level=0)
    return buffer.getvalue()


def stored_files(media_root) -> list:
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


def upload_image(client, name, content):
    return client.post("/cms/images/add/", {"title": name, "file": SimpleUploadedFile(name, content)})


def upload_image_multiple(client, name, content):
    response = client.post("/cms/images/multiple/add/", {"files[]": SimpleUploadedFile(name, content)})
    return json.loads(response.content)


def assert_nothing_stored(model, media_root, before=0):
    assert model.objects.count() == before
    assert UploadedFile.objects.count() == 0
    assert stored_files(media_root) == []


IMAGE_REFUSALS = [
    ("bomb.png", bomb_png, "too many pixels"),
    ("report.png", lambda: HTML, "markup or script"),
    ("scan.jpg", lambda: PDF, "not a valid image"),
    ("logo.svg", lambda: SVG, "not accepted as images"),
    ("logo.png", lambda: SVG, "markup or script"),
    ("photo.jpg", lambda: png_bytes(), "is named .jpg"),
    ("damaged.png", damaged_png, "damaged"),
]


@pytest.mark.parametrize("name, make, message", IMAGE_REFUSALS, ids=[r[0] for r in IMAGE_REFUSALS])
def test_the_image_upload_view_refuses(editor_a, media_root, name, make, message):
    response = upload_image(signed_in(editor_a), name, make())
    assert response.status_code == 200  # the form again, with the error
    assert message in response.content.decode()
    assert_nothing_stored(get_image_model(), media_root)


@pytest.mark.parametrize("name, make, message", IMAGE_REFUSALS, ids=[r[0] for r in IMAGE_REFUSALS])
def test_the_multiple_image_uploader_refuses(editor_a, media_root, name, make, message):
    body = upload_image_multiple(signed_in(editor_a), name, make())
    assert body["success"] is False and message in body["error_message"]
    assert_nothing_stored(get_image_model(), media_root)


def test_oversize_images_and_too_many_pixels_are_refused(editor_a, media_root, settings):
    client = signed_in(editor_a)
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 50_000
    content = noisy_png()
    assert len(content) > 50_000
    assert "This file is too big" in upload_image(client, "big.png", content).content.decode()
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
    settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS = 10_000
    assert "too many pixels" in upload_image(client, "wide.png", png_bytes((200, 200))).content.decode()
    assert_nothing_stored(get_image_model(), media_root)


def encoded(image_format: str) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 48), (30, 90, 160)).save(buffer, format=image_format)
    return buffer.getvalue()


@pytest.mark.parametrize("name, image_format", [("a.jpg", "JPEG"), ("b.jpeg", "JPEG"), ("c.webp", "WEBP"),
                                                ("d.avif", "AVIF"), ("e.png", "PNG")])
def test_every_allowed_format_is_accepted(editor_a, name, image_format):
    response = upload_image(signed_in(editor_a), name, encoded(image_format))
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert get_image_model().objects.get(title=name).width == 64


def test_a_real_image_is_accepted(editor_a, media_root):
    response = upload_image(signed_in(editor_a), "table.png", png_bytes((300, 200)))
    assert response.status_code == 302
    image = get_image_model().objects.get()
    assert (image.width, image.height) == (300, 200)
    assert upload_image_multiple(signed_in(editor_a), "second.png", png_bytes())["success"] is True


def test_pillow_refuses_bombs_everywhere_in_the_process():
    from cms.uploads import max_image_pixels

    assert PILImage.MAX_IMAGE_PIXELS <= max_image_pixels()


# --- documents ------------------------------------------------------------------------------


def upload_document(client, name, content):
    return client.post("/cms/documents/add/", {"title": name, "file": SimpleUploadedFile(name, content)})


DOCUMENT_REFUSALS = [
    ("brief.pdf", HTML, "is not a PDF"),
    ("notes.txt", png_bytes(), "must be UTF-8 text"),
    ("notes.csv", b"a,b\n1,\x00\n", "NUL bytes"),
    ("page.txt", HTML, "not plain text"),
    ("drawing.txt", SVG, "not plain text"),
    ("captions.vtt", b"00:00.000 --> 00:01.000\nHello\n", "must start with WEBVTT"),
    ("page.html", HTML, "are not accepted"),  # WAGTAILDOCS_EXTENSIONS
]


@pytest.mark.parametrize("name, content, message", DOCUMENT_REFUSALS, ids=[r[0] for r in DOCUMENT_REFUSALS])
def test_the_document_upload_views_refuse(editor_a, media_root, name, content, message):
    client = signed_in(editor_a)
    response = upload_document(client, name, content)
    assert response.status_code == 200
    assert message.lower() in response.content.decode().lower()
    multiple = client.post("/cms/documents/multiple/add/", {"files[]": SimpleUploadedFile(name, content)})
    body = json.loads(multiple.content)
    assert body["success"] is False and message.lower() in body["error_message"].lower()
    assert_nothing_stored(get_document_model(), media_root)


def test_oversize_documents_are_refused(editor_a, media_root, settings):
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 1000
    response = upload_document(signed_in(editor_a), "long.txt", b"word " * 400)
    assert "too big" in response.content.decode()
    assert_nothing_stored(get_document_model(), media_root)


@pytest.mark.parametrize("name, content", [("brief.pdf", PDF), ("transcript.txt", "Écoutez d'abord.".encode()),
                                           ("captions.vtt", b"WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n"),
                                           ("results.csv", b"name,score\nAda,80\n")])
def test_real_documents_are_accepted(editor_a, name, content):
    assert upload_document(signed_in(editor_a), name, content).status_code == 302
    assert get_document_model().objects.filter(title=name).exists()


def test_the_checks_also_hold_without_the_admin(settings):
    """The same checks, as functions other code can call."""
    from django.core.exceptions import ValidationError

    from cms.uploads import check_document, check_image

    with pytest.raises(ValidationError, match="too many pixels"):
        check_image(SimpleUploadedFile("bomb.png", bomb_png()))
    with pytest.raises(ValidationError):
        check_document(SimpleUploadedFile("fake.pdf", b"MZ\x90\x00"))
    check_image(SimpleUploadedFile("ok.png", png_bytes()))
