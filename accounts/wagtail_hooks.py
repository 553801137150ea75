"""Names the editor in the audit event when a user's superuser flag changes in the Wagtail user editor."""
from wagtail import hooks

from . import audit


@hooks.register("before_edit_user")
def _name_the_editor(request, user):
    # The edit form saves this same instance; its post_save writes the event with this actor.
    audit.changed_by(user, request.user, audit.client_ip(request))
