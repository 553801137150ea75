"""A launch from an LMS's course page in Chromium: the played LMS (on another site than Parley's) frames
Parley and starts its login initiation inside the frame. This Chromium keeps Parley's cookies out of the
cross-site frame (third-party cookies blocked), so the frame offers the fallback, "Open Parley in a new
window"; there the login, the LMS's authorization and the launch run first-party, and the learner lands
signed in on Parley's catalogue (issue 17: the fallback when third-party cookies are blocked)."""
import pytest

from lti.models import LtiAccount

from ..factories import make_academy, make_staff
from ..lti.conftest import platform, register  # noqa: F401 - the played LMS, served on 127.0.0.1

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_blocked_frame_cookies_fall_back_to_a_new_window_that_signs_the_learner_in(
        browser, live_server, platform):  # noqa: F811
    academy = make_academy()
    register(platform, academy, make_staff(academy))
    platform.tool = live_server.url.replace("127.0.0.1", "localhost")  # another site than the LMS's
    context = browser.new_context()
    page = context.new_page()
    page.goto(platform.url("/course"))
    frame = None
    for _ in range(100):
        frame = page.frame(name="parley")
        if frame is not None and frame.url.startswith(platform.tool + "/lti/login/") and frame.is_visible(
                "#lti-login-blocked"):
            break
        page.wait_for_timeout(200)
    link = frame.get_by_role("link", name="Open Parley in a new window")
    assert link.is_visible()
    assert LtiAccount.objects.count() == 0  # nothing signed in inside the frame
    with page.expect_popup() as opened:
        link.click()
    window = opened.value
    window.wait_for_url(platform.tool + "/courses/", timeout=20000)
    assert LtiAccount.objects.get(subject="u-7")
    window.goto(platform.tool + "/me/progress/")
    assert window.url == platform.tool + "/me/progress/"  # signed in: not sent to the sign-in page
    context.close()
