"""The class page's list of addresses: upload, a preview that writes nothing, then the send; the
same service and limits as POST /api/v1/classes/{id}/invitations/bulk/."""
import uuid

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from courses import services
from courses.models import ClassInvitation, ClassMembership
from frontend.templatetags.bidi import FSI, PDI

from ..conftest import signed_in
from ..factories import make_user


@pytest.fixture(autouse=True)
def own_throttle_counts(settings):
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"bulk-site-{uuid.uuid4().hex}"}}


def page_text(response) -> str:
    return response.content.decode().replace(FSI, "").replace(PDI, "")


def upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("class.csv", content, content_type="text/csv")


def test_the_class_page_offers_the_list_form_with_its_limits(teacher, klass):
    page = signed_in(teacher).get(f"/teach/classes/{klass.pk}/").content.decode()
    assert f'action="/teach/classes/{klass.pk}/invitations/bulk/"' in page
    assert 'enctype="multipart/form-data"' in page and "At most 500 addresses and 256 KiB" in page


def test_a_file_is_previewed_row_by_row_and_nothing_is_written(teacher, klass):
    services.invitation_send(actor=teacher, school_class=klass, email="waiting@example.org")
    before = set(ClassInvitation.objects.values_list("pk", "email", "mailed_at"))

    response = signed_in(teacher).post(f"/teach/classes/{klass.pk}/invitations/bulk/", {
        "file": upload(b"Email\nNew@Example.org\nwaiting@example.org\nnew@example.org\nnope\n")})

    assert response.status_code == 200
    page = page_text(response)
    for text in ("1 address will be invited.", "The first row was read as a header:", "Will be invited",
                 "Invited already, waiting for an answer", "Repeats an earlier row", "Not an email address"):
        assert text in page, text
    assert 'name="addresses" value="new@example.org"' in page
    assert set(ClassInvitation.objects.values_list("pk", "email", "mailed_at")) == before


def test_pasted_addresses_are_previewed_too(teacher, klass):
    response = signed_in(teacher).post(f"/teach/classes/{klass.pk}/invitations/bulk/",
                                       {"text": "ana@example.org\r\nbo@example.org\r\n"})
    assert response.status_code == 200
    assert "2 addresses will be invited." in page_text(response)


def test_addresses_pasted_on_one_line_are_refused_with_how_to_fix_it(teacher, klass):
    response = signed_in(teacher).post(f"/teach/classes/{klass.pk}/invitations/bulk/",
                                       {"text": "ana@example.org; bo@example.org"})
    assert response.status_code == 400
    assert "put one address per row" in response.content.decode()


def test_a_refused_file_shows_the_class_page_with_the_reason(teacher, klass):
    response = signed_in(teacher).post(f"/teach/classes/{klass.pk}/invitations/bulk/",
                                       {"file": upload("zoé@example.org".encode("cp1252"))})
    assert response.status_code == 400
    page = response.content.decode()
    assert "CSV UTF-8" in page and '<details id="invite-file" open>' in page


def test_confirming_sends_invitations_and_adds_nobody(teacher, klass, django_capture_on_commit_callbacks):
    learner = make_user(Role.STUDENT)
    client = signed_in(teacher)
    preview = client.post(f"/teach/classes/{klass.pk}/invitations/bulk/",
                          {"text": f"{learner.email}\nbo@example.org\n"})
    addresses = preview.context["addresses"]

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"/teach/classes/{klass.pk}/invitations/bulk/send/", {"addresses": addresses}, follow=True)

    assert "their owners have been invited (2 addresses)" in sent.content.decode()
    assert sorted(ClassInvitation.objects.values_list("email", flat=True)) == ["bo@example.org", learner.email]
    assert not ClassMembership.objects.exists()
    assert sorted(m.to[0] for m in mail.outbox) == ["bo@example.org", learner.email]


def test_confirming_twice_sends_nothing_more(teacher, klass, django_capture_on_commit_callbacks):
    client = signed_in(teacher)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/teach/classes/{klass.pk}/invitations/bulk/send/", {"addresses": "ana@example.org"})
        again = client.post(f"/teach/classes/{klass.pk}/invitations/bulk/send/", {"addresses": "ana@example.org"},
                            follow=True)
    assert "Nobody new to invite" in again.content.decode()
    assert (ClassInvitation.objects.count(), len(mail.outbox)) == (1, 1)


def test_a_list_over_the_budget_is_refused_whole(teacher, klass, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "invitations": "2/hour"}}
    response = signed_in(teacher).post(f"/teach/classes/{klass.pk}/invitations/bulk/send/",
                                       {"addresses": "a@example.org\nb@example.org\nc@example.org"})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "You have sent many invitations" in response.content.decode()
    assert not ClassInvitation.objects.exists()


def test_another_teacher_finds_no_such_class(klass):
    intruder = signed_in(make_user(Role.TEACHER))
    assert intruder.post(f"/teach/classes/{klass.pk}/invitations/bulk/", {"text": "a@example.org"}).status_code == 404
    assert intruder.post(f"/teach/classes/{klass.pk}/invitations/bulk/send/",
                         {"addresses": "a@example.org"}).status_code == 404
    assert not ClassInvitation.objects.exists()


def test_the_list_form_and_its_preview_speak_french_to_a_french_teacher(teacher, klass):
    client = signed_in(teacher)
    client.post("/i18n/setlang/", {"language": "fr", "next": "/teach/"})
    response = client.post(f"/teach/classes/{klass.pk}/invitations/bulk/",
                           {"text": "email\nana@example.org\nana@example.org\nnope\n"})
    page = page_text(response)
    for french in ("1 adresse sera invitée.", "2 lignes sont ignorées.", "La première ligne a été lue comme un en-tête",
                   "Sera invitée", "Répète une ligne précédente", "Pas une adresse e-mail", "Envoyer 1 invitation"):
        assert french in page, french
    client_page = client.get(f"/teach/classes/{klass.pk}/").content.decode()
    assert "Inviter une liste d’élèves" in client_page and "Au plus 500 adresses et 256 Kio" in client_page
