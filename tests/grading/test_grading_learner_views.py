"""What learners see before grading: never the key, never the graph beyond the node in hand."""
import pytest

from assessments.grading import InvalidAnswer, learner_node, learner_summary

from .spec_example import all_keys, quiz_doc, scenario_doc

HIDDEN = {"weights", "feedback", "critical", "next", "rubric", "terms", "correct", "accept", "criteria", "avoid"}


def annotated_scenario():
    """The worked example with every optional field an author might add."""
    doc = scenario_doc()
    doc["nodes"][0]["image"] = "river.jpg"
    doc["nodes"][0]["feedback"] = "Node feedback."
    doc["nodes"][1]["media"] = {"audio": "minister.mp3"}
    doc["nodes"][1]["feedback"] = "Summaries help."
    doc["nodes"][1]["rubric"]["criteria"][0]["feedback"] = "Named."
    return doc


@pytest.mark.parametrize("node_id", ["open", "reply1", "end_good", "end_bad"])
def test_a_learner_node_hides_the_key_and_the_links(node_id):
    assert not all_keys(learner_node(annotated_scenario(), node_id)) & HIDDEN


def test_a_choice_node_shows_its_choices_by_id_and_text():
    assert learner_node(annotated_scenario(), "open") == {
        "id": "open", "type": "choice", "text": "The upstream minister opens ...", "image": "river.jpg",
        "choices": [{"id": "ask", "text": "Ask what the dry season costs their farmers."},
                    {"id": "threaten", "text": "Warn of consequences."}],
    }


def test_a_reply_node_shows_its_word_limits():
    assert learner_node(annotated_scenario(), "reply1") == {
        "id": "reply1", "type": "reply", "text": "Summarise their position ...",
        "min_words": 5, "max_words": 120, "media": {"audio": "minister.mp3"},
    }


def test_a_reply_node_shows_the_default_word_limits_when_unset():
    doc = scenario_doc()
    del doc["nodes"][1]["rubric"]["min_words"], doc["nodes"][1]["rubric"]["max_words"]
    node = learner_node(doc, "reply1")
    assert (node["min_words"], node["max_words"]) == (1, 500)


def test_an_outcome_node_shows_its_outcome():
    assert learner_node(scenario_doc(), "end_bad") == {
        "id": "end_bad", "type": "outcome", "text": "...", "outcome": "walkout"}


def test_an_unknown_node_is_refused():
    with pytest.raises(InvalidAnswer):
        learner_node(scenario_doc(), "lobby")


def test_the_scenario_summary_shows_the_description_and_start_node_only():
    summary = learner_summary(annotated_scenario())
    assert summary == {
        "format": "scenario/1", "slug": "shared-river", "title": "A river in a dry year",
        "summary": "Negotiate water releases with an upstream neighbour.", "language": "en",
        "pass_threshold": 60,
        "competencies": [{"key": "listening", "label": "Active listening", "weight": 1},
                         {"key": "judgement", "label": "Judgement", "weight": 2}],
        "start_node": learner_node(annotated_scenario(), "open"),
    }
    assert not all_keys(summary) & HIDDEN


def test_the_quiz_summary_shows_questions_and_options_without_the_key():
    doc = quiz_doc()
    summary = learner_summary(doc)
    assert not all_keys(summary) & HIDDEN
    assert summary["questions"][1] == {
        "id": "q2", "type": "multiple", "text": "Which show listening?", "points": 2,
        "options": [{"id": "a", "text": "Paraphrasing"}, {"id": "b", "text": "Interrupting"},
                    {"id": "c", "text": "Summarising"}],
    }
    assert summary["questions"][3]["options"] == []
    assert {k: summary[k] for k in ("format", "slug", "title", "language", "pass_threshold")} == {
        "format": "quiz/1", "slug": "listening-basics-check", "title": "Check: listening basics",
        "language": "en", "pass_threshold": 70}
