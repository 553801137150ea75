"""Attempts stored before steps were checked for unknown keys may hold keys a client made up. They are
not the learner's answer, the export leaves them out and deletion would keep them: drop them."""
from django.db import migrations

STEP_KEYS = {"node", "choice", "reply"}


def strip_unknown_keys(apps, schema_editor):
    Attempt = apps.get_model("assessments", "Attempt")
    changed = []
    for attempt in Attempt.objects.filter(exercise__kind="scenario").only("id", "answers").iterator(chunk_size=500):
        steps = (attempt.answers or {}).get("steps")
        if not isinstance(steps, list):
            continue
        kept = [{k: v for k, v in step.items() if k in STEP_KEYS} if isinstance(step, dict) else step
                for step in steps]
        if kept != steps:
            attempt.answers = {**attempt.answers, "steps": kept}
            changed.append(attempt)
        if len(changed) >= 500:
            Attempt.objects.bulk_update(changed, ["answers"])
            changed = []
    Attempt.objects.bulk_update(changed, ["answers"])


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_override_reversal_refused_paths")]

    operations = [migrations.RunPython(strip_unknown_keys, migrations.RunPython.noop)]
