"""A sign-in that proved who the person is without a password: an LMS launch (lti/), which the LMS
signed for this person a moment ago. Actions that otherwise ask for the password (deleting the
account) accept such a proof for an account that has no password, for a few minutes only, so a
session left open or stolen later proves nothing.

The proof is kept in the session under one key, written by `record` and read by `is_recent`.
"""
import time

from django.conf import settings

SESSION_KEY = "_parley_proven_at"


def record(session) -> None:
    """The person was proven now (call after signing them in)."""
    session[SESSION_KEY] = int(time.time())


def is_recent(session) -> bool:
    """Whether this session proved its person within ACCOUNT_PROOF_SECONDS."""
    proven_at = session.get(SESSION_KEY)
    return isinstance(proven_at, int) and 0 <= time.time() - proven_at <= settings.ACCOUNT_PROOF_SECONDS
