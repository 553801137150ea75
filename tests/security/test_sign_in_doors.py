"""Every way in has the same locks. The CMS and Django admin sign-in pages count tries per address and
per account in the site's buckets (429 with Retry-After), and refuse accounts without access to them
exactly like a wrong password, pointing to the site's sign-in. Password reset is the site's alone:
limited per address and per email, and its answer never says whether the address has an account."""
import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from accounts.models import AcademyMembership, Role, User

from ..factories import make_staff, make_user

pytestmark = pytest.mark.django_db
PASSWORD = "pw-Secret-123"
HOME = "203.0.113.10"
DOORS = ["/cms/login/", "/django-admin/login/"]


def address(n: int) -> str:
    return f"203.0.113.{n}"


def sign_in(door, username, password, remote=HOME, client=None):
    return (client or Client()).post(door, {"username": username, "password": password}, REMOTE_ADDR=remote)


def assert_refused_try(response):
    assert response.status_code == 429, response.status_code
    assert 0 < int(response["Retry-After"]) <= 60
    assert "Too many tries" in response.content.decode()


@pytest.fixture
def admin_staff(db):
    """Someone each door lets in: academy staff for the CMS, a Django admin for the Django admin."""
    root = User.objects.create_superuser("root", "root@example.org", PASSWORD, role=Role.ADMIN)
    return {"/cms/login/": root, "/django-admin/login/": root}


def error_text(response) -> str:
    form = response.context["form"]
    return " ".join(str(e) for e in form.non_field_errors())


@pytest.mark.parametrize("door", DOORS)
def test_a_learner_with_the_right_password_is_answered_like_a_wrong_password(door, student):
    right = sign_in(door, student.username, PASSWORD)
    wrong = sign_in(door, student.username, "not-the-password")
    assert right.status_code == wrong.status_code == 200
    assert error_text(right) == error_text(wrong)
    assert "/sign-in/" in error_text(right)


@pytest.mark.parametrize("door", DOORS)
def test_a_learner_is_not_signed_in_by_an_admin_door(door, student):
    client = Client()
    sign_in(door, student.username, PASSWORD, client=client)
    assert "_auth_user_id" not in client.session


def test_academy_staff_sign_in_to_the_cms(academy):
    editor = make_staff(academy, AcademyMembership.StaffRole.EDITOR)
    client = Client()
    assert sign_in("/cms/login/", editor.username, PASSWORD, client=client).status_code == 302
    assert client.get("/cms/").status_code == 200


def test_an_admin_signs_in_to_the_django_admin(admin_staff):
    client = Client()
    assert sign_in("/django-admin/login/", "root", PASSWORD, client=client).status_code == 302
    assert client.get("/django-admin/").status_code == 200


@pytest.mark.parametrize("door", DOORS)
def test_an_admin_door_is_limited_per_address(door, low_rates, admin_staff):
    for n in range(3):
        assert sign_in(door, f"guess{n}", "wrong").status_code == 200
    assert_refused_try(sign_in(door, "root", PASSWORD))
    assert sign_in(door, "root", PASSWORD, address(11)).status_code == 302


@pytest.mark.parametrize("door", DOORS)
def test_an_admin_door_is_limited_per_account_whatever_the_address(door, low_rates, admin_staff):
    for n in range(3):
        assert sign_in(door, "root", "wrong", address(20 + n)).status_code == 200
    assert_refused_try(sign_in(door, "ROOT", PASSWORD, address(30)))


@pytest.mark.parametrize("door", DOORS)
def test_the_admin_doors_share_the_sites_account_limit(door, low_rates, student):
    for n in range(3):
        Client().post("/sign-in/", {"username": student.username, "password": "wrong"}, REMOTE_ADDR=address(40 + n))
    assert_refused_try(sign_in(door, student.username, PASSWORD, address(50)))


@pytest.mark.parametrize("path", ["/cms/", "/django-admin/"])
def test_a_signed_in_learner_opening_an_admin_is_sent_to_the_site(path, student):
    client = Client()
    client.force_login(student)
    response = client.get(path, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert response.status_code == 200


def test_the_cms_has_no_password_reset_of_its_own(db):
    assert Client().get("/cms/password_reset/").status_code == 404
    assert "password_reset" not in Client().get("/cms/login/").content.decode()


def test_the_django_admin_has_no_password_reset_of_its_own(db):
    with pytest.raises(NoReverseMatch):
        reverse("admin_password_reset")
    assert "Forgotten your password" not in Client().get("/django-admin/login/").content.decode()


# --- the site's password reset --------------------------------------------------------------------


def ask_reset(email, remote=HOME):
    return Client().post("/account/password-reset/", {"email": email}, REMOTE_ADDR=remote)


def test_a_reset_answers_the_same_for_a_known_and_an_unknown_address(student, mailoutbox,
                                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        known = ask_reset(student.email)
        unknown = ask_reset("nobody@example.org")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"]) == (
        302, "/account/password-reset/done/")
    [mail] = mailoutbox
    assert mail.to == [student.email]
    assert "/account/password-reset/" in mail.body
    assert mail.alternatives and "text/html" in mail.alternatives[0][1]


def test_a_reset_link_points_at_the_configured_site_not_the_requests_host(student, mailoutbox, settings,
                                                                          django_capture_on_commit_callbacks):
    settings.WAGTAILADMIN_BASE_URL = "https://parley.example.org"
    settings.ALLOWED_HOSTS = ["*"]
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/account/password-reset/", {"email": student.email}, HTTP_HOST="evil.example.net")
    assert "https://parley.example.org/account/password-reset/" in mailoutbox[0].body
    assert "evil.example.net" not in mailoutbox[0].body


def test_a_reset_is_limited_per_address(low_rates, student, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            assert ask_reset(f"someone{n}@example.org").status_code == 302
        assert_refused_try(ask_reset(student.email))
    assert mailoutbox == []
    assert ask_reset(student.email, address(11)).status_code == 302


def test_a_reset_is_limited_per_email_whatever_the_address(low_rates, student):
    for n in range(3):
        assert ask_reset(student.email, address(20 + n)).status_code == 302
    assert_refused_try(ask_reset(student.email.upper(), address(30)))
    # An unknown address counts the same: the limit tells nothing either.
    for n in range(3):
        ask_reset("nobody@example.org", address(60 + n))
    assert_refused_try(ask_reset("nobody@example.org", address(70)))


def test_the_sign_in_page_links_to_the_reset(db):
    assert 'href="/account/password-reset/"' in Client().get("/sign-in/").content.decode()


def test_a_reset_mail_goes_only_to_active_accounts(db, mailoutbox, django_capture_on_commit_callbacks):
    gone = make_user(Role.STUDENT)
    User.objects.filter(pk=gone.pk).update(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert ask_reset(gone.email).status_code == 302
    assert mailoutbox == []
