"""Issue 18, part 5: each badge gets a certificate, a PNG and a PDF rendered by the worker, naming the learner,
the course, the academy, the date and the course's competencies, with a QR code to the badge's public
verification page; the learner alone downloads it (the other actors: tests/authz/test_site_urls.py), and
"My badges" states the same facts as text."""
import io
import re
import zlib

import pytest
from django.test import Client
from PIL import Image

from courses import services as course_services
from credentials import certificates, services
from credentials.models import Certificate, Credential
from credentials.tasks import render_certificate

from ..factories import course_lessons, make_academy, make_course, make_staff, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def academy():
    return make_academy("Academy of Listening")


@pytest.fixture
def course(academy):
    course = make_course(academy, modules=1, lessons=1, title="Hearing interests")
    course.competencies = ["active_listening", "empathy"]
    course.save()
    return course


@pytest.fixture
def learner(course):
    learner = make_user(username="amal-haddad")
    course_services.enrol(learner=learner, course=course)
    return learner


@pytest.fixture
def credential(learner, course, django_capture_on_commit_callbacks):
    # issued as the award issues it: the certificate's rendering is queued on commit (eager in the tests)
    with django_capture_on_commit_callbacks(execute=True):
        return services.credential_issue(learner=learner, course=course)[0]


def _site(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _pdf_text(pdf: bytes) -> str:
    """The PDF's content streams, inflated: fpdf2 writes its text there as literal strings (Helvetica)."""
    parts = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            parts.append(stream.decode("latin-1"))
    return "\n".join(parts)


def _qr_modules(image: Image.Image, url: str) -> tuple[list[list[bool]], list[list[bool]]]:
    """The QR code's modules read back from the certificate (the centre pixel of each), and the modules
    segno makes for `url`: equal only if the drawn code encodes `url`."""
    expected = certificates.qr_code(url)
    size = len(expected.matrix)
    x0, y0 = certificates.QR_ORIGIN
    step, border = certificates.QR_SCALE, certificates.QR_BORDER
    grey = image.convert("L")
    read = [[grey.getpixel((x0 + (border + col) * step + step // 2, y0 + (border + row) * step + step // 2)) < 128
             for col in range(size)] for row in range(size)]
    return read, [[bool(module) for module in row] for row in expected.matrix]


# --- rendering ----------------------------------------------------------------------------------------


def test_issuing_a_badge_renders_its_certificate_once_it_commits(credential):
    certificate = Certificate.objects.get(credential=credential)
    assert bytes(certificate.png).startswith(b"\x89PNG") and bytes(certificate.pdf).startswith(b"%PDF-")


def test_the_png_opens_with_pillow_at_a4_landscape(credential):
    image = Image.open(io.BytesIO(bytes(credential.certificate.png)))
    assert image.format == "PNG" and image.size == certificates.PNG_SIZE == (1754, 1240)


def test_the_qr_code_in_the_png_encodes_the_verification_page(credential):
    url = services.share_url(credential)
    assert url.endswith(f"/credentials/{credential.public_id}/")
    image = Image.open(io.BytesIO(bytes(credential.certificate.png)))
    read, expected = _qr_modules(image, url)
    assert read == expected
    # another badge's address would draw other modules: the comparison reads the payload
    _, other = _qr_modules(image, url.replace(str(credential.public_id), "00000000-0000-0000-0000-000000000000"))
    assert read != other


def test_the_pdf_has_the_facts_as_text(credential):
    pdf = bytes(credential.certificate.pdf)
    text = _pdf_text(pdf)
    facts = certificates.certificate_facts(credential=credential)
    for fact in ("amal-haddad", "Hearing interests", "Academy of Listening", facts["date"], "Active listening",
                 "Empathy", services.share_url(credential)):
        assert fact in text, fact
    assert services.share_url(credential).encode() in pdf  # the QR code and address are links to it


def test_the_pdf_can_be_written_uncompressed_with_the_learners_name_in_its_bytes(credential):
    facts = certificates.certificate_facts(credential=credential)
    assert b"(amal-haddad)" in certificates.certificate_pdf(facts, compress=False)


def test_rendering_twice_keeps_one_certificate(credential):
    first = Certificate.objects.get(credential=credential)
    assert render_certificate(credential.pk) is True
    assert render_certificate(credential.pk) is True
    assert Certificate.objects.filter(credential=credential).count() == 1
    assert Certificate.objects.get(credential=credential).rendered_at == first.rendered_at


def test_the_task_for_a_missing_badge_does_nothing(db):
    assert render_certificate(987654) is False


def test_a_broker_that_is_down_leaves_the_badge_issued_and_the_page_says_being_prepared(
        learner, course, monkeypatch, django_capture_on_commit_callbacks):
    def broker_down(*args, **kwargs):
        raise OSError("Connection refused")

    monkeypatch.setattr(render_certificate, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        credential, _ = services.credential_issue(learner=learner, course=course)
    assert len(queued) == 1 and Credential.objects.filter(pk=credential.pk).exists()
    assert not Certificate.objects.exists()

    page = _site(learner).get("/me/badges/").content.decode()
    assert "being prepared" in page and "certificate.png" not in page and "certificate.pdf" not in page
    assert _site(learner).get(f"/me/badges/{credential.public_id}/certificate.pdf").status_code == 404


def test_a_non_ascii_name_is_folded_in_the_png_and_kept_in_the_pdf_where_latin1_has_it():
    assert certificates._png_text("Amélie Núñez") == "Amelie Nunez"
    assert certificates._pdf_text("Amélie Núñez", unicode_font=False) == "Amélie Núñez"
    assert certificates._pdf_text("أمل", unicode_font=False) == "???"


# --- the page and the downloads ---------------------------------------------------------------------


def test_the_learner_downloads_the_png_and_the_pdf(learner, credential):
    client = _site(learner)
    png = client.get(f"/me/badges/{credential.public_id}/certificate.png")
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert png.content == bytes(credential.certificate.png) and "private" in png["Cache-Control"]
    pdf = client.get(f"/me/badges/{credential.public_id}/certificate.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == f'attachment; filename="certificate-{credential.public_id}.pdf"'


def test_another_learner_finds_no_certificate(credential, course):
    other = make_user(username="someone-else")
    course_services.enrol(learner=other, course=course)
    for kind in ("png", "pdf"):
        assert _site(other).get(f"/me/badges/{credential.public_id}/certificate.{kind}").status_code == 404


def test_the_page_states_the_certificates_facts_as_text_with_alt_text_on_its_image(learner, credential):
    page = _site(learner).get("/me/badges/").content.decode()
    facts = certificates.certificate_facts(credential=credential)
    for fact in ("amal-haddad", "Hearing interests", "Academy of Listening", "Active listening", "Empathy",
                 facts["verify_url"]):
        assert fact in page, fact
    assert f'href="/me/badges/{credential.public_id}/certificate.png"' in page
    assert f'href="/me/badges/{credential.public_id}/certificate.pdf"' in page
    image = re.search(r"<img class=\"certificate-preview\"[^>]*>", page).group(0)
    assert 'alt="Certificate of completion: amal-haddad, Hearing interests, Academy of Listening.' in image


def test_a_revoked_badges_certificate_is_deleted_and_not_offered(learner, credential, academy):
    services.credential_revoke(actor=make_staff(academy), credential=credential, reason="mistake")
    assert not Certificate.objects.exists()
    assert render_certificate(credential.pk) is False  # a late or repeated task makes none again
    assert not Certificate.objects.exists()
    for kind in ("png", "pdf"):
        assert _site(learner).get(f"/me/badges/{credential.public_id}/certificate.{kind}").status_code == 404
    page = _site(learner).get("/me/badges/").content.decode()
    assert "no longer offered" in page and "certificate.png" not in page


# --- deletion ----------------------------------------------------------------------------------------


def test_deleting_the_account_deletes_its_certificates(learner, credential, course):
    from accounts import privacy

    other = make_user(username="keeps-theirs")
    course_services.enrol(learner=other, course=course)
    course_services.lesson_mark_read(learner=other, lesson_id=course_lessons(course)[0].pk)
    kept, _ = services.credential_issue(learner=other, course=course)
    certificates.certificate_render(credential=kept)

    privacy.account_delete(user=learner, password="pw-Secret-123")

    assert list(Certificate.objects.values_list("credential_id", flat=True)) == [kept.pk]
    assert Credential.objects.filter(pk=credential.pk, revoked_at__isnull=False).exists()  # the row stays, revoked
