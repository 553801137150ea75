"""Each exercise version's normalised document, kept per process.

A stored version never changes (a new document makes a new version) and was
validated at import, so neither a worker grading it nor a web request playing
it need validate it again: that was most of the engine's time per grading
(docs/benchmarks.md, B4 and B5) and per scenario step.
"""
import threading
from collections import OrderedDict

from . import grading
from .models import ExerciseVersion

_NORMALISED: OrderedDict[tuple[int, str], grading.NormalisedDocument] = OrderedDict()
_NORMALISED_LOCK = threading.Lock()
NORMALISED_CACHE_SIZE = 32  # versions; a 500-node scenario is a few MB once parsed


def normalised_document(version: ExerciseVersion) -> grading.NormalisedDocument:
    """The version's document, validated and normalised once per process (an LRU).

    Keyed by id and content hash, so a row changed by hand is normalised
    afresh. Shared between callers and threads: read it, never modify it.
    """
    key = (version.pk, version.content_hash)
    with _NORMALISED_LOCK:
        doc = _NORMALISED.get(key)
        if doc is not None:
            _NORMALISED.move_to_end(key)
            return doc
    doc = grading.normalise_document(version.document)
    with _NORMALISED_LOCK:
        _NORMALISED[key] = doc
        while len(_NORMALISED) > NORMALISED_CACHE_SIZE:
            _NORMALISED.popitem(last=False)
    return doc
