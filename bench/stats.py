"""Percentiles (linear interpolation between closest ranks, as numpy's default) and summaries."""
import statistics


def percentile(values, p: float) -> float:
    data = sorted(values)
    if not data:
        return float("nan")
    if len(data) == 1:
        return data[0]
    rank = (len(data) - 1) * p / 100.0
    low = int(rank)
    high = min(low + 1, len(data) - 1)
    return data[low] + (data[high] - data[low]) * (rank - low)


def summary_ms(seconds) -> dict:
    """Latency summary in milliseconds of a list of durations in seconds."""
    values = [s * 1000.0 for s in seconds]
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "p50": round(percentile(values, 50), 3),
        "p95": round(percentile(values, 95), 3),
        "p99": round(percentile(values, 99), 3),
        "mean": round(statistics.fmean(values), 3),
        "max": round(max(values), 3),
    }


def ratio(a: float, b: float) -> float:
    return round(a / b, 3) if b else float("inf")
