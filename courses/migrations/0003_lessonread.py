# The row says the learner marked a lesson read; "completion" (read and every exercise passed) is
# computed in courses/progress.py. Renaming the model renames its table and keeps every row.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('courses', '0002_invitations_verifications'),
    ]

    operations = [
        migrations.RenameModel(old_name='LessonCompletion', new_name='LessonRead'),
    ]
