"""A reply against its node's rubric: which items it meets, and what they are worth.

Points are summed item by item in rubric order (criteria, then avoid items),
starting from 0.0. The extremes used for the bounds are summed the same way,
so a reply that earns everything for a competency adds exactly the float the
bounds assumed, and a best path scores exactly 100.
"""
from .text import matches_any, word_tokens


def match_reply(rubric: dict, reply: str) -> tuple[list[str], list[str]]:
    """(ids of the criteria met, ids of the avoid items hit), each in rubric order."""
    tokens = word_tokens(reply)
    met = [item["id"] for item in rubric["criteria"] if matches_any(tokens, item["terms"])]
    avoided = [item["id"] for item in rubric["avoid"] if matches_any(tokens, item["terms"])]
    return met, avoided


def earned_points(rubric: dict, met, avoided, competency: str) -> float:
    """Points for `competency` from the criteria in `met` and the avoid items in `avoided`."""
    total = 0.0
    for items, chosen in ((rubric["criteria"], met), (rubric["avoid"], avoided)):
        for item in items:
            if item["competency"] == competency and item["id"] in chosen:
                total += float(item["points"])
    return total


def points_range(rubric: dict, competency: str) -> tuple[float, float]:
    """(most, least) a reply can earn for `competency`: every criterion and no
    avoid item, or every avoid item and no criterion (spec rule 3)."""
    every_criterion = {item["id"] for item in rubric["criteria"]}
    every_avoid = {item["id"] for item in rubric["avoid"]}
    return (earned_points(rubric, every_criterion, (), competency),
            earned_points(rubric, (), every_avoid, competency))
