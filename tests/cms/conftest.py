"""Fixtures for the CMS tests: media in a temporary folder, admin clients, two academies."""
import io

import pytest
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale

from accounts.models import AcademyMembership

from ..factories import make_academy, make_staff

LANGUAGES = ("en", "fr", "es", "ar")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def locales(db):
    return {code: Locale.objects.get_or_create(language_code=code)[0] for code in LANGUAGES}



@pytest.fixture
def academy_a(db):
    return make_academy("Academy Alpha")


@pytest.fixture
def academy_b(db):
    return make_academy("Academy Beta")


@pytest.fixture
def editor_a(academy_a):
    return make_staff(academy_a, AcademyMembership.StaffRole.EDITOR)


@pytest.fixture
def reviewer_a(academy_a):
    return make_staff(academy_a, AcademyMembership.StaffRole.REVIEWER)


@pytest.fixture
def editor_b(academy_b):
    return make_staff(academy_b, AcademyMembership.StaffRole.EDITOR)


def png_bytes(size=(40, 30), colour=(200, 80, 40), mode="RGB") -> bytes:
    buffer = io.BytesIO()
    PILImage.new(mode, size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def make_image(academy, title="picture", size=(40, 30)):
    """An image in the academy's collection."""
    from django.core.files.images import ImageFile

    image = get_image_model()(title=title, collection=Collection.objects.get(name=academy.name))
    image.file = ImageFile(io.BytesIO(png_bytes(size)), name=f"{title}.png")
    image.save()
    return image
