"""Reported numbers, scenario spec rule 7: rounded half up from the shortest decimal form."""
from decimal import ROUND_HALF_UP, Decimal


def round_half_up(value: float, places: int = 1) -> float:
    """`value` rounded half up to `places` decimals, as a float.

    Rounds the shortest decimal that reads back as `value` (its repr), not the
    binary number: 6.25 gives 6.3, and 0.35 (binary 0.34999...) gives 0.4.
    Only reported values are rounded; comparisons use the unrounded ones.
    """
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))
