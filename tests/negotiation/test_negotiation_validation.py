"""Validity of negotiation/1 documents, rule by rule (negotiation-format.md, "Validity").

Each test breaks the valid worked example in one way and checks that the
problem lands at the expected JSON path with the expected code, and that it
is the only problem, so a failure cannot pass for the wrong reason. The
table at the end checks every rule's breakages in one go.
"""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments import negotiation
from assessments.grading import InvalidDocument

from .domains import documents
from .spec_example import negotiation_doc


def only_problem(doc):
    problems = negotiation.validate(doc)
    assert len(problems) == 1, problems
    return problems[0].path, problems[0].code


def test_the_worked_example_is_valid():
    assert negotiation.validate(negotiation_doc()) == []


def test_garbage_gives_problems_not_exceptions():
    assert negotiation.validate([])[0].code == "wrong_type"
    assert negotiation.validate({})[0].path == "format"
    assert only_problem({"format": "scenario/1"}) == ("format", "bad_format")


def test_normalise_sets_the_defaults():
    doc = negotiation_doc()
    del doc["opens"], doc["language"]
    del doc["roles"][0]["counterpart"]["factor"]
    norm = negotiation.normalise(doc)
    assert norm["opens"] == "coastal" and norm["language"] == "en" and norm["debrief"] == ""
    assert norm["roles"][0]["counterpart"] == {"strategy": "tit_for_tat", "factor": 1}
    assert norm["competencies"][0]["weight"] == 1
    assert norm["roles"][0]["questions"][1]["reveals"] == []
    assert norm["roles"][0]["messages"] == []


def test_normalise_refuses_an_invalid_document_with_every_problem():
    doc = negotiation_doc()
    del doc["title"]
    doc["deadline"] = 0
    with pytest.raises(InvalidDocument) as caught:
        negotiation.normalise(doc)
    assert {p.path for p in caught.value.problems} == {"title", "deadline"}


def _set(path_steps, value):
    def change(doc):
        target = doc
        for step in path_steps[:-1]:
            target = target[step]
        if isinstance(target, list) and path_steps[-1] == len(target):
            target.append(value)
        elif value is _DELETE:
            del target[path_steps[-1]]
        else:
            target[path_steps[-1]] = value
    return change


_DELETE = object()


def _append_issue_option_duplicate(doc):
    doc["issues"][0]["options"].append({"id": "small", "label": "Again"})


def _duplicate_issue(doc):
    doc["issues"].append({"id": "quota", "label": "Again", "options": [{"id": "x", "label": "X"}]})
    for role in doc["roles"]:
        role["weights"]["quota"] = role["weights"]["quota"]


def _third_role(doc):
    doc["roles"].append(dict(doc["roles"][0], id="third", questions=[]))


def _duplicate_question(doc):
    doc["roles"][1]["questions"][0]["id"] = "fleet-needs"


def _no_zopa(doc):
    doc["roles"][0]["reservation"] = 95
    doc["roles"][1]["reservation"] = 95


def _too_many_issues(doc):
    for n in range(10):
        doc["issues"].append({"id": f"extra{n}", "label": "Extra", "options": [{"id": "only", "label": "Only"}]})
        for role in doc["roles"]:
            role["weights"][f"extra{n}"] = 0
            role["values"][f"extra{n}"] = {"only": 0}


CASES = [
    # rule 1: required fields and types
    ("title missing", _set(["title"], _DELETE), "title", "required"),
    ("pass threshold out of range", _set(["pass_threshold"], 101), "pass_threshold", "out_of_range"),
    ("issues not an array", _set(["issues"], {}), "issues", "wrong_type"),
    ("issue without options", _set(["issues", 0, "options"], []), "issues[0].options", "required"),
    ("role brief missing", _set(["roles", 1, "brief"], _DELETE), "roles[1].brief", "required"),
    ("deadline not whole", _set(["deadline"], 2.5), "deadline", "wrong_type"),
    # rule 2: ids
    ("bad id", _set(["issues", 1, "id"], "who inspects"), "issues[1].id", "bad_id"),
    ("duplicate option", _append_issue_option_duplicate, "issues[0].options[3].id", "duplicate_id"),
    ("duplicate competency", _set(["competencies", 5], {"key": "claiming", "label": "Again", "rule": "claiming"}),
     "competencies[5].key", "duplicate_id"),
    ("duplicate question across roles", _duplicate_question, "roles[1].questions[0].id", "duplicate_id"),
    ("duplicate role", _set(["roles", 1, "id"], "coastal"), "roles[1].id", "duplicate_id"),
    ("three roles", _third_role, "roles", "wrong_count"),
    # rule 3: utilities
    ("weight for no issue", _set(["roles", 0, "weights", "tax"], 10), "roles[0].weights.tax", "unknown_issue"),
    ("weight missing", _set(["roles", 0, "weights", "quota"], _DELETE), "roles[0].weights", "missing_issue"),
    ("weight out of range", _set(["roles", 0, "weights", "quota"], -1), "roles[0].weights.quota", "out_of_range"),
    ("weight not a number", _set(["roles", 0, "weights", "quota"], "60"), "roles[0].weights.quota", "wrong_type"),
    ("all weights zero", _set(["roles", 1, "weights"], {"quota": 0, "inspection": 0}), "roles[1].weights", "no_weight"),
    ("value for no option", _set(["roles", 0, "values", "quota", "huge"], 5), "roles[0].values.quota.huge",
     "unknown_option"),
    ("value missing", _set(["roles", 0, "values", "quota", "small"], _DELETE), "roles[0].values.quota",
     "missing_option"),
    ("value over 100", _set(["roles", 1, "values", "inspection", "none"], 101), "roles[1].values.inspection.none",
     "out_of_range"),
    ("values for no issue", _set(["roles", 0, "values", "tax"], {}), "roles[0].values.tax", "unknown_issue"),
    ("values missing an issue", _set(["roles", 0, "values", "quota"], _DELETE), "roles[0].values", "missing_issue"),
    ("weighted issue with all values zero",
     _set(["roles", 0, "values", "quota"], {"small": 0, "medium": 0, "large": 0}),
     "roles[0].values.quota", "no_value"),
    # rule 4: reservation, deadline, opening
    ("reservation 100", _set(["roles", 0, "reservation"], 100), "roles[0].reservation", "out_of_range"),
    ("reservation negative", _set(["roles", 0, "reservation"], -5), "roles[0].reservation", "out_of_range"),
    ("reservation missing", _set(["roles", 0, "reservation"], _DELETE), "roles[0].reservation", "required"),
    ("deadline over 50", _set(["deadline"], 51), "deadline", "out_of_range"),
    ("deadline zero", _set(["deadline"], 0), "deadline", "out_of_range"),
    ("opens no role", _set(["opens"], "nobody"), "opens", "unknown_role"),
    # rule 5: strategies
    ("unknown strategy", _set(["roles", 1, "counterpart", "strategy"], "random"), "roles[1].counterpart.strategy",
     "unknown_strategy"),
    ("e missing", _set(["roles", 1, "counterpart"], {"strategy": "time"}), "roles[1].counterpart.e", "required"),
    ("e too small", _set(["roles", 1, "counterpart", "e"], 0), "roles[1].counterpart.e", "out_of_range"),
    ("factor zero", _set(["roles", 0, "counterpart", "factor"], 0), "roles[0].counterpart.factor", "out_of_range"),
    ("parameter of another strategy", _set(["roles", 0, "counterpart", "e"], 1), "roles[0].counterpart.e",
     "unknown_parameter"),
    ("counterpart missing", _set(["roles", 0, "counterpart"], _DELETE), "roles[0].counterpart", "required"),
    # rule 6: questions and messages
    ("question reveals no issue", _set(["roles", 0, "questions", 0, "reveals"], ["tax"]),
     "roles[0].questions[0].reveals[0]", "unknown_issue"),
    ("question without answer", _set(["roles", 0, "questions", 0, "answer"], ""), "roles[0].questions[0].answer",
     "required"),
    ("message on something else", _set(["roles", 1, "messages", 0, "on"], "reject"), "roles[1].messages[0].on",
     "bad_format"),
    ("message package unknown option", _set(["roles", 1, "messages", 0, "package"], {"quota": "huge"}),
     "roles[1].messages[0].package.quota", "unknown_option"),
    ("duplicate message", _set(["roles", 1, "messages", 1, "id"], "opening"), "roles[1].messages[1].id",
     "duplicate_id"),
    # rule 7: competencies
    ("unknown rule", _set(["competencies", 0, "rule"], "charm"), "competencies[0].rule", "unknown_rule"),
    ("role trains undeclared", _set(["roles", 1, "competencies"], ["listening", "charisma"]),
     "roles[1].competencies[1]", "unknown_competency"),
    ("role trains nothing", _set(["roles", 1, "competencies"], []), "roles[1].competencies", "required"),
    ("competency weight out of range", _set(["competencies", 0, "weight"], 101), "competencies[0].weight",
     "out_of_range"),
    # rule 8: an agreement both prefer
    ("no agreement possible", _no_zopa, "roles", "no_agreement"),
    # rule 9: sizes
    ("title too long", _set(["title"], "x" * 256), "title", "too_long"),
    ("too many issues", _too_many_issues, "issues", "too_large"),
]


@pytest.mark.parametrize(("name", "change", "path", "code"), CASES, ids=[c[0] for c in CASES])
def test_each_broken_rule_is_found_at_its_path(name, change, path, code):
    doc = negotiation_doc()
    change(doc)
    assert only_problem(doc) == (path, code)


def test_every_problem_is_listed_not_just_the_first():
    doc = negotiation_doc()
    chosen = ("title missing", "pass threshold out of range", "role brief missing", "deadline not whole",
              "weight out of range", "unknown strategy", "opens no role")
    for name, change, _, _ in CASES:
        if name in chosen:
            change(doc)
    found = {(p.path, p.code) for p in negotiation.validate(doc)}
    assert found == {(path, code) for name, _, path, code in CASES if name in chosen}


def test_a_broken_issue_is_reported_where_it_is_not_again_at_each_reference():
    doc = negotiation_doc()
    doc["issues"][1]["id"] = "who inspects"  # every role's weights and values still name "inspection"
    assert only_problem(doc) == ("issues[1].id", "bad_id")


def test_too_many_outcomes_is_refused_at_the_issues():
    doc = negotiation_doc()
    for n in range(6):  # 9 · 6^6 > 20,000
        options = [{"id": f"o{k}", "label": "O"} for k in range(6)]
        doc["issues"].append({"id": f"x{n}", "label": "X", "options": options})
        for role in doc["roles"]:
            role["weights"][f"x{n}"] = 1
            role["values"][f"x{n}"] = {o["id"]: 50 for o in options}
    assert only_problem(doc) == ("issues", "too_large")
    del doc["title"]
    assert {(p.path, p.code) for p in negotiation.validate(doc)} == {("issues", "too_large"), ("title", "required")}


# --- property: one breakage anywhere in a random valid document is found at its path ---------------------

BAD_NUMBERS = st.sampled_from([-1, 100.5, 1e9, "50", None, True, [10]])


@st.composite
def broken(draw):
    """A random valid document, one value in it broken, and the (path, codes) the breakage must be reported at."""
    doc = draw(documents())
    k = draw(st.integers(0, 1))
    issue = draw(st.sampled_from(doc["issues"]))
    option = draw(st.sampled_from(issue["options"]))
    role = doc["roles"][k]
    bad = draw(BAD_NUMBERS)
    codes_for = {None: {"required"}, "50": {"wrong_type"}, True: {"wrong_type"}, (10,): {"wrong_type"}}
    number_codes = codes_for.get(tuple(bad) if isinstance(bad, list) else bad, {"out_of_range"})
    kind = draw(st.sampled_from(["weight", "value", "reservation", "option_id", "issue_label", "e", "brief"]))
    if kind == "weight":
        role["weights"][issue["id"]] = bad
        path = f"roles[{k}].weights.{issue['id']}"
        codes = number_codes - {"required"} | ({"wrong_type"} if bad is None else set())
    elif kind == "value":
        role["values"][issue["id"]][option["id"]] = bad
        path = f"roles[{k}].values.{issue['id']}.{option['id']}"
        codes = number_codes - {"required"} | ({"wrong_type"} if bad is None else set())
    elif kind == "reservation":
        role["reservation"] = bad
        path, codes = f"roles[{k}].reservation", number_codes
    elif kind == "option_id":
        option["id"] = draw(st.sampled_from(["", "has space", "x" * 65, "dé"]))
        index = issue["options"].index(option)
        path = f"issues[{doc['issues'].index(issue)}].options[{index}].id"
        codes = {"bad_id", "required"}
    elif kind == "issue_label":
        del issue["label"]
        path, codes = f"issues[{doc['issues'].index(issue)}].label", {"required"}
    elif kind == "e":
        role["counterpart"] = {"strategy": "time", "e": draw(st.sampled_from([0, -1, 101, "fast"]))}
        path, codes = f"roles[{k}].counterpart.e", {"out_of_range", "wrong_type"}
    else:
        role["brief"] = draw(st.sampled_from(["", "   ", 7]))
        path, codes = f"roles[{k}].brief", {"required", "wrong_type"}
    return doc, path, codes


@settings(max_examples=200, deadline=None)
@given(broken())
def test_one_breakage_anywhere_is_the_one_problem_found_and_at_its_path(case):
    doc, path, codes = case
    problems = negotiation.validate(doc)
    assert [p.path for p in problems] == [path]
    assert problems[0].code in codes


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 200) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


def _places(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _places(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _places(item, (*path, index))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_validation_never_raises_whatever_json_sits_anywhere(data):
    doc = negotiation_doc()
    places = [p for p in _places(doc) if p]
    path = data.draw(st.sampled_from(places))
    target = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = data.draw(JSON)
    problems = negotiation.validate(doc)
    assert all(p.path is not None and p.code for p in problems)
    if not problems:  # still valid: then every part of the engine works on it
        negotiation.debrief(doc, negotiation.begin(doc, doc["roles"][0]["id"], 0).transcript
                            + [{"role": doc["roles"][0]["id"], "by": "human", "type": "walk_away"}])
