"""The statistics of a version (scenario spec, "Statistics"), on hand-worked cases and against a
naive reading of the definition on random attempts."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.grading.statistics import (
    group_size,
    quiz_statistics,
    scenario_statistics,
    statistics_flags,
)

from .spec_example import quiz_doc, scenario_doc


def took(choice, overall):
    """An attempt of the spec's example scenario that took `choice` at "open"."""
    if choice == "ask":
        path = [("open", "ask", ()), ("reply1", None, ()), ("end_good", None, ())]
    else:
        path = [("open", "threaten", ()), ("end_bad", None, ())]
    return {"overall": overall, "path": path}


def node(stats, node_id):
    return next(n for n in stats["nodes"] if n["id"] == node_id)


def choice(stats, node_id, choice_id):
    return next(c for c in node(stats, node_id)["choices"] if c["id"] == choice_id)


@pytest.mark.parametrize(("reached", "k"), [(1, 1), (3, 1), (9, 2), (10, 2), (11, 2), (37, 9), (100, 27),
                                             (101, 27), (1000, 270)])
def test_groups_are_27_percent_rounded_down_and_at_least_one(reached, k):
    assert group_size(reached) == k


def test_reached_and_share_count_the_attempts_through_each_node():
    rows = [took("ask", 80), took("ask", 60), took("threaten", 10), took("ask", 50)]
    stats = scenario_statistics(scenario_doc(), rows)
    assert stats["attempts"] == 4
    assert [(n["id"], n["reached"]) for n in stats["nodes"]] == [
        ("open", 4), ("reply1", 3), ("end_good", 3), ("end_bad", 1)]
    assert choice(stats, "open", "ask")["share"] == 0.75
    assert choice(stats, "open", "threaten")["share"] == 0.25


def test_a_criterion_share_counts_the_attempts_that_met_it():
    rows = [{"overall": 70, "path": [("open", "ask", ()), ("reply1", None, ("interest",)), ("end_good", None, ())]},
            {"overall": 40, "path": [("open", "ask", ()), ("reply1", None, ()), ("end_good", None, ())]}]
    criteria = node(scenario_statistics(scenario_doc(), rows), "reply1")["criteria"]
    assert criteria == [{"id": "interest", "count": 1, "share": 0.5, "discrimination": None}]


def test_under_ten_attempts_reaching_a_node_discrimination_is_null():
    rows = [took("ask", 90 - i) for i in range(9)]
    assert choice(scenario_statistics(scenario_doc(), rows), "open", "ask")["discrimination"] is None


def test_discrimination_compares_the_top_and_bottom_27_percent():
    # 10 attempts: k = 2. The two best took "ask", the two worst "threaten": D(ask) = 1 - 0 = 1.
    overalls = [95, 90, 70, 70, 60, 60, 50, 50, 20, 10]
    rows = [took("ask" if i < 2 else "threaten" if i >= 8 else "ask", o) for i, o in enumerate(overalls)]
    stats = scenario_statistics(scenario_doc(), rows)
    assert choice(stats, "open", "ask")["discrimination"] == 1.0
    assert choice(stats, "open", "threaten")["discrimination"] == -1.0


def test_ties_at_the_group_boundary_go_to_the_earlier_attempt():
    # 10 attempts, all at 50 except none: the ranking is attempt order, so the upper group is
    # attempts 0 and 1, the lower group attempts 8 and 9.
    choices = ["ask", "threaten", "ask", "ask", "ask", "ask", "ask", "ask", "threaten", "threaten"]
    stats = scenario_statistics(scenario_doc(), [took(c, 50) for c in choices])
    # upper: ask, threaten (p = 0.5); lower: threaten, threaten (p = 0).
    assert choice(stats, "open", "ask")["discrimination"] == 0.5
    assert choice(stats, "open", "threaten")["discrimination"] == -0.5


def test_ties_inside_a_higher_score_are_ranked_by_attempt_order_too():
    # Three attempts tie at 80 for the two upper places: the first two (in attempt order) are in.
    choices = ["threaten", "ask", "ask"] + ["ask"] * 7
    overalls = [80, 80, 80] + [40] * 7
    stats = scenario_statistics(scenario_doc(), [took(c, o) for c, o in zip(choices, overalls, strict=True)])
    # upper = attempts 0, 1 (threaten, ask): p(ask) = 0.5; lower = attempts 8, 9 (ask, ask): p = 1.
    assert choice(stats, "open", "ask")["discrimination"] == -0.5


def test_discrimination_is_over_the_attempts_that_reached_the_node():
    # 12 reach reply1, k = 3; interest met by the 3 best of them only.
    rows = []
    for i in range(12):
        met = ("interest",) if i < 3 else ()
        rows.append({"overall": 100 - i, "path": [("open", "ask", ()), ("reply1", None, met), ("end_good", None, ())]})
    rows += [took("threaten", 99)] * 5  # reach open only: they change nothing at reply1
    stats = scenario_statistics(scenario_doc(), rows)
    assert node(stats, "reply1")["criteria"][0]["discrimination"] == 1.0
    assert node(stats, "open")["reached"] == 17


def test_no_attempts_gives_zero_reach_and_null_shares():
    stats = scenario_statistics(scenario_doc(), [])
    assert stats["attempts"] == 0
    assert choice(stats, "open", "ask") == {"id": "ask", "count": 0, "share": None, "discrimination": None}


def test_quiz_item_analysis_uses_fraction_earned():
    doc = quiz_doc()
    ids = [q["id"] for q in doc["questions"]]
    rows = [{"overall": 100 - i, "earned": {ids[0]: 1.0 if i < 5 else 0.0, ids[1]: 0.5}} for i in range(10)]
    stats = quiz_statistics(doc, rows)
    first, second = stats["questions"][0], stats["questions"][1]
    assert stats["attempts"] == 10
    assert first == {"id": ids[0], "facility": 0.5, "discrimination": 1.0}
    assert second["facility"] == 0.5 and second["discrimination"] == 0.0


def test_flags_untaken_flat_reversed_and_stops():
    stats = {"nodes": [
        {"id": "open", "reached": 40, "choices": [
            {"id": "a", "count": 0, "share": 0.0, "discrimination": 0.0},
            {"id": "b", "count": 20, "share": 0.5, "discrimination": 0.05},
            {"id": "c", "count": 20, "share": 0.5, "discrimination": -0.3},
            {"id": "d", "count": 20, "share": 0.5, "discrimination": 0.4},
            {"id": "e", "count": 20, "share": 0.5, "discrimination": None}]},
        {"id": "reply1", "reached": 5, "criteria": []}]}
    flags = statistics_flags(stats, stopped={"reply1": 6, "open": 2})
    assert flags == [{"kind": "untaken", "node": "open", "choice": "a"},
                     {"kind": "flat", "node": "open", "choice": "b"},
                     {"kind": "reversed", "node": "open", "choice": "c"},
                     {"kind": "stops", "node": "reply1", "count": 6}]


# --- property: the engine against a naive reading of the definition ------------------------------

CHOICES = ("ask", "threaten")


def naive_discrimination(rows, choice_id):
    """Rank with an explicit key (overall descending, then attempt index), slice, count."""
    members = [(-r["overall"], i, r) for i, r in enumerate(rows)]
    if len(members) < 10:
        return None
    ranked = [r for _, _, r in sorted(members)]
    k = max(1, int(len(ranked) * 27 // 100))
    def p(group):
        return sum(1 for r in group if r["path"][0][1] == choice_id) / k
    return p(ranked[:k]) - p(ranked[len(ranked) - k:])


attempt_rows = st.lists(st.tuples(st.sampled_from(CHOICES), st.integers(0, 20).map(lambda x: x * 5.0)),
                        max_size=60)


@settings(max_examples=200, deadline=None)
@given(attempt_rows)
def test_discrimination_matches_a_naive_ranking(pairs):
    rows = [took(c, o) for c, o in pairs]
    stats = scenario_statistics(scenario_doc(), rows)
    for choice_id in CHOICES:
        got = choice(stats, "open", choice_id)["discrimination"]
        want = naive_discrimination(rows, choice_id)
        assert got == pytest.approx(want) if want is not None else got is None
