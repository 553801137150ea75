"""Every change to a class names its actor (a keyword-only `actor`) and is refused, like a missing id,
to an actor who may not manage the class (courses.services._managed): another teacher here."""
import inspect

import pytest

from accounts.models import Role
from courses import services
from courses.errors import NotFound
from courses.models import Assignment, Extension, SchoolClass

from ..factories import later, make_user

# (service, its arguments besides actor, from the school fixture)
CHANGES = {
    "class_rename": lambda s: {"school_class": s["klass"], "name": "Taken over"},
    "class_rotate_code": lambda s: {"school_class": s["klass"]},
    "class_archive": lambda s: {"school_class": s["klass"]},
    "roster_remove": lambda s: {"school_class": s["klass"], "student_id": s["learner"].pk},
    "invitation_send": lambda s: {"school_class": s["klass"], "email": "someone@example.org"},
    "assignment_create": lambda s: {"school_class": s["klass"], "module_id": s["modules"][1].pk, "due_at": later(7)},
    "assignment_update": lambda s: {"assignment": s["klass"].assignments.get(), "due_at": later(9)},
    "assignment_delete": lambda s: {"assignment": s["klass"].assignments.get()},
    "extension_set": lambda s: {"assignment": s["klass"].assignments.get(), "student_id": s["learner"].pk,
                                "due_at": later(30)},
}


def _class_state(klass):
    row = SchoolClass.objects.get(pk=klass.pk)
    return (row.name, row.join_code, row.archived_at, list(row.memberships.values_list("student_id", flat=True)),
            list(Assignment.objects.filter(school_class=klass).values_list("module_id", "due_at")),
            Extension.objects.filter(assignment__school_class=klass).count(), row.invitations.count())


def test_every_service_that_changes_a_class_takes_its_actor_by_keyword():
    for name in CHANGES:
        actor = inspect.signature(getattr(services, name)).parameters["actor"]
        assert actor.kind is inspect.Parameter.KEYWORD_ONLY and actor.default is inspect.Parameter.empty, name


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_another_teacher_s_change_is_refused_like_a_missing_class_and_changes_nothing(school, name):
    before = _class_state(school["klass"])
    with pytest.raises(NotFound):
        getattr(services, name)(actor=make_user(Role.TEACHER), **CHANGES[name](school))
    assert _class_state(school["klass"]) == before
