from django.core.management.base import BaseCommand

from lti.keys import tool_key_rotate


class Command(BaseCommand):
    help = "Make a new LTI signing key; the old one stays published for LTI_KEY_GRACE_SECONDS."

    def handle(self, *args, **options):
        key = tool_key_rotate()
        self.stdout.write(f"New LTI signing key {key.kid}.")
