from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from frontend import auth

from .metrics import metrics_view

urlpatterns = [
    path("api/v1/", include("api.urls")),
    # Prometheus, for METRICS_TOKEN's bearer only (config/metrics.py); no slash, where scrapers look.
    path("metrics", metrics_view, name="metrics"),
    # The admins' sign-in doors, before their own URLs: throttled like the site's sign-in, staff only
    # (frontend/auth.py). Neither admin has a password reset of its own; everyone uses the site's.
    path("cms/login/", auth.CmsLoginView.as_view(), name="cms-login"),
    path("django-admin/login/", auth.django_admin_login, name="django-admin-login"),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("django-admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # Parley as an LTI 1.3 tool (lti/, docs/lti.md): JWKS, configurations, login, launch, registrations.
    path("lti/", include("lti.urls")),
    path("", include("frontend.urls")),
    path("pages/", include(wagtail_urls)),
]

if settings.SERVE_MEDIA:
    # Django's static() helper serves nothing while DEBUG is off; `make run` serves uploads itself.
    from django.urls import re_path
    from django.views.static import serve

    def serve_media(request, path):
        # MEDIA_ROOT read per request, not when the URLs load: tests move it to a folder of their own.
        return serve(request, path, document_root=settings.MEDIA_ROOT)

    urlpatterns.insert(0, re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$", serve_media))

# The site's pages in its layout, JSON in the error shape under /api/ (frontend/errors.py).
handler400 = "frontend.errors.bad_request"
handler403 = "frontend.errors.permission_denied"
handler404 = "frontend.errors.not_found"
handler500 = "frontend.errors.server_error"
