"""Rate limits: sign-in (the site, the API, the CMS and the Django admin), token and registration per
address and per account; password resets and verification links per address and per email;
join codes per learner and address, attempt creation per learner. 429s carry
Retry-After (DRF sets it from `wait()`; the site's forms use `refusal_wait`).

The address is REMOTE_ADDR unless REST_FRAMEWORK["NUM_PROXIES"] says how many
proxies in front of the site append to X-Forwarded-For: trusting that header
from anyone would let a client name a new address on every try."""
import hashlib
import math

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class RateFromSettings(SimpleRateThrottle):
    """DRF copies the rates into a class attribute at import; read them per request instead, so a
    changed setting (an environment, a test's `settings` fixture) applies without a restart."""

    def get_rate(self):
        self.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
        return super().get_rate()


def _submitted(request, field: str) -> str:
    """A field of the body, from a DRF request (JSON) or a plain Django one (a site form)."""
    data = getattr(request, "data", None)
    if data is None:
        data = request.POST if request.method == "POST" else {}
    if not hasattr(data, "get"):
        return ""
    return str(data.get(field) or "").strip().lower()


class AuthAddressThrottle(RateFromSettings):
    scope = "auth"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class AuthAccountThrottle(RateFromSettings):
    """The username tried, whoever tries it: many addresses guessing one password share this limit."""
    scope = "auth"

    def get_cache_key(self, request, view):
        username = _submitted(request, "username")
        if not username:
            return None
        # Hashed: a username may hold characters that cache backends refuse in keys.
        ident = hashlib.sha256(username.encode()).hexdigest()
        return self.cache_format % {"scope": "auth-account", "ident": ident}


class AuthEmailThrottle(RateFromSettings):
    """The address a password reset or a new verification link is asked for, whoever asks: one inbox
    cannot be flooded from many addresses. Counted whether or not an account has that address, so the
    limit tells nothing either."""
    scope = "auth"

    def get_cache_key(self, request, view):
        email = _submitted(request, "email")
        if not email:
            return None
        return self.cache_format % {"scope": "auth-email", "ident": hashlib.sha256(email.encode()).hexdigest()}


class PasswordCheckThrottle(RateFromSettings):
    """A signed-in person confirming their password (deleting the account): limited per account like
    sign-in, so a stolen session cannot guess the password."""
    scope = "auth"

    def get_cache_key(self, request, view):
        if request.method not in ("POST", "DELETE") or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": "auth-account", "ident": f"user-{request.user.pk}"}


class LtiLoginAddressThrottle(AuthAddressThrottle):
    """LTI login initiations per address (lti.views.login): each writes a login row before anyone is known,
    and rows live LTI_LOGIN_STATE_SECONDS, so the rate bounds the rows one address can keep alive."""

    scope = "lti_login"


class JoinAddressThrottle(AuthAddressThrottle):
    scope = "join"


class JoinAccountThrottle(RateFromSettings):
    scope = "join"

    def get_cache_key(self, request, view):
        if not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": "join-account", "ident": request.user.pk}


class AttemptThrottle(RateFromSettings):
    scope = "attempts"

    def get_cache_key(self, request, view):
        if request.method != "POST" or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class InvitationThrottle(RateFromSettings):
    """Invitation requests a teacher makes (one, or one file), at the rate of join tries."""

    scope = "join"

    def get_cache_key(self, request, view):
        if not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": "invite-account", "ident": request.user.pk}


class InvitationBudgetThrottle(RateFromSettings):
    """The addresses a teacher invites, one by one or by the file (THROTTLE_INVITATIONS, per hour by
    default): each mails a stranger, so a file of 300 rows to invite costs 300, not one request.
    `cost` is counted whole or not at all; the cost of a file is its rows to invite as the dry run
    shows them, not the mails that went out (addresses already in the class get none, and charging
    only the mails would let the remaining budget tell which addresses those were)."""

    scope = "invitations"

    def __init__(self, cost: int = 1):
        self.cost = cost
        super().__init__()

    def get_rate(self):
        # A rate table set without this scope (a test's, an old environment's) leaves it unlimited.
        self.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
        return self.THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        if not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}

    def allow_request(self, request, view):
        if self.rate is None or self.cost <= 0:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        if len(self.history) + self.cost > self.num_requests:
            return False
        self.history[:0] = [self.now] * self.cost  # newest first, as SimpleRateThrottle keeps them
        self.cache.set(self.key, self.history, self.duration)
        return True

    def remaining(self) -> int:
        return max(0, self.num_requests - len(self.history)) if self.rate is not None else self.cost

    def wait(self):
        """Seconds until enough of the budget is free for `cost` (the whole window if it never will be)."""
        excess = len(self.history) + self.cost - self.num_requests
        if self.cost > self.num_requests or excess <= 0:
            return self.duration
        return max(0.0, self.duration - (self.now - self.history[-excess]))


def refusal_wait(request, throttles) -> int | None:
    """For views outside DRF: None when every throttle allows the request, else the whole seconds to wait
    (at least 1) for the Retry-After header. Every throttle counts the try, as DRF's views do."""
    waits = [throttle.wait() for throttle in throttles if not throttle.allow_request(request, None)]
    if not waits:
        return None
    return max(1, math.ceil(max((w or 0) for w in waits)))


def invitation_budget_wait(request, cost: int) -> int | None:
    """Spend `cost` of the teacher's invitation budget: None when it held them, else the whole seconds
    to wait (at least 1) for Retry-After; a refusal spends nothing."""
    budget = InvitationBudgetThrottle(cost=cost)
    if budget.allow_request(request, None):
        return None
    return max(1, math.ceil(budget.wait()))
