"""A teacher invites a list in Chromium: the file chosen in the class page's form, the preview read
row by row (scanned with axe-core), then the send; the hidden list of addresses survives the form."""
import re

import pytest

from courses.models import ClassInvitation, ClassMembership, SchoolClass

from .conftest import check_accessibility
from .test_journeys import expect, no_dialogs, sign_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CSV = "\ufeffName;Email\nKim Lee;Kim@Example.org\nAda Obi;ada@example.org\nKim again;kim@example.org\nNo one;n/a\n"


def test_teacher_previews_a_file_of_addresses_then_sends_the_invitations(live_server, demo, new_page):
    ex = expect()
    base = live_server.url
    page = new_page()
    no_dialogs(page)
    sign_up(page, base, "ms_adeyemi", "teacher")
    page.wait_for_url(f"{base}/teach/")
    page.fill("#id_name", "Debate society")
    page.click("text=Create the class")
    page.wait_for_url(re.compile(r".*/teach/classes/\d+/$"))
    klass = SchoolClass.objects.get(teacher__username="ms_adeyemi")

    page.click("#invite-file summary")
    page.set_input_files("#id_file", files=[{"name": "debate.csv", "mimeType": "text/csv",
                                             "buffer": CSV.encode()}])
    page.click("text=Check the list")

    ex(page.locator("main")).to_contain_text("2 addresses will be invited.")
    ex(page.locator("main")).to_contain_text("2 rows are skipped.")
    ex(page.locator("table.data tbody tr")).to_have_count(4)
    check_accessibility(page, "bulk invitation preview")
    assert not ClassInvitation.objects.exists()

    page.click("text=Send 2 invitations")
    page.wait_for_url(re.compile(r".*/teach/classes/\d+/#invitations$"))
    ex(page.locator(".messages")).to_contain_text("their owners have been invited (2 addresses)")
    assert sorted(klass.invitations.values_list("email", flat=True)) == ["ada@example.org", "kim@example.org"]
    assert not ClassMembership.objects.filter(school_class=klass).exists()
