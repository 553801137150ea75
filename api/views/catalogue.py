from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from wagtail.images import get_image_model
from wagtail.models import Page

from cms.blocks import block_json, image_json
from cms.models import CoursePage
from cms.selectors import (
    academies_by_path,
    catalogue_courses,
    course_structure,
    course_translations,
    lesson_course,
    live_lesson,
    published_course,
    published_courses,
    search_published,
)
from courses import progress, selectors, services
from courses.models import Enrolment

from ..schema import error_responses
from ..serializers import catalogue as s
from .base import int_or_404, validated

LIST_PARAMS = [
    OpenApiParameter("lang", str, description="language code; falls back to the original language"),
    OpenApiParameter("language", str), OpenApiParameter("level", str),
    OpenApiParameter("competency", str), OpenApiParameter("q", str),
]


def _language(request) -> str:
    return request.query_params.get("lang") or getattr(request, "LANGUAGE_CODE", "en")


def _course_json(course, academies, translations) -> dict:
    academy = academies.get(course.path[: Page.steplen * 3], {"id": None, "slug": None, "name": None})
    return {
        "id": course.pk,
        "slug": course.slug,
        "title": course.title,
        "academy": academy,
        "summary": course.summary,
        "level": course.level,
        "language": course.locale.language_code,
        "estimated_hours": course.estimated_hours,
        "competencies": course.competencies,
        "cover": image_json(course.cover_image, course.cover_alt) if course.cover_image else None,
        "translations": sorted(translations.get(course.translation_key, [])),
    }


def _with_covers(queryset):
    images = get_image_model().objects.prefetch_related("renditions")
    return queryset.prefetch_related(Prefetch("cover_image", queryset=images))


def published_course_or_404(course_id) -> CoursePage:
    course = published_course(int_or_404(course_id))  # cached: read by every progress request
    if course is None:
        raise NotFound("No such course.")
    return course


class CourseListView(GenericAPIView):
    queryset = CoursePage.objects.none()  # for the schema generator; reads go through selectors
    permission_classes = [AllowAny]

    @extend_schema(parameters=LIST_PARAMS, responses={200: s.CourseOut(many=True), **error_responses(400)},
                   tags=["catalogue"])
    def get(self, request):
        validated(s.CourseListParams, request.query_params)
        params = request.query_params
        published = published_courses()  # built once: the page and its courses' translations both read it
        qs = catalogue_courses(ui_language=_language(request), language=params.get("language", ""),
                               level=params.get("level", ""), competency=params.get("competency", ""),
                               q=params.get("q", ""), published=published)
        page = self.paginate_queryset(_with_covers(qs))
        academies, translations = academies_by_path(), course_translations(page, published=published)
        return self.get_paginated_response([_course_json(c, academies, translations) for c in page])


class CourseDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: s.CourseDetailOut}, tags=["catalogue"])
    def get(self, request, course_id):
        course_id = int_or_404(course_id)  # before any query
        published = published_courses()  # built once: the course and its translations both read it
        course = get_object_or_404(_with_covers(published), pk=course_id)
        body = _course_json(course, academies_by_path(), course_translations([course], published=published))
        return Response({**body, "modules": course_structure(course)})


class EnrolView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: s.StatusOut, 201: s.StatusOut}, tags=["catalogue"])
    def post(self, request, course_id):
        course = published_course_or_404(course_id)
        _, created = services.enrol(learner=request.user, course=course)
        return Response({"status": "enrolled", "created": created},
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class CourseProgressView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: s.CourseProgressOut, **error_responses(403)}, tags=["progress"])
    def get(self, request, course_id):
        course = published_course_or_404(course_id)
        # Refuses a learner not enrolled (403 not_enrolled) within its own query.
        return Response(progress.course_progress(learner=request.user, course=course, check_enrolled=True))


class MyProgressView(GenericAPIView):
    queryset = Enrolment.objects.none()  # for the schema generator; reads go through selectors
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: s.MyProgressRowOut(many=True)}, tags=["progress"])
    def get(self, request):
        # The site's "My progress" read (one home), in the contract's row shape.
        rows = [{"course": row["course"].pk, "title": row["course"].title, "percent": row["percent"],
                 "enrolled_at": row["enrolled_at"]} for row in selectors.learner_overview(learner=request.user)]
        return self.get_paginated_response(self.paginate_queryset(rows))


class LessonDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: s.LessonOut}, tags=["catalogue"])
    def get(self, request, lesson_id):
        lesson = live_lesson(int_or_404(lesson_id))
        if lesson is None:
            raise NotFound("No such lesson.")
        course = lesson_course(lesson)
        blocks = selectors.lesson_blocks(lesson)
        place = selectors.lesson_navigation(lesson_id=lesson.pk, modules=course_structure(course))
        return Response({
            "id": lesson.pk,
            "title": lesson.title,
            "summary": lesson.summary,
            "course": course.pk,
            "module": place["module"]["id"] if place["module"] else None,
            "language": lesson.locale.language_code,
            "exercises": lesson.exercise_ids(),
            "blocks": [block_json(b) for b in blocks],
            "previous": place["previous"]["id"] if place["previous"] else None,
            "next": place["next"]["id"] if place["next"] else None,
        })


class LessonMarkReadView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: s.StatusOut, 201: s.StatusOut, **error_responses(403)},
                   tags=["progress"])
    def post(self, request, lesson_id):
        _, created = services.lesson_mark_read(learner=request.user, lesson_id=int_or_404(lesson_id))
        return Response({"status": "read", "created": created},
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class SearchView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(parameters=[OpenApiParameter("q", str, required=True)], tags=["catalogue"],
                   responses={200: s.SearchOut, **error_responses(400)})
    def get(self, request):
        validated(s.SearchParams, request.query_params)
        q = (request.query_params.get("q") or "").strip()[:200]
        if not q:
            return Response({"count": 0, "results": []})
        results = search_published(q)
        return Response({"count": len(results), "results": results})
