"""Deep Linking 2.0: an instructor picks, inside the LMS, a course, module, lesson or exercise of the
registration's academy; Parley answers the platform with signed content items (an LTI resource link
for the pick, and one with a gradebook line item for each gradable exercise it holds), and assigns the
picked module to the LMS course's class."""
import secrets
import time

from django.db.models import Q
from django.urls import reverse

from assessments.models import Exercise
from cms.models import AcademyPage, CoursePage, LessonExercise, LessonPage, ModulePage
from courses import services as course_services

from .keys import tool_sign
from .launch import DEEP_LINKING_SETTINGS, LTI, LaunchRefused
from .models import LtiContext, Registration
from .services import launch_roles, target_resolve

DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"


def deep_link_session(claims: dict, registration: Registration) -> dict:
    """What the picker needs of the request, kept in the session until the answer."""
    settings_claim = claims[DEEP_LINKING_SETTINGS]
    context = claims.get(LTI + "context") if isinstance(claims.get(LTI + "context"), dict) else {}
    return {"registration": registration.pk, "deployment_id": claims[LTI + "deployment_id"],
            "return_url": settings_claim["deep_link_return_url"], "data": settings_claim.get("data"),
            "accept_multiple": bool(settings_claim.get("accept_multiple", True)),
            "context_id": str(context.get("id", ""))[:255]}


def deep_link_check(claims: dict) -> None:
    instructor, _ = launch_roles(claims)
    if not instructor:
        raise LaunchRefused("deep_link_role")


def _under(registration):
    under = Q()
    for path in AcademyPage.objects.filter(academy_id=registration.academy_id).values_list("path", flat=True):
        under |= Q(path__startswith=path)
    return under


def deep_link_choices(registration: Registration) -> list[dict]:
    """The academy's published courses, each with its modules, their lessons and the exercises those
    embed, in tree order: what the picker lists. Four queries."""
    under = _under(registration)
    if not under:
        return []
    courses = list(CoursePage.objects.live().filter(under).order_by("path"))
    modules = list(ModulePage.objects.live().filter(under).order_by("path"))
    lessons = list(LessonPage.objects.live().filter(under).order_by("path"))
    links = (LessonExercise.objects.filter(lesson__in=lessons, exercise__academy_id=registration.academy_id)
             .select_related("exercise").order_by("lesson__path", "id"))
    exercises = {}
    for link in links:
        exercises.setdefault(link.lesson_id, []).append(link.exercise)
    tree = []
    for course in courses:
        course_modules = []
        for module in (m for m in modules if m.path.startswith(course.path)):
            module_lessons = [{"lesson": lesson, "exercises": exercises.get(lesson.pk, [])}
                              for lesson in lessons if lesson.path.startswith(module.path)]
            course_modules.append({"module": module, "lessons": module_lessons})
        tree.append({"course": course, "modules": course_modules})
    return tree


def _gradable_in(kind: str, ident: int, registration) -> list[Exercise]:
    if kind == "exercise":
        return list(Exercise.objects.filter(pk=ident, academy_id=registration.academy_id))
    page = {"course": CoursePage, "module": ModulePage, "lesson": LessonPage}[kind].objects.get(pk=ident)
    return [link.exercise for link in LessonExercise.objects.filter(
        lesson__path__startswith=page.path, lesson__live=True, exercise__academy_id=registration.academy_id)
        .select_related("exercise").order_by("lesson__path", "id")]


def _module_of(kind: str, ident: int) -> ModulePage | None:
    if kind == "module":
        return ModulePage.objects.live().filter(pk=ident).first()
    if kind == "lesson":
        return ModulePage.objects.live().ancestor_of(LessonPage.objects.get(pk=ident)).first()
    if kind == "exercise":
        link = LessonExercise.objects.filter(exercise_id=ident, lesson__live=True).select_related("lesson").first()
        return ModulePage.objects.live().ancestor_of(link.lesson).first() if link else None
    return None


def deep_link_answer(*, session: dict, target: tuple[str, int], teacher, due_at, launch_url: str) -> dict:
    """The signed LtiDeepLinkingResponse for the pick (`target`), and the assignment of its module to the
    LMS course's class when a due date is given. Returns {"return_url", "jwt", "assignment"}.
    LaunchRefused("target") for content the academy does not offer."""
    registration = Registration.objects.get(pk=session["registration"], active=True)
    target_resolve(registration=registration, target=target)  # offered by this academy, or refused
    kind, ident = target
    title = _title(kind, ident)
    items = [_item(f"{kind}:{ident}", title, launch_url, line_item=kind == "exercise")]
    if kind != "exercise" and session["accept_multiple"]:
        items += [_item(f"exercise:{exercise.pk}", exercise.title, launch_url, line_item=True)
                  for exercise in _gradable_in(kind, ident, registration)]
    assignment = None
    context = LtiContext.objects.filter(registration=registration, context_id=session["context_id"]).select_related(
        "school_class").first()
    module = _module_of(kind, ident)
    if due_at is not None and module is not None and context is not None and context.school_class is not None:
        assignment, _ = course_services.assignment_create(actor=teacher, school_class=context.school_class,
                                                          module_id=module.pk, due_at=due_at)
    now = int(time.time())
    claims = {
        "iss": registration.client_id, "aud": [registration.issuer], "azp": registration.client_id,
        "iat": now, "exp": now + 300, "nonce": secrets.token_urlsafe(16),
        LTI + "message_type": "LtiDeepLinkingResponse", LTI + "version": "1.3.0",
        LTI + "deployment_id": session["deployment_id"],
        DL + "content_items": items,
    }
    if session.get("data") is not None:
        claims[DL + "data"] = session["data"]
    return {"return_url": session["return_url"], "jwt": tool_sign(claims), "assignment": assignment}


def _title(kind, ident) -> str:
    if kind == "exercise":
        return Exercise.objects.get(pk=ident).title
    return {"course": CoursePage, "module": ModulePage, "lesson": LessonPage}[kind].objects.get(pk=ident).title


def _item(target: str, title: str, launch_url: str, *, line_item: bool) -> dict:
    item = {"type": "ltiResourceLink", "title": title[:255], "url": launch_url, "custom": {"target": target}}
    if line_item:
        item["lineItem"] = {"scoreMaximum": 100, "label": title[:255], "resourceId": target}
    return item


def picker_url() -> str:
    return reverse("lti:deep-link")
