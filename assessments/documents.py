"""Each exercise version's normalised document, kept per process.

A stored version never changes (a new document makes a new version) and was
validated at import, so neither a worker grading it nor a web request playing
it need validate it again: that was most of the engine's time per grading
(docs/benchmarks.md, B4 and B5) and per scenario step.
"""
import threading
from collections import OrderedDict

from . import grading, negotiation
from .models import ExerciseVersion

_NORMALISED: OrderedDict[tuple[int, str], grading.NormalisedDocument] = OrderedDict()
_NORMALISED_LOCK = threading.Lock()
NORMALISED_CACHE_SIZE = 32  # versions; a 500-node scenario is a few MB once parsed


def normalised_document(version: ExerciseVersion) -> grading.NormalisedDocument:
    """The version's document, validated and normalised once per process (an LRU).

    Keyed by id and content hash, so a row changed by hand is normalised
    afresh. Shared between callers and threads: read it, never modify it.
    """
    return _kept(_NORMALISED, version, lambda: grading.normalise_document(version.document))


def _kept(cache: OrderedDict, version: ExerciseVersion, build):
    """`cache`'s entry for the version (id and content hash), built by `build()` outside the lock when
    missing; the least recently used entries go past NORMALISED_CACHE_SIZE."""
    key = (version.pk, version.content_hash)
    with _NORMALISED_LOCK:
        value = cache.get(key)
        if value is not None:
            cache.move_to_end(key)
            return value
    value = build()
    with _NORMALISED_LOCK:
        cache[key] = value
        while len(cache) > NORMALISED_CACHE_SIZE:
            cache.popitem(last=False)
    return value


_PLANS: OrderedDict[tuple[int, str], grading.DebriefPlan] = OrderedDict()


def debrief_plan(version: ExerciseVersion) -> grading.DebriefPlan:
    """The version's debrief plan (move values, best(n), strongest path), computed once per
    process and kept beside its normalised document, keyed the same way (id and content hash).

    Nothing in it depends on an attempt, so no request recomputes it. Shared: read it only.
    """
    return _kept(_PLANS, version, lambda: grading.debrief_plan(normalised_document(version)))


_PREPARED: OrderedDict[tuple[int, str], negotiation.Negotiation] = OrderedDict()


def is_negotiation(document) -> bool:
    """Whether a document (as stored or sent) names the negotiation format (spec negotiation-format.md)."""
    return isinstance(document, dict) and document.get("format") == negotiation.NEGOTIATION_FORMAT


def version_is_negotiation(version: ExerciseVersion) -> bool:
    """Whether a stored version is a negotiation, without reading its (perhaps deferred) document when this
    process has already prepared or normalised the version: a warm batch grading reads no document (B8)."""
    key = (version.pk, version.content_hash)
    with _NORMALISED_LOCK:
        if key in _PREPARED:
            return True
        if key in _NORMALISED:
            return False
    return is_negotiation(version.document)


def prepared_negotiation(version: ExerciseVersion) -> negotiation.Negotiation:
    """A negotiation version prepared once per process (validated, points exact, the outcome space and
    frontier memoised on it as the engine computes them), kept like normalised_document and keyed the
    same way (id and content hash). Shared between callers and threads: read it only."""
    return _kept(_PREPARED, version, lambda: negotiation.prepare(version.document))
