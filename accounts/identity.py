"""What makes a username or an email address one person's: normal forms, look-alikes, uniqueness.

A username is stored in Unicode NFKC (Django's own normal form for usernames),
so "ｄｅｍｏ" and "demo" are one name. Two names that look the same are one
name too: each has a *skeleton* (Unicode TR39: every character replaced by the
prototype it is confusable with, case folded), stored in
`User.username_skeleton` under a unique constraint, so "demо-student" with a
Cyrillic "о" is refused while "demo-student" exists, whatever the sign-up path,
and two sign-ups racing for look-alike names cannot both succeed.

The confusable data is Unicode's own (confusables.txt), as shipped by
confusable_homoglyphs, the library django-registration uses for the same
purpose; docs/dependencies.md says why that one. Names may mix scripts (a
learner's Arabic name with a French word): django-registration's rule that
refuses any mixed-script name with a confusable letter would refuse those, so
only a look-alike of a name that exists is refused.

Emails are one person's regardless of case (a constraint on Lower(email) for
non-empty addresses; deleted accounts have "").
"""
import unicodedata
from functools import cache

from confusable_homoglyphs.utils import load as load_unicode_data

# Bidirectional marks the library keeps around right-to-left characters in its data.
_MARKS = str.maketrans("", "", "\u200e\u200f")


@cache
def _prototypes() -> dict[str, str]:
    """Each confusable character and the prototype it stands for (TR39's mapping).

    The library's data is the mapping of confusables.txt made symmetric: a
    character that is a source lists its one prototype, and a prototype lists
    its sources. A prototype with one source and that source look alike from
    the data alone; either one serves as the pair's representative, as long as
    both map to the same one.
    """
    graph = {key.translate(_MARKS): [entry["c"].translate(_MARKS) for entry in entries]
             for key, entries in load_unicode_data("confusables.json").items()}
    mapping = {}
    for char, alikes in graph.items():
        if len(char) != 1 or len(alikes) != 1:
            continue  # a sequence, or a prototype of several sources: stays as it is
        other = alikes[0]
        if len(other) > 1 or len(graph.get(other, ())) > 1:
            mapping[char] = other
        elif other != char:
            mapping[char] = min(char, other)
    return mapping


def _map(text: str) -> str:
    prototypes = _prototypes()
    return "".join(prototypes.get(char, char) for char in text)


def normal_username(username: str) -> str:
    return unicodedata.normalize("NFKC", username or "")


def username_skeleton(username: str) -> str:
    """The form two look-alike usernames share ("demо" and "demo", "paypaI" and "paypal")."""
    text = unicodedata.normalize("NFD", normal_username(username))
    # Mapped, folded, mapped again: a lower-case letter may have look-alikes its capital has not.
    text = unicodedata.normalize("NFD", _map(text)).casefold()
    return unicodedata.normalize("NFD", _map(text))


def normal_email(email: str) -> str:
    """The address as stored: trimmed, domain in lower case (the local part is the mailbox owner's)."""
    email = (email or "").strip()
    local, at, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}" if at else email
