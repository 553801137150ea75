"""What a learner wrote under a lesson's reflection blocks, read back for them alone.

Writes go through `services.reflection_save`; nobody but the learner reads these (no teacher's page,
no API for others), and the account export and deletion carry them (courses/privacy.py).
"""
from .models import ReflectionAnswer


def learner_reflections(*, learner, lesson_id: int, block_ids) -> dict[str, ReflectionAnswer]:
    """The learner's answers to these reflection blocks of the lesson, by block id. One query when
    signed in and the lesson has reflection blocks, none otherwise."""
    block_ids = list(block_ids)
    if not learner.is_authenticated or not block_ids:
        return {}
    rows = ReflectionAnswer.objects.filter(learner=learner, lesson_id=lesson_id, block_id__in=block_ids)
    return {row.block_id: row for row in rows}
