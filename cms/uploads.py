"""Upload checks for the Wagtail image and document forms (single and multiple upload).

Wagtail already refuses, for images: extensions outside WAGTAILIMAGES_EXTENSIONS
(SVG is not among them), files over WAGTAILIMAGES_MAX_UPLOAD_SIZE, images over
WAGTAILIMAGES_MAX_IMAGE_PIXELS, and an extension that does not match the detected
format. These forms add what it does not check, before anything is stored:

- images: Pillow must open *and verify* the whole file, in an allowed format,
  with Pillow's decompression-bomb warning raised as an error at our pixel limit,
  and no SVG/HTML/XML document whatever the name;
- documents: a size limit (WAGTAILDOCS_MAX_UPLOAD_SIZE, or 10 MB when unset), and
  content that matches the extension: `%PDF-` for PDF, UTF-8 text with
  no NUL bytes, not an HTML/SVG/XML document, for txt/csv/srt/vtt ("WEBVTT" header for vtt);
- audio and video (wagtailmedia): a size limit (MEDIA_MAX_UPLOAD_BYTES) and the container's
  signature at the start of the file, as its extension says (Ogg, MP3, MP4/M4A, FLAC, WAV, WebM).

Errors are attached to the `file` field, so the multiple uploader rejects the
file outright instead of keeping it as a pending upload.

Enable with (config/settings.py):
    WAGTAILIMAGES_IMAGE_FORM_BASE = "cms.uploads.SafeImageForm"
    WAGTAILDOCS_DOCUMENT_FORM_BASE = "cms.uploads.SafeDocumentForm"
    WAGTAILMEDIA["MEDIA_FORM_BASE"] = "cms.uploads.SafeMediaForm"
"""
import os
import re
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import Image
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm
from wagtailmedia.forms import BaseMediaForm

# Pillow format name -> extensions a file of that format may carry.
IMAGE_FORMATS = {"PNG": {"png"}, "JPEG": {"jpg", "jpeg"}, "WEBP": {"webp"}, "AVIF": {"avif"}}
DEFAULT_MAX_IMAGE_PIXELS = 40_000_000
DEFAULT_MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# How HTML, SVG and XML documents start: what a browser would sniff as markup.
MARKUP_START = re.compile(rb"^(\xef\xbb\xbf)?\s*<\s*(!doctype|html|head|body|script|svg|iframe|\?xml)\b",
                          re.IGNORECASE)


def _read(f, limit=None) -> bytes:
    f.seek(0)
    data = f.read() if limit is None else f.read(limit)
    f.seek(0)
    return data


def max_image_pixels() -> int:
    return settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS or DEFAULT_MAX_IMAGE_PIXELS


def allowed_image_extensions() -> set[str]:
    known = set().union(*IMAGE_FORMATS.values())
    return known & set(settings.WAGTAILIMAGES_EXTENSIONS)


def check_image(f) -> None:
    """Raise ValidationError unless `f` is a complete image in an allowed format within the pixel limit."""
    extension = os.path.splitext(f.name or "")[1].lower().lstrip(".")
    allowed = allowed_image_extensions()
    if extension not in allowed:
        raise ValidationError(f"Files of type .{extension} are not accepted as images (SVG never is); "
                              f"supported: {', '.join(sorted(allowed))}.", code="invalid_image_extension")
    if _read(f, 1024).lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        raise ValidationError("This file contains markup or script (for example SVG or HTML), "
                              "which is not accepted as an image.", code="image_markup")
    limit = max_image_pixels()
    with warnings.catch_warnings():
        # Pillow warns above Image.MAX_IMAGE_PIXELS (lowered to our limit in CmsConfig.ready)
        # and raises above twice that; both refuse the file before any pixel is decoded.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            f.seek(0)
            with Image.open(f) as image:
                image_format = image.format
                width, height = image.size
                image.verify()  # reads and checks the whole stream without decoding pixels
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise ValidationError(
                f"This image claims too many pixels (more than {limit:,}); it is refused as a "
                "possible decompression bomb.", code="image_too_many_pixels") from None
        except Exception:  # noqa: BLE001 - any decoder error means a damaged or disguised file
            raise ValidationError("This file is not a valid image, or it is damaged.", code="invalid_image") from None
        finally:
            f.seek(0)
    if image_format not in IMAGE_FORMATS:
        raise ValidationError(f"Images must be {', '.join(sorted(IMAGE_FORMATS))}; this file is {image_format}.",
                              code="image_format")
    if extension not in IMAGE_FORMATS[image_format]:
        raise ValidationError(f"This file is a {image_format} image but is named .{extension}: "
                              "the name must match the content.", code="image_extension_mismatch")
    if width * height > limit:
        raise ValidationError(f"This image has too many pixels ({width * height:,}); the limit is {limit:,}.",
                              code="image_too_many_pixels")


def _check_size(f, limit: int) -> None:
    if f.size is not None and f.size > limit:
        raise ValidationError(f"This file is too big ({filesizeformat(f.size)}); the limit is "
                              f"{filesizeformat(limit)}.", code="file_too_large")


def max_document_bytes() -> int:
    return settings.WAGTAILDOCS_MAX_UPLOAD_SIZE or DEFAULT_MAX_DOCUMENT_BYTES


def check_document(f) -> None:
    """Raise ValidationError unless `f` is within the size limit and its content matches its extension."""
    _check_size(f, max_document_bytes())
    extension = os.path.splitext(f.name or "")[1].lower().lstrip(".")
    allowed = settings.WAGTAILDOCS_EXTENSIONS
    if allowed is not None and extension not in allowed:
        raise ValidationError(f"Files of type .{extension} are not accepted; allowed: "
                              f"{', '.join(allowed)}.", code="invalid_extension")
    head = _read(f, 1024)
    if extension == "pdf":
        if not head.startswith(b"%PDF-"):
            raise ValidationError("This file is named .pdf but is not a PDF document.", code="content_mismatch")
        return
    data = _read(f)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(f"A .{extension} file must be UTF-8 text; this one is binary or in "
                              "another encoding.", code="content_mismatch") from None
    if "\x00" in text:
        raise ValidationError(f"A .{extension} file must be plain text; this one contains NUL bytes.",
                              code="content_mismatch")
    if MARKUP_START.match(data):
        raise ValidationError("This file is an HTML, SVG or XML document, not plain text.", code="content_markup")
    if extension == "vtt" and not text.lstrip().startswith("WEBVTT"):
        raise ValidationError("A .vtt caption file must start with WEBVTT.", code="content_mismatch")


class SafeImageField(WagtailImageField):
    """Wagtail's image field, with `check_image` run before Wagtail opens the file (Wagtail's
    own size, format and pixel checks follow). Wagtail alone lets some damaged files raise
    a server error instead of a form error."""

    def to_python(self, data):
        size = getattr(data, "size", None)
        too_big = self.max_upload_size is not None and size is not None and size > self.max_upload_size
        if data and hasattr(data, "read") and not too_big:  # too big: Wagtail says so, unread
            check_image(data)
        return super().to_python(data)


class SafeImageForm(BaseImageForm):
    """WAGTAILIMAGES_IMAGE_FORM_BASE: every image form and the multiple uploader use it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("file")
        if isinstance(field, WagtailImageField) and not isinstance(field, SafeImageField):
            field.__class__ = SafeImageField  # same field, same widget and messages; checks added


class SafeDocumentForm(BaseDocumentForm):
    """WAGTAILDOCS_DOCUMENT_FORM_BASE: every document form and the multiple uploader use it."""

    def clean_file(self):
        f = self.cleaned_data.get("file")
        if f and "file" in self.changed_data:
            check_document(f)
        return f


DEFAULT_MAX_MEDIA_BYTES = 50 * 1024 * 1024


def _mp3(head: bytes) -> bool:  # an ID3 tag, or straight into an MPEG audio frame
    return head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0)


# Extension -> how a file of that container starts.
MEDIA_SIGNATURES = {
    "ogg": lambda h: h.startswith(b"OggS"), "opus": lambda h: h.startswith(b"OggS"),
    "ogv": lambda h: h.startswith(b"OggS"), "mp3": _mp3, "flac": lambda h: h.startswith(b"fLaC"),
    "wav": lambda h: h[:4] == b"RIFF" and h[8:12] == b"WAVE", "webm": lambda h: h.startswith(b"\x1a\x45\xdf\xa3"),
    "m4a": lambda h: h[4:8] == b"ftyp", "mp4": lambda h: h[4:8] == b"ftyp",
}


def max_media_bytes() -> int:
    return settings.MEDIA_MAX_UPLOAD_BYTES or DEFAULT_MAX_MEDIA_BYTES


def check_media(f) -> None:
    """Raise ValidationError unless `f` is within the size limit and starts as its extension's container."""
    _check_size(f, max_media_bytes())
    extension = os.path.splitext(f.name or "")[1].lower().lstrip(".")
    signature = MEDIA_SIGNATURES.get(extension)
    if signature is None:
        raise ValidationError(f"Files of type .{extension} are not accepted; allowed: "
                              f"{', '.join(sorted(MEDIA_SIGNATURES))}.", code="invalid_extension")
    if not signature(_read(f, 16)):
        raise ValidationError(f"This file is named .{extension} but its content is not that kind of recording.",
                              code="content_mismatch")


class SafeMediaForm(BaseMediaForm):
    """WAGTAILMEDIA["MEDIA_FORM_BASE"]: wagtailmedia's add, edit and chooser upload forms use it
    (wagtailmedia itself checks only the extension)."""

    def clean_file(self):
        f = self.cleaned_data.get("file")
        if f and "file" in self.changed_data:
            check_media(f)
        return f
