"""Notices: mails a person may refuse, each sent at most once per person, kind and period.

- `preferences_read(user=)`, `preferences_update(user=, changes=)`: what a person receives and in which
  language (`/account/` and `GET/PATCH /api/v1/me/notification-preferences/`).
- `unsubscribe_token(user_id=, kind=)`, `unsubscribe(token=)`: the signed one-click link of RFC 8058,
  valid without signing in; it names one person and one kind, and a tampered one changes nothing.
  A mail to an address without an account (an invitation) carries `address_unsubscribe_token`: it names
  the address's digest and a kind, and stopping records an AddressOptOut that later mails respect.
- `notice_mail(...)`: send one notice now (preference, language, unsubscribe link and headers).
- `notice_deliver(...)`: claim (user, kind, period_key) in SentNotice, send, release on failure. The
  unique constraint is the idempotency: a second claim of the same key fails, whoever makes it.

Sending is at most once: a worker that dies between the claim and the send leaves the claim
(`sent_at` empty) and that notice is not sent; nothing is ever sent twice.
"""
import logging

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.errors import ServiceError
from accounts.mail import mail_send, site_url
from accounts.mail_failures import mail_failure_permanent
from accounts.models import User

from .models import AddressOptOut, Kind, NotificationPreference, SentNotice

log = logging.getLogger(__name__)

KINDS = [kind.value for kind in Kind]
LANGUAGES = [code for code, _ in settings.LANGUAGES]
_SALT = "notices.unsubscribe"


class PreferenceError(ServiceError):
    """A preference that cannot be set (400, code `invalid`, at the field)."""

    def __init__(self, attr: str, detail: str):
        super().__init__([{"code": "invalid", "detail": detail, "attr": attr}])


# --- preferences -----------------------------------------------------------------------------


def preferences_json(row: NotificationPreference | None) -> dict:
    row = row or NotificationPreference()
    return {"language": row.language, **{kind: getattr(row, kind) for kind in KINDS}}


def preferences_read(*, user) -> dict:
    """{language, <kind>: bool...}; defaults for a person who never changed them. One query."""
    return preferences_json(NotificationPreference.objects.filter(user_id=user.pk).first())


def preferences_of(*, user_ids) -> dict[int, dict]:
    """The preferences of many people in one query (defaults for those without a row)."""
    user_ids = list(user_ids)
    rows = {row.user_id: row for row in NotificationPreference.objects.filter(user_id__in=user_ids)}
    return {user_id: preferences_json(rows.get(user_id)) for user_id in user_ids}


def preferences_update(*, user, changes: dict) -> dict:
    """Change some of a person's preferences (`language` and each kind's on/off); the others stay.
    Raises PreferenceError naming the first bad field; nothing is saved then. The row is created on
    first change (get_or_create under the one-to-one constraint, so two first changes make one row)."""
    fields = {}
    for key, value in changes.items():
        if key == "language":
            if value not in ("", *LANGUAGES):
                raise PreferenceError("language", "Choose one of the site's languages, or none.")
        elif key in KINDS:
            if not isinstance(value, bool):
                raise PreferenceError(key, "Must be true or false.")
        else:
            raise PreferenceError(key, "No such preference.")
        fields[key] = value
    if fields:
        with transaction.atomic():
            row, _ = NotificationPreference.objects.select_for_update().get_or_create(user_id=user.pk)
            for key, value in fields.items():
                setattr(row, key, value)
            row.save()
    return preferences_read(user=user)


def language_remember(*, user, language=None, **_) -> None:
    """At sign-up (accounts.signals.user_registered): a person who signed up in another language than
    the default gets their mails in it. Only a language the site offers; nothing stored otherwise."""
    code = (language or "").split("-")[0].lower()
    if code in LANGUAGES and code != settings.LANGUAGE_CODE:
        preferences_update(user=user, changes={"language": code})


def language_of(preferences: dict) -> str:
    return preferences.get("language") or settings.LANGUAGE_CODE


# --- unsubscribe -----------------------------------------------------------------------------


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    """A signed, URL-safe token naming one person and one kind. It does not expire: a link in an old
    mail must still work."""
    return signing.dumps({"u": user_id, "k": kind}, salt=_SALT, compress=False)


def address_digest(address: str) -> str:
    """A keyed digest of an address, case-folded as invitations keep addresses: what an opt-out stores
    instead of the address. Keyed by SECRET_KEY, so a leaked table does not tell which addresses opted out
    (rotating the key forgets the opt-outs: say so to the operator, docs/operations.md)."""
    return salted_hmac("notices.address-opt-out", address.strip().casefold(), algorithm="sha256").hexdigest()


def address_unsubscribe_token(*, address: str, kind: str) -> str:
    return signing.dumps({"a": address_digest(address), "k": kind}, salt=_SALT, compress=False)


def address_opted_out(*, address: str, kind: str) -> bool:
    return AddressOptOut.objects.filter(address_digest=address_digest(address), kind=kind).exists()


def unsubscribe_read(*, token: str) -> tuple[User | None, str] | None:
    """The person (None for an address without an account) and kind a token names, or None for a
    tampered, foreign or unknown one."""
    try:
        data = signing.loads(token, salt=_SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("k") not in KINDS:
        return None
    if isinstance(data.get("a"), str) and len(data["a"]) == 64:
        return None, data["k"]
    if not isinstance(data.get("u"), int):
        return None
    user = User.objects.filter(pk=data["u"]).first()
    return (user, data["k"]) if user is not None else None


def unsubscribe(*, token: str) -> tuple[User | None, str] | None:
    """Switch off the kind the token names for the person (or the address) it names. Idempotent; None
    (and nothing changed) for a bad token."""
    found = unsubscribe_read(token=token)
    if found is None:
        return None
    user, kind = found
    if user is None:
        AddressOptOut.objects.get_or_create(address_digest=signing.loads(token, salt=_SALT)["a"], kind=kind)
    else:
        preferences_update(user=user, changes={kind: False})
    return user, kind


def unsubscribe_url(*, user_id: int, kind: str) -> str:
    return site_url(f"/unsubscribe/{unsubscribe_token(user_id=user_id, kind=kind)}/")


def address_unsubscribe_url(*, address: str, kind: str) -> str:
    return site_url(f"/unsubscribe/{address_unsubscribe_token(address=address, kind=kind)}/")


def unsubscribe_headers(*, url: str) -> dict[str, str]:
    """RFC 2369 and RFC 8058: a mail client offers "unsubscribe" and POSTs to the link itself."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


# --- sending ---------------------------------------------------------------------------------


def notice_mail(*, user, kind: str, subject: str, template: str, context: dict, preferences: dict | None = None,
                to: str | None = None) -> int:
    """Send one notice now: nothing if the person switched `kind` off; else in their language, with
    the unsubscribe link in the context (`unsubscribe_url`, `preferences_url`) and the List-Unsubscribe
    headers. `user` None mails the address `to` alone (an invitation to someone without an account):
    the default language, and an unsubscribe link for the address itself, which nothing is sent to once
    it has used it (AddressOptOut). Returns how many mails went out."""
    if kind not in KINDS:
        raise ValueError(f"unknown notice kind {kind!r}")
    if user is None:
        if address_opted_out(address=to, kind=kind):
            return 0
        url = address_unsubscribe_url(address=to, kind=kind)
        return mail_send(to=to, subject=subject, template=template,
                         context={**context, "unsubscribe_url": url, "no_account": True,
                                  "preferences_url": site_url("/account/")},
                         headers=unsubscribe_headers(url=url))
    preferences = preferences or preferences_read(user=user)
    if not preferences[kind] or not (to or user.email) or not user.is_active:
        return 0
    url = unsubscribe_url(user_id=user.pk, kind=kind)
    return mail_send(to=to or user.email, subject=subject, template=template, language=language_of(preferences),
                     context={**context, "unsubscribe_url": url, "preferences_url": site_url("/account/")},
                     headers=unsubscribe_headers(url=url))


def notice_claim(*, user_id: int, kind: str, period_key: str, now=None) -> SentNotice | None:
    """Insert the (user, kind, period) row; None when it exists (sent, or being sent by another)."""
    try:
        with transaction.atomic():
            return SentNotice.objects.create(user_id=user_id, kind=kind, period_key=period_key,
                                             claimed_at=now or timezone.now())
    except IntegrityError:
        return None


def notice_deliver(*, user_id: int, kind: str, period_key: str, subject: str, template: str, context: dict) -> bool:
    """Send the notice unless it was sent for this period: claim, send, mark sent; a failed send deletes
    the claim and raises, so its retry (or the next beat) may send it, unless the relay refused it for
    good (5xx): then the claim stays, marked `failed_at`, and False is returned. Each step commits on its own, so
    call it outside a transaction (a Celery task). Returns whether a mail went out."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return False
    preferences = preferences_read(user=user)
    if not preferences[kind]:
        return False  # no claim: switched back on before the period ends, it is still sent
    claim = notice_claim(user_id=user_id, kind=kind, period_key=period_key)
    if claim is None:
        return False
    try:
        sent = notice_mail(user=user, kind=kind, subject=subject, template=template, context=context,
                           preferences=preferences)
    except Exception as exc:
        if mail_failure_permanent(exc):
            # Released, every beat run would mail a refused address again until the period ends.
            SentNotice.objects.filter(pk=claim.pk).update(failed_at=timezone.now())
            log.warning("the relay refused notice %s %s for user %s: %s", kind, period_key, user_id, exc)
            return False
        SentNotice.objects.filter(pk=claim.pk, sent_at__isnull=True).delete()
        raise
    SentNotice.objects.filter(pk=claim.pk).update(sent_at=timezone.now())
    return bool(sent)


def sent_keys(*, kind: str, period_keys, user_ids=None) -> set[tuple[int, str]]:
    """(user_id, period_key) already claimed for these keys: one query, so a batch skips them."""
    period_keys = list(period_keys)
    if not period_keys:
        return set()
    rows = SentNotice.objects.filter(kind=kind, period_key__in=period_keys)
    if user_ids is not None:
        rows = rows.filter(user_id__in=list(user_ids))
    return set(rows.values_list("user_id", "period_key"))
