"""Rate limits: sign-in, token and registration per address and per account,
join codes per learner and address, attempt creation per learner. 429s carry
Retry-After (DRF sets it from `wait()`)."""
from rest_framework.throttling import SimpleRateThrottle


class AuthAddressThrottle(SimpleRateThrottle):
    scope = "auth"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class AuthAccountThrottle(SimpleRateThrottle):
    scope = "auth"

    def get_cache_key(self, request, view):
        data = request.data if isinstance(request.data, dict) else {}
        username = str(data.get("username") or "").strip().lower()
        if not username:
            return None
        return self.cache_format % {"scope": "auth-account", "ident": username}


class JoinAddressThrottle(AuthAddressThrottle):
    scope = "join"


class JoinAccountThrottle(SimpleRateThrottle):
    scope = "join"

    def get_cache_key(self, request, view):
        if not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": "join-account", "ident": request.user.pk}


class AttemptThrottle(SimpleRateThrottle):
    scope = "attempts"

    def get_cache_key(self, request, view):
        if request.method != "POST" or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
