"""Row writes for the grading worker's hot path, without the ORM's per-call cost.

At a deadline's backlog the worker answers hundreds of messages a second,
most with one conditional UPDATE, and writes results in batches. Building
those statements through the QuerySet API cost more than the database did
(docs/benchmarks.md, B4). These helpers build the same SQL once from the
model's metadata, prepare each value through its field as the ORM does
(JSON, time zones, auto_now_add), and go through Django's cursor, so
transactions, error mapping and query logging behave as for any query.
With psycopg, `executemany` sends all its statements in one pipeline: one
round trip for a batch.
"""
from django.db import connections, router
from django.db.models import Model


def _db(model):
    connection = connections[router.db_for_write(model)]
    return connection, connection.ops.quote_name


def update_if(model: type[Model], pk, values: dict, where: dict, skip_locked: bool = False) -> int:
    """UPDATE one row by primary key when its columns equal `where`; returns 1 or 0.

    With skip_locked, a row another transaction holds locked counts as not
    matching instead of being waited for (where the database has row locks).
    """
    connection, quote = _db(model)
    meta = model._meta
    sets = [meta.get_field(name) for name in values]
    tests = [meta.get_field(name) for name in where]
    table, pk_column = quote(meta.db_table), quote(meta.pk.column)
    condition = f"{pk_column} = %s" + "".join(f" AND {quote(f.column)} = %s" for f in tests)
    if skip_locked and connection.features.has_select_for_update_skip_locked:
        condition = f"{pk_column} IN (SELECT {pk_column} FROM {table} WHERE {condition} FOR UPDATE SKIP LOCKED)"
    sql = f"UPDATE {table} SET {', '.join(f'{quote(f.column)} = %s' for f in sets)} WHERE {condition}"
    params = ([f.get_db_prep_save(values[f.name], connection) for f in sets] + [pk]
              + [f.get_db_prep_save(where[f.name], connection) for f in tests])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def update_each(objs: list[Model], field_names: list[str]) -> None:
    """Save these fields of each object (what save(update_fields=...) writes), in one round trip.

    Django's bulk_update builds a CASE per field and row, which costs more than the round trips it saves.
    """
    if not objs:
        return
    connection, quote = _db(type(objs[0]))
    meta = objs[0]._meta
    fields = [meta.get_field(name) for name in field_names]
    sql = (f"UPDATE {quote(meta.db_table)} SET {', '.join(f'{quote(f.column)} = %s' for f in fields)} "
           f"WHERE {quote(meta.pk.column)} = %s")
    rows = [[f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk] for obj in objs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def insert_each(objs: list[Model]) -> None:
    """INSERT new objects in one round trip; their primary keys are not read back.

    bulk_create on PostgreSQL sends arrays (UNNEST), whose escaping of JSON
    text cost more per row than the statements themselves.
    """
    if not objs:
        return
    connection, quote = _db(type(objs[0]))
    meta = objs[0]._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    sql = (f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    rows = [[f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields] for obj in objs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
