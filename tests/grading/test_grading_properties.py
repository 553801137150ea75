"""Properties of scoring over random scenarios, checked against brute force.

Scenarios are random layered DAGs (a start node, up to three layers of up to
three choice or reply nodes, one or two outcomes), each link going to any
later layer, weights and rubric points drawn from the spec's ranges. They are
small enough to enumerate every complete path, which is the reference the
engine's dynamic programming is checked against.
"""
import itertools

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from assessments.grading import (
    InvalidAnswer,
    InvalidDocument,
    Problem,
    advance,
    check_answers,
    compute_bounds,
    grade,
    learner_summary,
    validate_document,
)

from .spec_example import quiz_doc, scenario_doc, spec_answers

KEYS = ("a", "b", "c")
FILLER = "filler"  # a word no term uses, so a reply is never empty
FAST = settings(max_examples=150, deadline=None)


def numbers(low, high, integers_only):
    whole = st.integers(low, high)
    if integers_only:
        return whole
    return whole | st.floats(low, high, allow_nan=False, allow_infinity=False)


@st.composite
def scenarios(draw, integers_only=False):
    """A valid scenario/1 document; see the module docstring."""
    keys = KEYS[:draw(st.integers(1, len(KEYS)))]
    node_ids = itertools.count()
    layers = [[f"n{next(node_ids)}" for _ in range(width)]
              for width in [1, *draw(st.lists(st.integers(1, 3), max_size=3))]]
    layers.append([f"o{k}" for k in range(draw(st.integers(1, 2)))])
    term_ids = itertools.count()

    def rubric_items(prefix, low, high):
        items = []
        for j in range(draw(st.integers(0, 2))):
            n = next(term_ids)
            # one- and two-word terms, every word unique to its term
            term = draw(st.sampled_from([f"t{n}", f"t{n} u{n}"]))
            items.append({"id": f"{prefix}{j}", "label": prefix, "competency": draw(st.sampled_from(keys)),
                          "points": draw(numbers(low, high, integers_only)), "terms": [term]})
        return items

    nodes = []
    for depth, layer in enumerate(layers[:-1]):
        later = [node_id for deeper in layers[depth + 1:] for node_id in deeper]
        for node_id in layer:
            if draw(st.booleans()):
                choices = [{"id": f"c{j}", "text": "?", "next": draw(st.sampled_from(later)),
                            "weights": draw(st.dictionaries(st.sampled_from(keys), numbers(-10, 10, integers_only)))}
                           for j in range(draw(st.integers(1, 3)))]
                nodes.append({"id": node_id, "type": "choice", "text": "?", "choices": choices})
            else:
                rubric = {"criteria": rubric_items("k", 0, 10), "avoid": rubric_items("x", -10, 0)}
                nodes.append({"id": node_id, "type": "reply", "text": "?",
                              "next": draw(st.sampled_from(later)), "rubric": rubric})
    nodes += [{"id": o, "type": "outcome", "outcome": o, "text": "."} for o in layers[-1]]
    doc = {"format": "scenario/1", "slug": "random", "title": "Random", "pass_threshold": 50,
           "competencies": [{"key": k, "label": k, "weight": draw(st.integers(1, 3))} for k in keys],
           "start": "n0", "nodes": nodes}
    doc["nodes"] = [n for n in nodes if n["id"] in _reachable(doc)]  # rule 4
    return doc


def _reachable(doc):
    by_id = {n["id"]: n for n in doc["nodes"]}
    seen, todo = {doc["start"]}, [doc["start"]]
    while todo:
        node = by_id[todo.pop()]
        for target in [c["next"] for c in node.get("choices", [])] + [node.get("next")]:
            if target and target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def complete_paths(doc):
    """Every path from start to an outcome, as [(node, choice taken or None)]."""
    by_id = {n["id"]: n for n in doc["nodes"]}
    paths, todo = [], [(doc["start"], [])]
    while todo:
        node_id, path = todo.pop()
        node = by_id[node_id]
        if node["type"] == "outcome":
            paths.append([*path, (node, None)])
        elif node["type"] == "choice":
            todo += [(choice["next"], [*path, (node, choice)]) for choice in node["choices"]]
        else:
            todo.append((node["next"], [*path, (node, None)]))
    return paths


def extreme_raw(path, key, best):
    """Raw score for `key` along `path`, each reply at its max (best) or min (spec rule 3),
    summed in path order."""
    total = 0.0
    for node, choice in path:
        if choice is not None:
            total += float(choice["weights"].get(key, 0))
        elif node["type"] == "reply":
            part = 0.0
            for item in node["rubric"]["criteria" if best else "avoid"]:
                if item["competency"] == key:
                    part += float(item["points"])
            total += part
    return total


def best_reply(node):
    return " ".join([FILLER] + [item["terms"][0] for item in node["rubric"]["criteria"]])


def worst_reply(node):
    return " ".join([FILLER] + [item["terms"][0] for item in node["rubric"]["avoid"]])


def answers_for(path, reply_for):
    steps = []
    for node, choice in path:
        if choice is not None:
            steps.append({"node": node["id"], "choice": choice["id"]})
        elif node["type"] == "reply":
            steps.append({"node": node["id"], "reply": reply_for(node)})
        else:
            steps.append({"node": node["id"]})
    return {"steps": steps}


@FAST
@given(scenarios())
def test_generated_scenarios_are_valid(doc):
    assert validate_document(doc) == []


@FAST
@given(scenarios())
def test_compute_bounds_equals_the_extremes_over_every_complete_path(doc):
    paths = complete_paths(doc)
    bounds = compute_bounds(doc)
    assert set(bounds) == {c["key"] for c in doc["competencies"]}
    for key in bounds:
        assert bounds[key]["best"] == max(extreme_raw(p, key, best=True) for p in paths)
        assert bounds[key]["worst"] == min(extreme_raw(p, key, best=False) for p in paths)


@FAST
@given(scenarios(), st.randoms(use_true_random=False))
def test_every_path_scores_between_0_and_100(doc, rng):
    def some_reply(node):
        items = node["rubric"]["criteria"] + node["rubric"]["avoid"]
        return " ".join([FILLER] + [item["terms"][0] for item in items if rng.random() < 0.5])

    bounds = compute_bounds(doc)
    for path in complete_paths(doc):
        result = grade(doc, answers_for(path, some_reply), bounds=bounds)
        assert 0.0 <= result["overall"] <= 100.0
        assert all(0.0 <= score <= 100.0 for score in result["competencies"].values())


@FAST
@given(scenarios())
def test_the_best_path_for_a_competency_scores_100_on_it_and_the_worst_0(doc):
    paths = complete_paths(doc)
    bounds = compute_bounds(doc)
    for key, bound in bounds.items():
        best_path = max(paths, key=lambda p, k=key: extreme_raw(p, k, best=True))
        worst_path = min(paths, key=lambda p, k=key: extreme_raw(p, k, best=False))
        best = grade(doc, answers_for(best_path, best_reply), bounds=bounds)["competencies"]
        worst = grade(doc, answers_for(worst_path, worst_reply), bounds=bounds)["competencies"]
        if bound["best"] == bound["worst"]:
            assert key not in best and key not in worst
        else:
            assert (best[key], worst[key]) == (100.0, 0.0)


@FAST
@given(scenarios(integers_only=True), st.data())
def test_raising_the_weight_of_a_taken_choice_never_lowers_that_competency(doc, data):
    # Integer weights and points keep every sum exact, so the comparison is of the rules, not of float noise.
    path = data.draw(st.sampled_from(complete_paths(doc)))
    taken = [choice for _, choice in path if choice is not None]
    assume(taken)
    choice = data.draw(st.sampled_from(taken))  # the document's own dict: edits below change `doc`
    key = data.draw(st.sampled_from([c["key"] for c in doc["competencies"]]))
    weight = choice["weights"].get(key, 0)
    assume(weight < 10)
    reply = data.draw(st.sampled_from([best_reply, worst_reply]))
    answers = answers_for(path, reply)
    before = grade(doc, answers)["competencies"]
    choice["weights"][key] = weight + data.draw(st.integers(1, 10 - weight))
    after = grade(doc, answers)["competencies"]
    if key in before and key in after:
        assert after[key] >= before[key]


# --- robustness: no input makes the engine raise anything but its own errors --------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)


def slots(value):
    """Every (container, key) pair inside a JSON value."""
    found, todo = [], [value]
    while todo:
        item = todo.pop()
        pairs = item.items() if isinstance(item, dict) else enumerate(item) if isinstance(item, list) else ()
        for key, child in pairs:
            found.append((item, key))
            todo.append(child)
    return found


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([scenario_doc, quiz_doc]), st.data())
def test_a_document_with_any_value_anywhere_gives_problems_or_grades(make_doc, data):
    doc = make_doc()
    container, key = data.draw(st.sampled_from(slots(doc)))
    if isinstance(container, dict) and data.draw(st.booleans()):
        del container[key]
    else:
        container[key] = data.draw(json_values)
    problems = validate_document(doc)
    assert all(isinstance(p, Problem) for p in problems)
    if problems:
        return
    learner_summary(doc)
    answers = spec_answers() if make_doc is scenario_doc else {"answers": {"q1": ["b"]}}
    try:
        grade(doc, answers)
    except InvalidAnswer:
        pass


node_ids = st.sampled_from(["open", "reply1", "end_good", "end_bad", "nowhere"])
moves = st.fixed_dictionaries({}, optional={
    "choice": st.sampled_from(["ask", "threaten", "nope"]) | json_values,
    "reply": st.sampled_from(["farmers need the harvest water now", "no"]) | json_values,
})


@FAST
@given(st.lists(st.builds(lambda node, move: {"node": node, **move}, node_ids, moves), max_size=4) | json_values)
def test_any_submitted_path_is_accepted_or_refused_with_problems(steps):
    try:
        check_answers(scenario_doc(), {"steps": steps})
    except InvalidAnswer as exc:
        assert exc.problems


@FAST
@given(node_ids, moves | json_values)
def test_any_single_move_advances_or_is_refused_with_problems(node_id, move):
    try:
        assert advance(scenario_doc(), node_id, move) in {"reply1", "end_good", "end_bad"}
    except InvalidAnswer as exc:
        assert exc.problems


@FAST
@given(st.dictionaries(st.sampled_from(["q1", "q2", "q3", "q4", "q9"]), json_values) | json_values)
def test_any_quiz_answers_are_accepted_or_refused_with_problems(given_answers):
    try:
        result = grade(quiz_doc(), {"answers": given_answers})
    except InvalidAnswer as exc:
        assert exc.problems
    else:
        assert 0.0 <= result["overall"] <= 100.0


@pytest.mark.parametrize("call", [
    lambda: compute_bounds([]),
    lambda: grade({"format": "quiz/1"}, {}),
    lambda: learner_summary(None),
    lambda: advance({"format": "scenario/1"}, "a", {}),
    lambda: check_answers({"format": "scenario/1", "nodes": 5}, {"steps": []}),
])
def test_a_garbage_document_raises_invalid_document_from_every_entry_point(call):
    with pytest.raises(InvalidDocument) as caught:
        call()
    assert caught.value.problems
