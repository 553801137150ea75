"""The worked example of docs/specs/negotiation-format.md, as the tests use it.

Kept byte for byte in step with the spec's JSON: test_spec_example.py reads
the spec's code blocks and compares them with these.
"""
import copy

_DOC = {
    "format": "negotiation/1",
    "slug": "fishing-grounds",
    "title": "Fishing grounds",
    "language": "en",
    "summary": "A coastal state and a distant-water fleet state agree a quota and who inspects the catch.",
    "pass_threshold": 65,
    "deadline": 3,
    "opens": "coastal",
    "competencies": [
        {"key": "listening", "label": "Asking about interests", "rule": "interests"},
        {"key": "packaging", "label": "Trading across issues", "rule": "packaging"},
        {"key": "patience", "label": "Not conceding early", "rule": "patience"},
        {"key": "claiming", "label": "Claiming value", "rule": "claiming"},
        {"key": "creating", "label": "Creating value", "rule": "creating"},
    ],
    "issues": [
        {"id": "quota", "label": "The fleet's yearly catch quota",
         "options": [{"id": "small", "label": "Small"}, {"id": "medium", "label": "Medium"},
                     {"id": "large", "label": "Large"}]},
        {"id": "inspection", "label": "Who inspects the catch",
         "options": [{"id": "none", "label": "No inspection"}, {"id": "shared", "label": "Joint inspectors"},
                     {"id": "coastal", "label": "Coastal inspectors"}]},
    ],
    "roles": [
        {"id": "coastal", "label": "Coastal state",
         "brief": "Your stocks are under pressure and your inspectors are trusted at home.",
         "weights": {"quota": 60, "inspection": 40},
         "values": {"quota": {"small": 100, "medium": 50, "large": 0},
                    "inspection": {"none": 0, "shared": 50, "coastal": 100}},
         "reservation": 30,
         "competencies": ["listening", "packaging", "patience", "claiming", "creating"],
         "counterpart": {"strategy": "tit_for_tat", "factor": 1},
         "questions": [
             {"id": "fleet-needs", "text": "What does your fleet need most from this agreement?",
              "answer": "Catch. Our boats are paid for by the tonne; inspections we can live with.",
              "reveals": ["quota"]},
             {"id": "fleet-timing", "text": "When must this be signed?",
              "answer": "Before the season opens."}]},
        {"id": "fleet", "label": "Fleet state",
         "brief": "Your boats need catch to stay afloat; inspection is a cost, not a principle.",
         "weights": {"quota": 75, "inspection": 25},
         "values": {"quota": {"small": 0, "medium": 60, "large": 100},
                    "inspection": {"none": 100, "shared": 80, "coastal": 0}},
         "reservation": 20,
         "competencies": ["listening", "packaging", "claiming"],
         "counterpart": {"strategy": "time", "e": 0.5},
         "messages": [
             {"id": "opening", "on": "open", "text": "Our boats cannot sail for less than a large quota."},
             {"id": "closing", "on": "accept", "text": "Agreed. Our captains will be relieved."}],
         "questions": [
             {"id": "coast-stocks", "text": "Which matters more to you, the stocks or the inspectors?",
              "answer": "The stocks. Inspection is how we make sure of them.",
              "reveals": ["quota", "inspection"]}]},
    ],
}

_TRANSCRIPT = [
    {"role": "coastal", "by": "human", "type": "ask", "question": "fleet-needs"},
    {"role": "coastal", "by": "human", "type": "offer", "package": {"quota": "small", "inspection": "coastal"}},
    {"role": "fleet", "by": "machine", "type": "offer", "package": {"quota": "large", "inspection": "none"}},
    {"role": "coastal", "by": "human", "type": "offer", "package": {"quota": "medium", "inspection": "coastal"}},
    {"role": "fleet", "by": "machine", "type": "offer", "package": {"quota": "large", "inspection": "shared"}},
    {"role": "coastal", "by": "human", "type": "offer", "package": {"quota": "small", "inspection": "none"}},
    {"role": "fleet", "by": "machine", "type": "accept"},
]

SEED = 7


def negotiation_doc() -> dict:
    return copy.deepcopy(_DOC)


def spec_transcript() -> list:
    return copy.deepcopy(_TRANSCRIPT)
