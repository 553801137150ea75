"""Print B2's raw SQL for a class, to time it in psql:

    set -a; . var/bench/reproduce.env; set +a
    .venv/bin/python -m bench.rawsql "$BENCH_CLASS_ID" > /tmp/b2.sql
    psql -h 127.0.0.1 -U postgres parley_bench -c '\\timing on' -f /tmp/b2.sql
"""
import os
import sys


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from .measure import _raw_sql

    class_id = int(sys.argv[1])
    print(_raw_sql().replace("%%", "%").replace("%(cls)s", str(class_id)).strip() + ";")
    return 0


if __name__ == "__main__":
    sys.exit(main())
