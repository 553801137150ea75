"""B9: a version's statistics over 10,000 and 100,000 graded attempts, against one aggregate scan.

Its own exercise (a 15-node synthetic scenario) so the figures do not depend on the rest of the
seed. Attempts are graded by the engine (a pool of 400 random paths and replies, reused), inserted
in bulk, and their statistics rows written by `assessments.statistics.statistics_record`, the
function the grading transactions call. Then, interleaved run by run: `version_statistics` (what
the API answers with, without HTTP) and one aggregate SQL scan of the same attempts
(`count(*)`, `avg(score)` over the version's graded rows).
"""
import random
import time

from django.db import connection, transaction
from django.utils import timezone

from . import scenarios
from .measure import _pair_us

NODES = 15
POOL = 400
CHUNK = 5000
REPLY_WORDS = ["farmers", "plan", "monday", "your fault", "water", "rivers", "talks"]


def _random_path(doc: dict, rng: random.Random) -> dict:
    by_id = {node["id"]: node for node in doc["nodes"]}
    steps, node_id = [], doc["start"]
    while by_id[node_id]["type"] != "outcome":
        node = by_id[node_id]
        if node["type"] == "choice":
            weights = [0.2 if c["id"] == "threaten" else 1.0 for c in node["choices"]]
            choice = rng.choices(node["choices"], weights=weights)[0]
            steps.append({"node": node_id, "choice": choice["id"]})
            node_id = choice["next"]
        else:
            words = rng.sample(REPLY_WORDS, rng.randint(1, 4))
            steps.append({"node": node_id, "reply": "we talk about " + " and ".join(words)})
            node_id = node["next"]
    steps.append({"node": node_id})
    return {"steps": steps}


def _scan(version_id: int):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), avg(score) FROM assessments_attempt WHERE version_id = %s "
                       "AND status = 'graded'", [version_id])
        return cursor.fetchone()


def b9_statistics(academy_id: int, sizes: tuple[int, ...], budget_s: float, log) -> dict:
    from accounts.models import Academy
    from assessments import grading, services
    from assessments.models import Attempt, AttemptStep, StatisticCell
    from assessments.statistics import statistics_record, version_statistics

    doc = scenarios.scenario(NODES, slug="bench-statistics")
    exercise, version, _ = services.exercise_import(academy=Academy.objects.get(pk=academy_id), document=doc)
    rng = random.Random(9)
    pool = []
    for _ in range(POOL):
        answers = _random_path(doc, rng)
        pool.append((answers, grading.grade(doc, answers, bounds=version.bounds)))
    figures, seeded = {"nodes": NODES, "distinct_paths": POOL}, 0
    for size in sizes:
        started = time.perf_counter()
        while seeded < size:
            now = timezone.now()
            picks = [pool[rng.randrange(POOL)] for _ in range(min(CHUNK, size - seeded))]
            rows = Attempt.objects.bulk_create([
                Attempt(exercise=exercise, version=version, status=Attempt.Status.GRADED, answers=answers,
                        result=result, score=result["overall"], passed=result["passed"], submitted_at=now,
                        graded_at=now) for answers, result in picks])
            with transaction.atomic():
                statistics_record([(attempt, None) for attempt in rows])
            seeded += len(rows)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE assessments_attempt; ANALYZE assessments_statisticcell; "
                           "ANALYZE assessments_attemptstep")
        seed_s = time.perf_counter() - started
        stats = version_statistics(version)
        if stats["attempts"] != size:
            raise RuntimeError(f"B9: {stats['attempts']} attempts counted, {size} seeded")
        stats_us, scan_us = _pair_us(lambda: version_statistics(version), lambda: _scan(version.pk), budget_s)
        figures[str(size)] = {
            "seed_s": round(seed_s, 1), "statistics": stats_us, "scan": scan_us,
            "cells": StatisticCell.objects.filter(version=version).count(),
            "steps": AttemptStep.objects.filter(version=version).count(),
        }
        log(f"B9: {size:,} attempts (seeded in {seed_s:.1f} s): statistics {stats_us['median_us'] / 1000:.2f} ms, "
            f"scan {scan_us['median_us'] / 1000:.2f} ms (medians)")
    return figures
