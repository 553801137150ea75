"""Writes on accounts: registration, tokens, academies, roles, and every way a sign-in ends.

Sign-ins are bearer tokens (ApiToken, and Wagtail's own APIToken rows) and
sessions. A session stays valid while its stored hash matches
`User.get_session_auth_hash()`, which folds in the password and
`session_epoch`; raising the epoch ends every session of the account at once,
without touching the session store. `_end_sign_ins` does both, and every
loss of power goes through it: a role change, a removal from an academy,
admin access taken away, deactivation, a new password, "sign out everywhere".
"""
import secrets

from django.apps import apps
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from . import audit, identity
from .errors import AccountError
from .mail import mail_queue, site_url
from .models import Academy, AcademyMembership, ApiToken, Role, User, email_taken, username_problem
from .signals import role_left, staff_groups_stale, user_registered

SELF_SERVICE_ROLES = (Role.STUDENT, Role.TEACHER)
# Roles whose holders may be in CMS groups at all; anyone else is in none.
GROUP_ROLES = (Role.ACADEMY_STAFF, Role.ADMIN)
STAFF_RANK = {AcademyMembership.StaffRole.EDITOR: 1, AcademyMembership.StaffRole.REVIEWER: 2}


# --- registration ----------------------------------------------------------------------------


def user_register(*, username: str, email: str, password: str, role: str = Role.STUDENT,
                  language: str | None = None) -> User:
    """Create a student or teacher account and mail it a link to verify the address.
    Staff and admins are made by admins."""
    if role not in SELF_SERVICE_ROLES:
        raise AccountError("role", "invalid_choice", gettext("Role must be student or teacher."))
    username, email = identity.normal_username(username), identity.normal_email(email)
    candidate = User(username=username, email=email, role=role)
    try:
        validate_password(password, candidate)
    except ValidationError as exc:
        raise AccountError("password", "weak_password", " ".join(exc.messages)) from None
    if problem := username_problem(username):
        raise AccountError("username", *problem)
    if email_taken(email):
        raise AccountError("email", "unique", gettext("An account with that email exists."))
    candidate.set_password(password)
    try:
        with transaction.atomic():
            candidate.save()
    except IntegrityError:
        # A race with another sign-up: say which of the two unique things it lost.
        if email_taken(email):
            raise AccountError("email", "unique", gettext("An account with that email exists.")) from None
        raise AccountError("username", *(username_problem(username) or ("unique", "That username is taken."))) \
            from None
    user_registered.send(sender=User, user=candidate, language=language)
    email_verification_send(user=candidate, language=language)
    return candidate


# --- email verification ----------------------------------------------------------------------

VERIFY_SALT = "accounts.email-verification"


def email_verification_token(*, user: User, previous: str = "", language: str | None = None) -> str:
    """A signed, dated token naming the account and the address it proves; a changed address voids it.
    After a change it also names the `previous` address (and the language the change was asked in), which
    is told when the new one is confirmed; the person following it typed that change, so it tells them
    nothing they did not know."""
    data = {"u": user.pk, "e": user.email.lower()}
    if previous:
        data.update(p=previous, l=language or "")
    return signing.TimestampSigner(salt=VERIFY_SALT).sign_object(data)


def email_verification_send(*, user: User, language: str | None = None, previous: str = "") -> None:
    if not user.email or user.email_verified_at is not None or not user.is_active:
        return
    token = email_verification_token(user=user, previous=previous, language=language)
    url = site_url(reverse("frontend:verify-email", kwargs={"token": token}))
    mail_queue(to=user.email, subject=gettext_noop("Confirm your email address for Parley"),
               template="accounts/mail/verify_email", context={"username": user.username, "url": url},
               language=language)


def email_verification_resend(*, email: str, language: str | None = None) -> None:
    """Mail a new link if an active account with that address still needs one; nothing otherwise.
    The caller answers the same either way, so the answer tells nobody whether the address has an account."""
    user = User.objects.filter(email__iexact=identity.normal_email(email), is_active=True,
                               email_verified_at__isnull=True).first()
    if user is not None:
        email_verification_send(user=user, language=language)


def email_verify(*, token: str, ip: str | None = None) -> User:
    """Mark the address the token names as verified (audited once; verifying again changes nothing)."""
    try:
        data = signing.TimestampSigner(salt=VERIFY_SALT).unsign_object(
            token, max_age=settings.EMAIL_VERIFICATION_MAX_AGE)
    except signing.SignatureExpired:
        raise AccountError("token", "expired", gettext("That link has expired; ask for a new one.")) from None
    except (signing.BadSignature, ValueError, TypeError):
        raise AccountError("token", "invalid", gettext("That link is not valid.")) from None
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=data.get("u"), is_active=True).first()
        if user is None or user.email.lower() != data.get("e") or not user.email:
            raise AccountError("token", "invalid", gettext("That link is not valid."))
        if user.email_verified_at is None:
            user.email_verified_at = timezone.now()
            user.save(update_fields=["email_verified_at"])
            audit.record(action=audit.Action.EMAIL_VERIFIED, target=user, actor=user, ip=ip)
            previous = data.get("p")
            if isinstance(previous, str) and previous and previous.lower() != user.email.lower():
                _old_address_notify(user=user, old=previous, template="accounts/mail/email_changed",
                                    subject=gettext_noop("Your Parley account has a new email address"),
                                    language=data.get("l") or None)
    return user


def _masked(email: str) -> str:
    """`a…@example.org`: enough for the owner to recognise an address, not to learn one."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}…@{domain}"


def _old_address_notify(*, user: User, old: str, template: str, subject: str, language: str | None) -> None:
    """Tell the address an account is leaving about the change, so its owner hears of a change they did
    not make. An account mail like the verification link (accounts.mail): not a notice one may refuse."""
    mail_queue(to=old, subject=subject, template=template, language=language,
               context={"username": user.username, "new_email": _masked(user.email),
                        "account_url": site_url(reverse("frontend:account"))})


# --- tokens and sessions ---------------------------------------------------------------------


def token_issue(*, user: User) -> str:
    raw = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user, digest=ApiToken.digest_of(raw), expires_at=timezone.now() + settings.API_TOKEN_TTL
    )
    return raw


def token_revoke(*, raw: str) -> None:
    ApiToken.objects.filter(digest=ApiToken.digest_of(raw), revoked_at__isnull=True).update(revoked_at=timezone.now())


def _revoke_tokens(user: User) -> int:
    now = timezone.now()
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    # Wagtail's own API tokens (its v3 API, when installed) speak for the user too.
    wagtail_tokens = apps.get_model("wagtailcore", "APIToken")
    return revoked + wagtail_tokens.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)


def _end_sign_ins(user: User) -> int:
    """Revoke every token and end every session of `user`; returns how many tokens were revoked.
    The in-memory row gets the new epoch, so `update_session_auth_hash` can keep one session."""
    tokens = _revoke_tokens(user)
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.session_epoch = User.objects.values_list("session_epoch", flat=True).get(pk=user.pk)
    return tokens


def user_sign_out_everywhere(*, user: User, ip: str | None = None) -> None:
    """Every token and every session of the account ends, the caller's own included."""
    with transaction.atomic():
        tokens = _end_sign_ins(user)
        audit.record(action=audit.Action.SIGNED_OUT_EVERYWHERE, target=user, actor=user, ip=ip,
                     data={"tokens_revoked": tokens})


def user_change_password(*, user: User, old_password: str, new_password: str, ip: str | None = None) -> User:
    """The person changes their own password (the old one proves it is them). The save ends every
    other sign-in (User.save); a caller keeping its session calls update_session_auth_hash."""
    if not old_password or not user.check_password(old_password):
        raise AccountError("old_password", "wrong_password", gettext("The current password is not right."))
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise AccountError("new_password", "weak_password", " ".join(exc.messages)) from None
    audit.changed_by(user, user, ip)
    user.set_password(new_password)
    user.save()
    return user


def user_change_email(*, user: User, password: str, email: str, language: str | None = None) -> User:
    """The person changes their own address (the password proves it is them). The new address is
    unconfirmed until its link is followed (User.save clears email_verified_at when the address
    changes), and a link is mailed to it; a link sent to the old address stops working. The old
    address is told twice: now (a change was asked) and when the new one is confirmed (the change is
    complete). The same address in another case changes nothing."""
    if not password or not user.check_password(password):
        raise AccountError("password", "wrong_password", gettext("The current password is not right."))
    email = identity.normal_email(email or "")
    try:
        EmailValidator()(email)
    except ValidationError:
        raise AccountError("email", "invalid", gettext("Enter a valid email address.")) from None
    if email.lower() == (user.email or "").lower():
        return user
    if email_taken(email, exclude_pk=user.pk):
        raise AccountError("email", "unique", gettext("An account with that email exists."))
    old, user.email = user.email, email
    try:
        with transaction.atomic():
            user.save(update_fields=["email", "email_verified_at"])
    except IntegrityError:  # a racing sign-up or change took the address first
        user.email = old
        raise AccountError("email", "unique", gettext("An account with that email exists.")) from None
    email_verification_send(user=user, language=language, previous=old)
    if old:
        _old_address_notify(user=user, old=old, template="accounts/mail/email_change_requested",
                            subject=gettext_noop("A change of your Parley email address was asked for"),
                            language=language)
    return user


def sign_ins_ended_by_save(*, user: User, password_changed: bool, deactivated: bool) -> None:
    """Called by User.save after it set a new password or deactivated the account (and raised the
    epoch, which ended the sessions): revoke the tokens too, and audit it."""
    tokens = _revoke_tokens(user)
    actor, ip = getattr(user, "_audit_actor", None), getattr(user, "_audit_ip", None)
    if actor is None:
        actor, ip = audit.current_actor()
    if password_changed:
        audit.record(action=audit.Action.PASSWORD_CHANGED, target=user, actor=actor, ip=ip,
                     data={"tokens_revoked": tokens})
    if deactivated:
        audit.record(action=audit.Action.ACCESS_REVOKED, target=user, actor=actor, ip=ip,
                     data={"reason": "deactivated", "tokens_revoked": tokens})


def user_deactivated(*, user: User, actor, ip: str | None = None) -> None:
    """For doors that deactivate with a queryset update, which User.save never sees (Wagtail's bulk
    action): the sign-ins end as they do when a save deactivates."""
    with transaction.atomic():
        tokens = _end_sign_ins(user)
        audit.record(action=audit.Action.ACCESS_REVOKED, target=user, actor=actor, ip=ip,
                     data={"reason": "deactivated", "tokens_revoked": tokens})


# --- academies and roles ---------------------------------------------------------------------


def academy_get_or_create(*, name: str, slug: str) -> Academy:
    academy, _ = Academy.objects.get_or_create(slug=slug, defaults={"name": name})
    return academy


def academy_add_staff(*, academy: Academy, user: User, staff_role: str = AcademyMembership.StaffRole.EDITOR,
                      actor=None, ip: str | None = None) -> AcademyMembership:
    """Make `user` staff of `academy` in `staff_role` (their role becomes academy staff). Idempotent.
    A reviewer made an editor loses publishing, so their sign-ins end as at any loss of power."""
    if staff_role not in STAFF_RANK:
        raise AccountError("staff_role", "invalid_choice", gettext("Unknown academy role."))
    with transaction.atomic():
        if user.role != Role.ACADEMY_STAFF:
            user_set_role(user=user, role=Role.ACADEMY_STAFF, actor=actor, ip=ip)
        membership, created = AcademyMembership.objects.get_or_create(
            user=user, academy=academy, defaults={"staff_role": staff_role})
        if not created and membership.staff_role != staff_role:
            before = membership.staff_role
            membership.staff_role = staff_role
            membership.save(update_fields=["staff_role"])  # cms keeps the groups in step (its receivers)
            if STAFF_RANK[staff_role] < STAFF_RANK[before]:
                tokens = _end_sign_ins(user)
                audit.record(action=audit.Action.ACCESS_REVOKED, target=user, actor=actor, ip=ip, academy=academy,
                             data={"reason": "academy_role", "from": before, "to": staff_role,
                                   "tokens_revoked": tokens})
    return membership


def academy_remove_staff(*, academy: Academy, user: User, actor, ip: str | None = None) -> bool:
    """Take `user` off `academy`'s staff: the membership and the CMS groups it gave go, and every
    sign-in ends. Their role stays (they may be staff elsewhere). Returns whether they were staff there."""
    with transaction.atomic():
        memberships = list(AcademyMembership.objects.filter(user=user, academy=academy))
        if not memberships:
            return False
        for membership in memberships:
            membership.delete()  # one by one, so cms's receivers drop the academy's groups
        staff_groups_stale.send(sender=User, user=user)
        tokens = _end_sign_ins(user)
        audit.record(action=audit.Action.ACCESS_REVOKED, target=user, actor=actor, ip=ip, academy=academy,
                     data={"reason": "removed_from_academy", "staff_role": memberships[0].staff_role,
                           "tokens_revoked": tokens})
    return True


def user_set_role(*, user: User, role: str, actor, ip: str | None = None) -> User:
    """Change a user's role and take away everything the old role gave.

    Leaving academy staff removes every academy membership and with them the CMS
    groups; any role but staff and admin keeps no group at all. Any role but admin
    loses Django admin access (is_staff, is_superuser). Leaving the teacher role
    revokes the teacher's verification (courses, through `role_left`). Every token and session ends, so nothing
    signed in under the old role carries on. The save writes `role.changed`
    (accounts/signals.py); what was taken away is one `access.revoked` event.
    """
    if role not in Role.values:
        raise AccountError("role", "invalid_choice", gettext("Unknown role."))
    if user.anonymised_at is not None:
        raise AccountError("role", "deleted_account", gettext("That account was deleted."))
    if user.role == role:
        return user
    with transaction.atomic():
        before = user.role
        taken = {"from": before, "to": role}
        user.role = role
        fields = ["role"]
        if role != Role.ADMIN and (user.is_staff or user.is_superuser):
            taken["admin_access"] = True
            user.is_staff = user.is_superuser = False
            fields += ["is_staff", "is_superuser"]
        audit.changed_by(user, actor, ip)
        user.save(update_fields=fields)
        if role != Role.ACADEMY_STAFF:
            memberships = list(AcademyMembership.objects.filter(user=user))
            for membership in memberships:
                membership.delete()  # one by one, so cms's receivers drop the academy's groups
            if memberships:
                taken["memberships"] = len(memberships)
        if role not in GROUP_ROLES and (groups := user.groups.count()):
            user.groups.clear()
            taken["groups"] = groups
        else:
            staff_groups_stale.send(sender=User, user=user)
        for _receiver, counts in role_left.send(sender=User, user=user, role=before):
            taken.update(counts or {})
        taken["tokens_revoked"] = _end_sign_ins(user)
        audit.record(action=audit.Action.ACCESS_REVOKED, target=user, actor=actor, ip=ip, data=taken)
    return user


def access_snapshot(user: User) -> dict:
    """What an admin door may change on a user, read before the door saves (see `user_access_review`)."""
    return {"role": user.role, "is_staff": user.is_staff, "is_superuser": user.is_superuser,
            "is_active": user.is_active, "groups": set(user.groups.values_list("id", flat=True)) if user.pk else set()}


def user_access_review(*, user: User, before: dict, actor, ip: str | None = None, role: str | None = None) -> dict:
    """After an admin form saved `user` (the Django admin, Wagtail's user editor): apply a role change
    through `user_set_role`, keep the CMS groups that academy memberships give in step with them
    (a group ticked by hand gives nothing an academy membership does not), and end every sign-in when
    admin access was taken away. Returns what it did, for the page to say."""
    done = {}
    user.refresh_from_db(fields=["role", "is_staff", "is_superuser", "is_active", "session_epoch"])
    with transaction.atomic():
        if role is not None and role != user.role:
            user_set_role(user=user, role=role, actor=actor, ip=ip)
            done["role"] = role
        ticked = set(user.groups.values_list("id", flat=True))
        if user.role not in GROUP_ROLES:
            user.groups.clear()
        else:
            staff_groups_stale.send(sender=User, user=user)
        if set(user.groups.values_list("id", flat=True)) != ticked:
            done["groups_reset"] = True
        lost_admin = (before["is_staff"] and not user.is_staff) or (before["is_superuser"] and not user.is_superuser)
        if lost_admin and "role" not in done:
            tokens = _end_sign_ins(user)
            audit.record(action=audit.Action.ACCESS_REVOKED, target=user, actor=actor, ip=ip,
                         data={"reason": "admin_access", "admin_access": True, "tokens_revoked": tokens})
            done["signed_out"] = True
    return done


def user_touch_activity(*, user: User) -> None:
    User.objects.filter(pk=user.pk).update(last_activity_at=timezone.now())
