"""docs/specs/negotiation-format.md's worked example is what the engine computes.

The spec's JSON blocks, in order, are the document, the transcript, the
result and the debrief; each must equal spec_example.py's data or the
engine's output for it, so the spec and the engine cannot drift apart.
"""
import json
import re
from pathlib import Path

from assessments import negotiation

from .spec_example import SEED, negotiation_doc, spec_transcript

SPEC = Path(__file__).resolve().parents[2] / "docs" / "specs" / "negotiation-format.md"


def blocks():
    return [json.loads(b) for b in re.findall(r"```json\n(.*?)\n```", SPEC.read_text(), re.S)]


def test_the_spec_has_its_four_json_blocks():
    assert len(blocks()) == 4


def test_the_spec_document_is_the_worked_example():
    assert blocks()[0] == negotiation_doc()


def test_the_spec_transcript_is_what_the_engine_plays_for_those_moves():
    doc, transcript = negotiation_doc(), []
    for entry in blocks()[1]:
        if entry["by"] == "human":
            move = {k: v for k, v in entry.items() if k not in ("role", "by")}
            transcript = negotiation.step(doc, entry["role"], transcript, move, SEED).transcript
    assert transcript == blocks()[1] == spec_transcript()


def test_the_spec_result_and_debrief_are_the_engines():
    doc, transcript = negotiation_doc(), spec_transcript()
    assert blocks()[2] == negotiation.score(doc, transcript)
    assert blocks()[3] == negotiation.debrief(doc, transcript)
