"""Random small negotiation documents for the property tests.

One to three issues of two to four options (at most 64 outcomes, so brute
force over every pair of outcomes stays fast), integer or fractional weights
and values in the spec's ranges, reservation values low enough that most
drawn documents have an agreement both prefer (validity rule 8); the tests
keep only valid documents.
"""
from hypothesis import strategies as st

from assessments import negotiation

STRATEGY_SPECS = st.one_of(
    st.builds(lambda e: {"strategy": "time", "e": e}, st.sampled_from([0.2, 0.5, 1, 2, 5])),
    st.builds(lambda f: {"strategy": "tit_for_tat", "factor": f}, st.sampled_from([0.5, 1, 2])),
    st.builds(lambda e: {"strategy": "tradeoff", "e": e}, st.sampled_from([0.3, 1, 3])),
)


def numbers():
    return st.integers(0, 100) | st.floats(0, 100, allow_nan=False).map(lambda x: round(x, 2))


@st.composite
def documents(draw, *, max_issues=3, max_options=4, deadline=None):
    n_issues = draw(st.integers(1, max_issues))
    issues = []
    for i in range(n_issues):
        n_options = draw(st.integers(2, max_options))
        issues.append({"id": f"i{i}", "label": f"Issue {i}",
                       "options": [{"id": f"o{j}", "label": f"Option {j}"} for j in range(n_options)]})
    roles = []
    for rid in ("a", "b"):
        weights = {issue["id"]: draw(numbers()) for issue in issues}
        if not any(w > 0 for w in weights.values()):
            weights[issues[0]["id"]] = 1
        values = {}
        for issue in issues:
            table = {o["id"]: draw(numbers()) for o in issue["options"]}
            if max(table.values()) <= 0:
                table[issue["options"][0]["id"]] = 100
            values[issue["id"]] = table
        roles.append({
            "id": rid, "label": rid.upper(), "brief": "A brief.",
            "weights": weights, "values": values,
            "reservation": draw(st.integers(0, 40)),
            "competencies": ["claiming"],
            "counterpart": draw(STRATEGY_SPECS),
        })
    return {
        "format": "negotiation/1", "slug": "random", "title": "Random", "pass_threshold": 50,
        "deadline": deadline if deadline is not None else draw(st.integers(1, 8)),
        "competencies": [{"key": "claiming", "label": "Claiming", "rule": "claiming"}],
        "issues": issues, "roles": roles,
    }


def valid(doc) -> bool:
    return negotiation.validate(doc) == []
