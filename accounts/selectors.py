from .models import Academy, Role, User


def academy_ids_of(user: User) -> list[int]:
    """The academies whose content this user may manage (none for learners)."""
    if not user.is_authenticated:
        return []
    if user.is_platform_admin:
        return list(Academy.objects.values_list("id", flat=True))
    if user.role != Role.ACADEMY_STAFF or not user.is_active:
        return []  # a membership left behind by a role change grants nothing
    return list(user.academy_memberships.values_list("academy_id", flat=True))
