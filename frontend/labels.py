"""Interface names for the keys stored in content (levels, competencies, outcomes)."""
from django.utils.translation import gettext_lazy as _

LEVELS = {
    "beginner": _("Beginner"),
    "intermediate": _("Intermediate"),
    "advanced": _("Advanced"),
}

COMPETENCIES = {
    "listening": _("Active listening"),
    "empathy": _("Empathy"),
    "assertiveness": _("Assertiveness"),
    "cultural_awareness": _("Cultural awareness"),
    "judgement": _("Judgement"),
    "digital_literacy": _("Digital literacy"),
    "inclusion": _("Inclusion"),
    "discretion": _("Discretion"),
    "negotiation": _("Negotiation"),
}

OUTCOMES = {
    "agreement": _("Agreement"),
    "partial_agreement": _("Partial agreement"),
    "stalemate": _("Stalemate"),
    "walkout": _("Walk-out"),
    "escalation": _("Escalation"),
}


def humanise(key: str) -> str:
    return str(key).replace("_", " ").replace("-", " ").strip().capitalize()


def level(key: str) -> str:
    return str(LEVELS.get(key, humanise(key)))


def competency(key: str) -> str:
    return str(COMPETENCIES.get(key, humanise(key)))


def outcome(key: str) -> str:
    return str(OUTCOMES.get(key, humanise(key)))
