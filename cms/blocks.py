"""StreamField blocks of a lesson, and their structured JSON for the API."""
import mimetypes

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock
from wagtailmedia.blocks import AudioChooserBlock

from .richtext import EDITOR_FEATURES, safe_html


class TextBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        super().__init__(features=EDITOR_FEATURES, **kwargs)

    class Meta:
        icon = "doc-full"


class QuotationBlock(blocks.StructBlock):
    text = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False)

    class Meta:
        icon = "openquote"


class CaseStudyBlock(blocks.StructBlock):
    title = blocks.CharBlock()
    body = TextBlock()

    class Meta:
        icon = "folder-open-inverse"


class GlossaryTermBlock(blocks.StructBlock):
    term = blocks.CharBlock()
    definition = blocks.TextBlock()

    class Meta:
        icon = "pick"


class ReflectionBlock(blocks.StructBlock):
    prompt = blocks.TextBlock()

    class Meta:
        icon = "help"


class IllustrationBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt = blocks.CharBlock(help_text="Describe the image for people who cannot see it.")
    caption = blocks.CharBlock(required=False)

    class Meta:
        icon = "image"


class AudioBlock(blocks.StructBlock):
    title = blocks.CharBlock()
    recording = AudioChooserBlock(required=False, help_text="An audio file from Media (Ogg Opus is smallest).")
    captions = DocumentChooserBlock(required=False, help_text="Captions of the recording: a WebVTT (.vtt) document.")
    url = blocks.URLBlock(required=False, help_text="Or the address of a recording kept elsewhere.")
    transcript = blocks.TextBlock(help_text="Required: learners who cannot listen read it.")

    class Meta:
        icon = "media"


class VideoBlock(blocks.StructBlock):
    title = blocks.CharBlock()
    url = blocks.URLBlock(required=False)
    captions_url = blocks.URLBlock(required=False)
    transcript = blocks.TextBlock()

    class Meta:
        icon = "media"


class ExerciseBlock(blocks.StructBlock):
    exercise = SnippetChooserBlock("assessments.Exercise")

    class Meta:
        icon = "tick-inverse"


LESSON_BLOCKS = [
    ("text", TextBlock()),
    ("key_points", blocks.ListBlock(blocks.CharBlock(), icon="list-ul")),
    ("quotation", QuotationBlock()),
    ("case_study", CaseStudyBlock()),
    ("glossary_term", GlossaryTermBlock()),
    ("reflection", ReflectionBlock()),
    ("image", IllustrationBlock()),
    ("audio", AudioBlock()),
    ("video", VideoBlock()),
    ("exercise", ExerciseBlock()),
]


def image_json(image, alt="", caption="") -> dict | None:
    if image is None:
        return None
    small = image.get_rendition("width-480|format-webp")
    large = image.get_rendition("width-1200|format-webp")
    return {
        "id": image.pk,
        "alt": alt,
        "caption": caption,
        "width": image.width,
        "height": image.height,
        "renditions": [
            {"width": small.width, "url": small.url, "format": "webp"},
            {"width": large.width, "url": large.url, "format": "webp"},
        ],
    }


def audio_json(value) -> dict:
    """An audio block: the chosen recording's address (else the external `url`), its type, captions."""
    recording, captions = value.get("recording"), value.get("captions")
    url = recording.url if recording else value.get("url") or ""
    return {
        "title": value["title"], "url": url, "transcript": value["transcript"],
        "recording": recording.pk if recording else None,
        "content_type": (mimetypes.guess_type(url)[0] or "") if url else "",
        "captions_url": captions.url if captions else "",
    }


def block_json(block) -> dict:
    """One StreamField child as plain JSON: rich text sanitised, images as renditions."""
    kind, value = block.block_type, block.value
    if kind == "text":
        data = {"html": safe_html(value.source)}
    elif kind == "key_points":
        data = {"items": list(value)}
    elif kind == "case_study":
        data = {"title": value["title"], "html": safe_html(value["body"].source)}
    elif kind == "image":
        data = image_json(value["image"], value["alt"], value["caption"])
    elif kind == "audio":
        data = audio_json(value)
    elif kind == "exercise":
        exercise = value["exercise"]
        data = {"exercise": exercise.pk if exercise else None, "kind": getattr(exercise, "kind", None),
                "title": getattr(exercise, "title", None)}
    else:
        data = dict(value)
    return {"type": kind, "id": block.id, "value": data}
