"""The same list of addresses sent several times at once, against PostgreSQL: one invitation and one
mail per address. bulk_invitations locks the class row before it decides the rows, so the later
sends see the first one's invitations pending (without the lock each would re-send them)."""
import pytest
from django.core import mail

from accounts.models import AuditEvent, Role
from courses import bulk_invitations, services
from courses.models import ClassInvitation

from ..factories import make_user
from .test_concurrency import ON_POSTGRES, postgres, race  # noqa: F401  (the `postgres` fixture)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL: SQLite serialises writers, so nothing races"),
]

SENDS = 8
ADDRESSES = [f"learner{i}@example.org" for i in range(20)]


def test_concurrent_sends_of_one_list_invite_and_mail_each_address_once(postgres):  # noqa: F811
    teacher = make_user(Role.TEACHER)
    klass = services.class_create(teacher=teacher, name="9B")
    data = "email\n" + "\n".join(ADDRESSES)
    mail.outbox = []

    plans = race(lambda i: bulk_invitations.invitation_bulk_send(actor=teacher, school_class=klass, data=data),
                 count=SENDS)

    assert sorted(ClassInvitation.objects.values_list("email", flat=True)) == sorted(ADDRESSES)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(ADDRESSES)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.INVITATION_SENT).count() == len(ADDRESSES)
    assert sorted(plan.counts["invite"] for plan in plans) == [0] * (SENDS - 1) + [len(ADDRESSES)]
