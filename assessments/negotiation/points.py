"""Spec "Utilities": each option's points to a role, exact, on the role's 0-100 scale.

points_r(i, o) = 100 · w_i · v_i(o) / Σ_j w_j · max_o' v_j(o'), so a role's
best package is worth exactly 100 and its utility of a package is the sum of
the points of its options. JSON numbers are read as doubles and taken exactly
(Fraction(0.1) is the double nearest 0.1), so every implementation that reads
them as doubles gets the same fractions.
"""
from fractions import Fraction


def role_points(issues: list, weights: dict, values: dict) -> dict:
    """issue id -> option id -> points (Fraction), for a role's valid `weights` and `values`."""
    w = {i["id"]: Fraction(weights[i["id"]]) for i in issues}
    v = {i["id"]: {o["id"]: Fraction(values[i["id"]][o["id"]]) for o in i["options"]} for i in issues}
    denominator = sum(w[i] * max(v[i].values()) for i in w)
    return {i: {o: 100 * w[i] * x / denominator for o, x in v[i].items()} for i in w}
