"""Scenario statistics (spec "Statistics"): kept as counts, read at the cost of a version's shape.

Decision (docs/benchmarks.md, B9): the counts are maintained in the grading transactions, not
aggregated from the attempts at each read. Discrimination ranks the attempts that reached a node by
overall, which an aggregate over the attempts can only do by sorting them all, per node, at every
read. But a reported overall has one decimal, so a node's ranking is a walk over at most 1,001
score buckets: per version, node, item and overall, `StatisticCell` counts the attempts, and only the
attempts tied in the bucket that straddles a group boundary are read one by one, from `AttemptStep`
(earliest first, by id), to split the tie. Grading, regrades, overrides and reversals replace an
attempt's previous contribution in the same transaction as its result, so the counts are exact
whenever a result is; an attempt deleted while graded takes its contribution with it
(`statistics_forget`, on pre_delete). Only counted attempts (not previews, not practice) are kept.

A class's statistics read its few attempts and run the pure engine on them; quizzes too (item
analysis). Both give the same numbers as the engine on the version's attempts (tests/services).
"""
from collections import Counter, defaultdict

from django.db import connections, router
from django.db.models import Count

from .grading import statistics as engine
from .models import Attempt, AttemptStep, ExerciseVersion, StatisticCell

GRADED = Attempt.Status.GRADED


def _counted(attempt: Attempt) -> bool:
    return not attempt.preview and not attempt.practice


def _contribution(attempt: Attempt, result: dict | None):
    if not result or not _counted(attempt):
        return None, []
    path = engine.attempt_path(attempt.answers, result)
    if not path:
        return None, []
    return engine.overall_tenths(result), path


def statistics_record(changes: list[tuple[Attempt, dict | None]], *, removed: bool = False) -> None:
    """Replace the contributions of attempts whose result changed: (attempt with its new result applied,
    the result it had before or None). Call inside the transaction that writes the results. With
    `removed`, the attempts leave the statistics (deleted) and add nothing new."""
    delta: Counter = Counter()
    forget, steps = [], []
    for attempt, previous in changes:
        tenths, path = _contribution(attempt, previous)
        if path:
            forget.append(attempt.pk)
            for node, item in engine.cell_keys(path):
                delta[(attempt.version_id, node, item, tenths)] -= 1
        current = attempt.result if attempt.status == GRADED and not removed else None
        tenths, path = _contribution(attempt, current)
        if not path:
            continue
        for node, item in engine.cell_keys(path):
            delta[(attempt.version_id, node, item, tenths)] += 1
        steps.extend(AttemptStep(attempt_id=attempt.pk, version_id=attempt.version_id, node=node, overall=tenths,
                                 choice=choice or "", met=list(met)) for node, choice, met in path)
    if forget:
        AttemptStep.objects.filter(attempt_id__in=forget).delete()
    if steps:
        from . import rows
        rows.insert_each(steps)
    _add(delta)


def statistics_forget(attempts: list[Attempt]) -> None:
    """Take the contributions of attempts being deleted out of the counts."""
    changes = [(a, a.result) for a in attempts if a.status == GRADED and _counted(a)]
    if changes:
        statistics_record(changes, removed=True)


def _add(delta: Counter) -> None:
    """Add to the cells in one round trip; keys in order, so concurrent batches lock them in one order."""
    items = sorted((key, n) for key, n in delta.items() if n)
    if not items:
        return
    connection = connections[router.db_for_write(StatisticCell)]
    quote = connection.ops.quote_name
    table = quote(StatisticCell._meta.db_table)
    count = quote("count")
    sql = (f"INSERT INTO {table} (version_id, node, item, overall, {count}) VALUES (%s, %s, %s, %s, %s) "
           f"ON CONFLICT (version_id, node, item, overall) DO UPDATE SET {count} = {table}.{count} + EXCLUDED.{count}")
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[*key, n] for key, n in items])


# --- reads ---------------------------------------------------------------------------------


def _boundary(buckets: dict[int, int], k: int, descending: bool) -> tuple[int, tuple[int, int] | None]:
    """Walk a node's score buckets from one end until k attempts. Returns the limit of the buckets taken
    whole (overall >= it for the upper group, <= it for the lower) and the bucket split at the boundary
    with how many of its attempts the group takes (or None)."""
    taken, limit = 0, None
    step = 1 if descending else -1
    for overall in sorted(buckets, reverse=descending):
        n = buckets[overall]
        if taken + n <= k:
            taken, limit = taken + n, overall
            if taken == k:
                return limit, None
        else:
            return overall + step, (overall, k - taken)  # scores are whole tenths: the next one is whole
    return limit, None


def _sql(model) -> tuple:
    connection = connections[router.db_for_read(model)]
    return connection, connection.ops.quote_name


def _group_totals(version_id: int, limits: dict[str, tuple[int, int]]) -> dict[tuple[str, str], list[int]]:
    """Per (node, item): [attempts, in the upper group's whole buckets, in the lower group's], summed
    by the database over the score cells in one query."""
    connection, quote = _sql(StatisticCell)
    table, count = quote(StatisticCell._meta.db_table), quote("count")
    # One row per node with groups (and a row no cell matches, so the list is never empty).
    rows = [("", 0, 0), *((node, hi, lo) for node, (hi, lo) in limits.items())]
    params = [value for row in rows for value in row]
    values = ", ".join(["(%s, %s, %s)"] * len(rows))
    sql = (f"WITH g(node, hi, lo) AS (VALUES {values}) "
           f"SELECT c.node, c.item, SUM(c.{count}), "
           f"SUM(CASE WHEN c.overall >= g.hi THEN c.{count} ELSE 0 END), "
           f"SUM(CASE WHEN c.overall <= g.lo THEN c.{count} ELSE 0 END) "
           f"FROM {table} AS c LEFT JOIN g ON g.node = c.node "
           f"WHERE c.version_id = %s AND c.item <> '' GROUP BY c.node, c.item")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, version_id])
        return {(node, item): [int(total or 0), int(up or 0), int(low or 0)] for node, item, total, up, low
                in cursor.fetchall()}


def _split_ties(version_id: int, splits: list[tuple[str, int, int, bool]]) -> dict[tuple[str, bool], Counter]:
    """The items of the first (upper group) or last (lower group) attempts tied in each split bucket:
    (node, overall, how many, upper?) each, all in one query."""
    if not splits:
        return {}
    connection, quote = _sql(AttemptStep)
    table = quote(AttemptStep._meta.db_table)
    parts, params = [], []
    for i, (node, overall, take, upper) in enumerate(splits):
        order = "attempt_id" if upper else "attempt_id DESC"
        parts.append(f"SELECT * FROM (SELECT {i} AS part, choice, met FROM {table} WHERE version_id = %s AND "
                     f"node = %s AND overall = %s ORDER BY {order} LIMIT %s) AS t{i}")
        params += [version_id, node, overall, take]
    found: dict[tuple[str, bool], Counter] = defaultdict(Counter)
    field = AttemptStep._meta.get_field("met")
    # Counted by the database: what comes back is one row per distinct (bucket, choice, criteria met).
    sql = f"SELECT part, choice, met, COUNT(*) FROM ({' UNION ALL '.join(parts)}) AS tied GROUP BY part, choice, met"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for part, choice, met, n in cursor.fetchall():
            node, _, _, upper = splits[part]
            counter = found[(node, upper)]
            if choice:
                counter[f"c:{choice}"] += n
            for criterion in field.from_db_value(met, None, connection) if isinstance(met, str) else met:
                counter[f"m:{criterion}"] += n
    return found


def _items_of(document_node: dict) -> tuple[str, list[str]] | None:
    if document_node.get("type") == "choice":
        return "choices", [c["id"] for c in document_node.get("choices", [])]
    if document_node.get("type") == "reply":
        return "criteria", [c["id"] for c in (document_node.get("rubric") or {}).get("criteria") or []]
    return None


def version_statistics(version: ExerciseVersion) -> dict:
    """The spec's statistics of a scenario version from the maintained counts, in three queries: the
    reach per node and score, the items' totals in and out of the groups' whole buckets (summed by
    the database), and the attempts tied in the buckets split at a group boundary (one UNION)."""
    reach: dict[str, dict[int, int]] = defaultdict(dict)
    attempts = 0
    cells = (StatisticCell.objects.filter(version=version, item=engine.REACHED, count__gt=0)
             .values_list("node", "overall", "count"))
    for node, overall, count in cells:
        if node == "":
            attempts += count
        else:
            reach[node][overall] = count
    reached = {node: sum(buckets.values()) for node, buckets in reach.items()}
    limits, splits = {}, []
    for node, buckets in reach.items():
        if reached[node] < engine.MIN_FOR_DISCRIMINATION:
            continue
        k = engine.group_size(reached[node])
        upper, upper_split = _boundary(buckets, k, descending=True)
        lower, lower_split = _boundary(buckets, k, descending=False)
        limits[node] = (upper, lower)
        splits += [(node, *split, is_upper) for split, is_upper in ((upper_split, True), (lower_split, False)) if split]
    totals = _group_totals(version.pk, limits)
    ties = _split_ties(version.pk, splits)
    nodes = []
    for document_node in version.document["nodes"]:
        node_id = document_node["id"]
        n = reached.get(node_id, 0)
        entry: dict = {"id": node_id, "reached": n}
        listed = _items_of(document_node)
        if listed is not None:
            key, ids = listed
            prefix = "c:" if key == "choices" else "m:"
            rows = []
            for item_id in ids:
                item = prefix + item_id
                count, upper, lower = totals.get((node_id, item), [0, 0, 0])
                d = None
                if node_id in limits:
                    d = engine.discrimination_from_counts(
                        reached=n, upper=upper + ties.get((node_id, True), Counter())[item],
                        lower=lower + ties.get((node_id, False), Counter())[item])
                rows.append({"id": item_id, "count": count, "share": count / n if n else None, "discrimination": d})
            entry[key] = rows
        nodes.append(entry)
    return {"attempts": attempts, "nodes": nodes}


def attempts_statistics(version: ExerciseVersion, attempts) -> dict:
    """The same numbers from attempts read one by one (a class's, or a quiz's item analysis): `attempts`
    is a queryset of counted attempts; its graded ones of this version are used, earliest first."""
    graded = attempts.filter(version=version, status=GRADED).order_by("id").values_list("answers", "result")
    if version.exercise.kind == version.exercise.Kind.QUIZ:
        rows = [{"overall": result["overall"],
                 "earned": {q["id"]: q.get("earned", 0) for q in result.get("questions", [])}}
                for _, result in graded]
        return engine.quiz_statistics(version.document, rows)
    rows = [{"overall": result["overall"], "path": engine.attempt_path(answers, result)} for answers, result in graded]
    return engine.scenario_statistics(version.document, rows)


def stopped_at(version: ExerciseVersion, attempts=None) -> dict[str, int]:
    """Where counted attempts in progress stand: {node: how many} (read through a partial index)."""
    attempts = Attempt.objects.counted() if attempts is None else attempts
    counts = (attempts.filter(version=version, status=Attempt.Status.IN_PROGRESS).order_by()
              .values_list("current_node").annotate(n=Count("id")))
    return {node: n for node, n in counts if node}


def statistics_report(version: ExerciseVersion, *, attempts=None) -> dict:
    """Everything the API and the pages show for a version: the spec's numbers, where attempts in
    progress stopped, and the flags. `attempts` (a class's) limits it to those attempts."""
    if attempts is None and version.exercise.kind == version.exercise.Kind.SCENARIO:
        stats = version_statistics(version)
    else:
        stats = attempts_statistics(version, Attempt.objects.counted() if attempts is None else attempts)
    stopped = stopped_at(version, attempts) if "nodes" in stats else {}
    return {"version": version.number, "kind": version.exercise.kind, **stats,
            "stopped": [{"node": node, "count": n} for node, n in sorted(stopped.items())],
            "flags": engine.statistics_flags(stats, stopped=stopped)}


def connect_signals() -> None:
    from django.db.models.signals import pre_delete

    def forget(sender, instance, **kwargs):
        statistics_forget([instance])

    pre_delete.connect(forget, sender=Attempt, dispatch_uid="assessments.statistics.forget", weak=False)
