"""Loads the demo curriculum (cms/demo/) into Wagtail pages and exercises. Idempotent.

Each run looks pages up by slug under their parent and exercises by slug, so a
second run changes nothing and a changed demo file updates in place.
"""
import io

from django.core.files import File
from django.core.files.images import ImageFile
from django.db import transaction
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale
from wagtailmedia import get_media_model

from accounts.models import Academy
from assessments.models import Exercise
from assessments.services import exercise_import

from .demo import load_courses, load_exercises, recording_files
from .demo.illustrations import draw_illustration
from .models import CoursePage, CurriculumPage, LessonPage, ModulePage
from .tenancy import academy_setup

LOCALES = ("en", "fr", "es", "ar")


def _image(key: str, collection):
    Image = get_image_model()
    image = Image.objects.filter(title=f"demo:{key}").first()
    if image is None:
        png = draw_illustration(key)
        image = Image(title=f"demo:{key}", collection=collection)
        image.file = ImageFile(io.BytesIO(png), name=f"{key}.png")
        image.save()
    return image


def _seconds(vtt: str) -> float:
    """The end of the last caption cue: the recording's length."""
    end = [line.split("-->")[1].strip() for line in vtt.splitlines() if "-->" in line][-1]
    hours, minutes, seconds = end.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def _recording(key: str, collection) -> dict:
    """An audio block's value for the committed recording `key` (cms/demo/media/): the audio as a
    wagtailmedia item, its captions as a document, its transcript. Each file is stored once."""
    files = recording_files(key)
    captions_text = files["captions"].read_text(encoding="utf-8")
    Media, Document = get_media_model(), get_document_model()
    media = Media.objects.filter(title=f"demo:{key}").first()
    if media is None:
        media = Media(title=f"demo:{key}", type="audio", collection=collection, duration=_seconds(captions_text))
        with files["audio"].open("rb") as audio:
            media.file.save(f"{key}.ogg", File(audio), save=True)
    captions = Document.objects.filter(title=f"demo:{key} captions").first()
    if captions is None:
        captions = Document(title=f"demo:{key} captions", collection=collection)
        with files["captions"].open("rb") as vtt:
            captions.file.save(f"{key}.vtt", File(vtt), save=True)
    return {"recording": media.pk, "captions": captions.pk, "url": "",
            "transcript": files["transcript"].read_text(encoding="utf-8").strip()}


def _lacks_media(page) -> bool:
    """A lesson loaded before the demo had recordings: an audio or video block with nothing to play."""
    for block in page.body:
        if block.block_type == "video" and not block.value.get("url"):
            return True
        if block.block_type == "audio" and not (block.value.get("recording") or block.value.get("url")):
            return True
    return False


def _child(parent, model, slug: str, **fields):
    """The child page with this slug (created if missing, fields updated), published."""
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = parent.add_child(instance=model(slug=slug, **fields))
    else:
        changed = [name for name, value in fields.items() if getattr(page, name) != value]
        if not changed and page.live and not page.has_unpublished_changes:
            return page
        for name, value in fields.items():
            setattr(page, name, value)
    page.save_revision().publish()
    return page


def _stream(body: list[dict], exercises: dict[str, int], collection) -> list[dict]:
    out = []
    for block in body:
        kind, value = block["type"], block["value"]
        if kind == "image":
            value = {"image": _image(value["illustration"], collection).pk, "alt": value["alt"],
                     "caption": value.get("caption", "")}
        elif kind == "exercise":
            value = {"exercise": exercises[value["slug"]]}
        elif kind == "audio" and value.get("recording"):
            value = {"title": value["title"], **_recording(value["recording"], collection)}
        out.append({"type": kind, "value": value})
    return out


def _fill_course(course_page, data, exercises, collection, *, translate_from=None):
    for module in data["modules"]:
        if translate_from is None:
            module_page = _child(course_page, ModulePage, module["slug"], title=module["title"],
                                 summary=module.get("summary", ""))
        else:
            source = ModulePage.objects.child_of(translate_from).get(slug=module["slug"])
            module_page = _translation(source, course_page.locale, title=module["title"],
                                       summary=module.get("summary", ""))
        for lesson in module["lessons"]:
            fields = {"title": lesson["title"], "summary": lesson.get("summary", ""),
                      "body": _stream(lesson["body"], exercises, collection)}
            if translate_from is None:
                page = LessonPage.objects.child_of(module_page).filter(slug=lesson["slug"]).first()
                if page is None:
                    module_page.add_child(instance=LessonPage(slug=lesson["slug"], **fields)).save_revision().publish()
                elif _lacks_media(page):  # the recordings came later: give it them, once
                    page.body = fields["body"]
                    page.save_revision().publish()
            else:
                en_module = ModulePage.objects.child_of(translate_from).get(slug=module["slug"])
                source = LessonPage.objects.child_of(en_module).get(slug=lesson["slug"])
                page = _translation(source, course_page.locale, **fields)
                if _exercise_ids(page.body) != _exercise_ids(fields["body"]):
                    # The demo gave this translation an exercise of its own language (the French course's
                    # French scenario): a copy loaded with the original's exercise gets it, once.
                    page.body = fields["body"]
                    page.save_revision().publish()


def _translation(source, locale, **fields):
    page = source.get_translation_or_none(locale)
    if page is not None and page.live and page.title == fields.get("title") and not (
            "body" in fields and _lacks_media(page.specific)):
        return page.specific  # loaded before: leave the editors' copy alone
    if page is None:
        page = source.copy_for_translation(locale)
    page = page.specific
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()
    return page


def _exercise_ids(body) -> list:
    """The exercises a lesson body embeds, in order, from a page's StreamValue or a body about to be saved."""
    raw = body.raw_data if hasattr(body, "raw_data") else body
    return [block["value"].get("exercise") for block in raw if block["type"] == "exercise"]


def _curriculum_in(locale, academy_page, curriculum):
    """The curriculum's copy in `locale`, published with its home and academy copies (made when missing)."""
    copy = None
    for ancestor in (academy_page.get_parent().specific, academy_page, curriculum):
        copy = ancestor.get_translation_or_none(locale) or ancestor.copy_for_translation(locale)
        if not copy.live:
            copy.specific.save_revision().publish()
    return copy.specific


@transaction.atomic
def load_demo_curriculum(*, academy: Academy, actor=None) -> dict:
    for code in LOCALES:
        Locale.objects.get_or_create(language_code=code)
    academy_page = academy_setup(academy=academy)
    collection = Collection.objects.get(name=academy.name)
    exercises = {}
    for document in load_exercises():
        exercise, _, _ = exercise_import(academy=academy, document=document, actor=actor,
                                         visibility=Exercise.Visibility.COURSE)
        exercises[exercise.slug] = exercise.pk
    curriculum = _child(academy_page, CurriculumPage, "foundations", title="Foundations of diplomacy",
                        intro="Courses that build the everyday craft of diplomacy.")
    courses = 0
    for data in load_courses():
        cover = data.get("cover") or {}
        # A course written in another language than the default (the Spanish and Arabic demo courses, with no
        # English original) lives in that locale's copy of the curriculum.
        language = data.get("language", "en")
        parent = curriculum if language == "en" else _curriculum_in(
            Locale.objects.get(language_code=language), academy_page, curriculum)
        existing = CoursePage.objects.child_of(parent).filter(slug=data["slug"]).first()
        course = existing or _child(
            parent, CoursePage, data["slug"], title=data["title"], summary=data["summary"],
            level=data["level"], language=data.get("language", "en"), estimated_hours=data["estimated_hours"],
            competencies=data.get("competencies", []),
            cover_image=_image(cover["illustration"], collection) if cover else None,
            cover_alt=cover.get("alt", ""),
        )
        _fill_course(course, data, exercises, collection)
        for code, translated in (data.get("translations") or {}).items():
            locale = Locale.objects.get(language_code=code)
            _curriculum_in(locale, academy_page, curriculum)
            fr_course = _translation(course, locale, title=translated["title"], summary=translated["summary"],
                                     language=code)
            _fill_course(fr_course, translated, exercises, collection, translate_from=course)
        courses += 1
    return {"courses": courses, "exercises": len(exercises)}
