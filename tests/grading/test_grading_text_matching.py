"""Text matching (scenario-format.md, Scoring rule 1), seen through grading a reply."""
import pytest

from assessments.grading import grade

from .spec_example import scenario_doc, spec_answers


def reply_outcome(term, reply):
    """(met, avoided) for `reply` against a rubric with one criterion with `term` and nothing to avoid."""
    doc = scenario_doc()
    rubric = doc["nodes"][1]["rubric"]
    rubric["criteria"][0]["terms"] = [term]
    rubric["min_words"] = 1
    answers = spec_answers()
    answers["steps"][1]["reply"] = reply
    step = grade(doc, answers)["steps"][1]
    return step["met"] == ["interest"]


@pytest.mark.parametrize(("term", "reply"), [
    ("café", "We met at the CAFE by the river."),
    ("cafe", "We met at the Café by the river."),
    ("naïve", "That was NAIVE of me."),
    ("straße", "They closed the STRASSE."),
    ("ﬁnance", "Their finance ministry."),
    ("your fault", "It is YOUR...fault, surely!"),
    ("dry season", "the dry\nseason"),
    ("Smith's farm", "near smith s farm"),
])
def test_a_term_matches_across_accents_case_compatibility_forms_and_punctuation(term, reply):
    assert reply_outcome(term, reply)


def test_a_term_must_occur_as_a_contiguous_run_of_words():
    assert not reply_outcome("your fault", "Your own fault.")


def test_a_term_matches_whole_words_only():
    assert not reply_outcome("farm", "The farmers are waiting.")


def test_a_term_in_a_different_word_order_does_not_match():
    assert not reply_outcome("your fault", "Fault? Yours, entirely.")


def test_a_term_without_word_characters_never_matches():
    assert not reply_outcome("!!!", "Listen!!! Please!!!")


def test_any_one_term_earns_the_criterion():
    doc = scenario_doc()
    answers = spec_answers()
    answers["steps"][1]["reply"] = "They worry about irrigation above all."
    assert grade(doc, answers)["steps"][1]["met"] == ["interest"]
