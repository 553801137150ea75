"""A teacher's basics in Chromium (issue 20, findings 11 and 12): sign-in lands on My classes; the join
code and link copy to the clipboard; a new code asks first; on a phone the heatmap's names stay in place
while its modules scroll."""
import pytest
from django.utils import timezone

from cms.models import ModulePage
from courses import services as course_services
from courses.models import SchoolClass

PHONE = {"width": 390, "height": 844}  # the walk-through's phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sign_in_as_teacher(page, base, password):
    page.goto(f"{base}/sign-in/")
    page.fill("#id_username", "demo-teacher")
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/teach/")


def test_a_teacher_lands_on_my_classes_copies_the_join_link_and_confirms_a_new_code(live_server, demo, new_page):
    page = new_page()
    base = live_server.url
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    sign_in_as_teacher(page, base, demo["logins"]["demo-teacher"])
    klass = SchoolClass.objects.get(name="Demo class 9B")
    page.goto(f"{base}/teach/classes/{klass.pk}/")

    page.get_by_role("button", name="Copy the link").click()
    page.locator(".copy-status", has_text="Copied.").wait_for(state="attached")
    link = page.evaluate("() => navigator.clipboard.readText()")
    assert link.endswith(f"/classes/join/?code={klass.join_code}")
    page.get_by_role("button", name="Copy the code").click()
    assert page.evaluate("() => navigator.clipboard.readText()") == klass.join_code

    page.get_by_role("link", name="Make a new code").click()
    page.get_by_text("stops working at once").wait_for()
    klass.refresh_from_db()
    assert page.get_by_text(klass.join_code).first.is_visible()  # nothing changed by asking
    page.get_by_role("button", name="Make a new code").click()
    page.locator(".messages").get_by_text("New join code").wait_for()
    old = klass.join_code
    klass.refresh_from_db()
    assert klass.join_code != old


def test_on_a_phone_the_heatmaps_names_stay_while_its_modules_scroll(live_server, demo, new_page):
    klass = SchoolClass.objects.get(name="Demo class 9B")
    assigned = set(klass.assignments.values_list("module_id", flat=True))
    for module in ModulePage.objects.live().exclude(pk__in=assigned).order_by("path")[:5]:
        course_services.assignment_create(actor=klass.teacher, school_class=klass, module_id=module.pk,
                                          due_at=timezone.now() + timezone.timedelta(days=9))
    page = new_page(viewport=PHONE)
    base = live_server.url
    sign_in_as_teacher(page, base, demo["logins"]["demo-teacher"])
    page.goto(f"{base}/teach/classes/{klass.pk}/progress/")

    def offsets():
        return page.evaluate("""() => {
            const wrap = document.querySelector('.table-wrap'), name = wrap.querySelector('tbody th');
            return {name: name.getBoundingClientRect().left - wrap.getBoundingClientRect().left,
                    scrollable: wrap.scrollWidth - wrap.clientWidth};
        }""")

    before = offsets()
    assert before["scrollable"] > 100, before  # six modules do not fit 390 px
    page.evaluate("() => { document.querySelector('.table-wrap').scrollLeft = 400; }")
    after = offsets()
    # Without position: sticky the name would be 400 px off to the left; it stays at the panel's edge.
    assert 0 <= after["name"] <= before["name"], (before, after)
