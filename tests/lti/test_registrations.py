"""Registering an LMS (issue 17, item 1): by hand and by Dynamic Registration against a platform served
over HTTP; who may; the tool's JWKS with key rotation; Canvas's JSON configuration."""
import datetime

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Role
from lti.keys import tool_jwks, tool_key_rotate, tool_signing_key
from lti.models import Deployment, Registration, ToolKey
from tests.conftest import signed_in
from tests.factories import make_academy, make_staff, make_user

pytestmark = pytest.mark.django_db


def manual_form(platform, academy, **changes):
    return {"academy": academy.pk, "school": "Lycée Jean Monnet", "vouches_for_teachers": "on",
            "issuer": platform.issuer, "client_id": platform.client_id, "deployment_ids": "dep-1\ndep-2",
            "auth_login_url": platform.url("/auth"), "token_url": platform.url("/token"),
            "jwks_url": platform.url("/jwks"), **changes}


def test_academy_staff_register_an_lms_by_hand(platform, academy, staff):
    response = signed_in(staff).post("/lti/registrations/", manual_form(platform, academy))
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.academy, registration.school, registration.vouches_for_teachers) == (
        academy, "Lycée Jean Monnet", True)
    assert registration.created_by == staff and not registration.dynamic
    assert sorted(registration.deployments.values_list("deployment_id", flat=True)) == ["dep-1", "dep-2"]
    page = signed_in(staff).get("/lti/registrations/").content.decode()
    assert platform.issuer in page and "http://testserver/lti/login/" in page


def test_the_same_client_twice_is_a_conflict_and_changes_nothing(platform, academy, staff):
    signed_in(staff).post("/lti/registrations/", manual_form(platform, academy))
    response = signed_in(staff).post("/lti/registrations/", manual_form(platform, academy, deployment_ids="dep-9"))
    assert response.status_code == 409
    assert Registration.objects.count() == 1 and not Deployment.objects.filter(deployment_id="dep-9").exists()


@pytest.mark.parametrize("who", ["student", "teacher", "other_staff", "demoted_staff"])
def test_a_stranger_who_signed_up_or_other_staff_register_nothing(platform, academy, who):
    if who == "other_staff":
        user = make_staff(make_academy())
    elif who == "demoted_staff":
        user = make_staff(academy)
        user.role = Role.STUDENT
        user.save()
    else:
        user = make_user(Role.STUDENT if who == "student" else Role.TEACHER)
    client = signed_in(user)
    posted = client.post("/lti/registrations/", manual_form(platform, academy))
    config_url = platform.url("/.well-known/openid-configuration")
    dynamic = client.post("/lti/register/", {"academy": academy.pk, "school": "X", "openid_configuration": config_url})
    if who == "other_staff":
        assert posted.status_code == 400  # their page offers only their own academy
        assert dynamic.status_code == 400
    else:
        assert posted.status_code == 404 and dynamic.status_code == 404
        assert client.get("/lti/registrations/").status_code == 404
    assert Registration.objects.count() == 0 and platform.registrations_received == []


def test_anonymous_is_sent_to_sign_in(platform):
    response = Client().get("/lti/registrations/")
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_an_admin_registers_for_any_academy(platform, academy):
    admin = make_user(Role.ADMIN)
    assert signed_in(admin).post("/lti/registrations/", manual_form(platform, academy)).status_code == 302
    assert Registration.objects.get().academy == academy


def test_a_bad_address_is_refused_at_its_field(platform, academy, staff):
    response = signed_in(staff).post("/lti/registrations/", manual_form(platform, academy, jwks_url="not a url"))
    assert response.status_code == 400 and Registration.objects.count() == 0


def test_dynamic_registration_posts_our_configuration_and_keeps_the_client_id(platform, academy, staff):
    client = signed_in(staff)
    config_url = platform.url("/.well-known/openid-configuration")
    opened = client.get("/lti/register/", {"openid_configuration": config_url, "registration_token": "tok-123"})
    assert opened.status_code == 200 and "tok-123" in opened.content.decode()
    response = client.post("/lti/register/", {"academy": academy.pk, "school": "Colegio Bolívar",
                                              "openid_configuration": config_url, "registration_token": "tok-123"})
    assert response.status_code == 200 and "lti/close.js" in response.content.decode()
    [received] = platform.registrations_received
    assert received["authorization"] == "Bearer tok-123"
    body = received["body"]
    assert body["initiate_login_uri"] == "http://testserver/lti/login/"
    assert body["redirect_uris"] == ["http://testserver/lti/launch/"]
    assert body["jwks_uri"] == "http://testserver/lti/jwks.json"
    assert body["https://purl.imsglobal.org/spec/lti-tool-configuration"]["domain"] == "testserver"
    registration = Registration.objects.get()
    assert (registration.issuer, registration.client_id, registration.dynamic) == (
        platform.issuer, platform.client_id, True)
    assert registration.jwks_url == platform.url("/jwks") and registration.auth_login_url == platform.url("/auth")
    assert list(registration.deployments.values_list("deployment_id", flat=True)) == [platform.deployment_id]
    assert registration.school == "Colegio Bolívar" and not registration.vouches_for_teachers


def test_dynamic_registration_refuses_a_configuration_whose_issuer_is_not_its_address(platform, academy, staff):
    platform.issuer = "https://elsewhere.example"
    config_url = platform.url("/.well-known/openid-configuration")
    response = signed_in(staff).post("/lti/register/", {
        "academy": academy.pk, "school": "X", "openid_configuration": config_url})
    assert response.status_code == 400
    assert Registration.objects.count() == 0 and platform.registrations_received == []


def test_dynamic_registration_with_an_unreachable_platform_stores_nothing(academy, staff):
    response = signed_in(staff).post("/lti/register/", {
        "academy": academy.pk, "school": "X", "openid_configuration": "http://127.0.0.1:9/.well-known/openid"})
    assert response.status_code == 400 and Registration.objects.count() == 0


def test_the_jwks_publishes_the_signing_key_and_a_retired_one_for_the_grace_period(settings):
    first = tool_signing_key()
    body = Client().get("/lti/jwks.json").json()
    assert [k["kid"] for k in body["keys"]] == [first.kid]
    assert set(body["keys"][0]) >= {"kty", "n", "e", "kid", "alg", "use"} and "d" not in body["keys"][0]
    second = tool_key_rotate()
    assert tool_signing_key() == second
    assert {k["kid"] for k in Client().get("/lti/jwks.json").json()["keys"]} == {first.kid, second.kid}
    # Past the grace period the retired key is no longer published, and the next rotation deletes it.
    ToolKey.objects.filter(pk=first.pk).update(
        retired_at=timezone.now() - datetime.timedelta(seconds=settings.LTI_KEY_GRACE_SECONDS + 1))
    assert [k["kid"] for k in tool_jwks()["keys"]] == [second.kid]
    tool_key_rotate()
    assert not ToolKey.objects.filter(pk=first.pk).exists() and ToolKey.objects.filter(pk=second.pk).exists()


def test_canvas_json_configuration_names_the_tool_urls():
    body = Client().get("/lti/canvas.json").json()
    assert body["oidc_initiation_url"] == "http://testserver/lti/login/"
    assert body["target_link_uri"] == "http://testserver/lti/launch/"
    assert body["public_jwk_url"] == "http://testserver/lti/jwks.json"
    assert body["extensions"][0]["platform"] == "canvas.instructure.com"
