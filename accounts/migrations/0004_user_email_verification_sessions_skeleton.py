"""Email verification, a session epoch, username skeletons and one account per email address.

Accounts that exist keep their sessions (epoch 0 hashes as before) and count as
unverified. Their skeletons are filled in; where two existing names already
look alike, the older keeps it and the later stays NULL (the unique index
ignores NULL), so the migration never fails on old data and no new look-alike
of either can be made. Two accounts sharing an address in any case stop it,
with a sentence saying what to fix: which account keeps an address is a
person's decision.
"""
import django.db.models.functions.text
from django.db import migrations, models
from django.db.models.functions import Lower


def fill_skeletons(apps, schema_editor):
    from accounts.identity import username_skeleton

    User = apps.get_model("accounts", "User")
    taken = set()
    for pk, username in User.objects.order_by("pk").values_list("pk", "username").iterator():
        skeleton = username_skeleton(username)
        if skeleton not in taken:
            taken.add(skeleton)
            User.objects.filter(pk=pk).update(username_skeleton=skeleton)


def refuse_shared_addresses(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    shared = (User.objects.exclude(email="").annotate(address=Lower("email")).values("address")
              .annotate(n=models.Count("id")).filter(n__gt=1).count())
    if shared:
        raise RuntimeError(
            f"{shared} email addresses belong to more than one account (ignoring case). Give each account its "
            "own address (or none) in the Django admin, then migrate again.")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_more_audit_actions'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='email_verified_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='user',
            name='session_epoch',
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name='user',
            name='username_skeleton',
            field=models.CharField(blank=True, editable=False, max_length=600, null=True, unique=True),
        ),
        migrations.RunPython(fill_skeletons, migrations.RunPython.noop),
        migrations.RunPython(refuse_shared_addresses, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='user',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('email'), condition=models.Q(('email', ''), _negated=True), name='user_email_unique_any_case', violation_error_message='An account with that email exists.'),
        ),
    ]
