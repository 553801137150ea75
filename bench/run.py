"""`python -m bench.run --quick` (make bench) or `--full` (make bench-full).

Creates its own PostgreSQL database (parley_bench, dropped and recreated),
uses Redis db 13 as broker and cache, seeds data in bulk, starts gunicorn and
Celery workers as in production (DEBUG off), measures B1 to B9, writes
var/bench/results.json and regenerates this mode's section of
docs/benchmarks.md. Loopback only; every loop is bounded in count and time.
"""
import argparse
import os
import shlex
import sys
import time
from dataclasses import dataclass, replace

from . import infra

MODES = {
    "quick": dict(learners=10_000, grow_to=30_000, b1_rounds=300, b1_warmup=30, b2_reps=30, b2_warmup=5,
                  b3_seconds=20, b3_max_requests=20_000, b4_attempts=2_000, b5_budget=0.5, pool=400,
                  b8_learners=1_000, b8_seconds=30.0, b9_sizes=(10_000, 100_000)),
    "full": dict(learners=10_000, grow_to=100_000, b1_rounds=1_000, b1_warmup=50, b2_reps=100, b2_warmup=10,
                 b3_seconds=60, b3_max_requests=200_000, b4_attempts=10_000, b5_budget=2.0, pool=400,
                 b8_learners=2_000, b8_seconds=60.0, b9_sizes=(10_000, 100_000)),
}


@dataclass(frozen=True)
class Config:
    mode: str
    learners: int
    grow_to: int | None
    b1_rounds: int
    b1_warmup: int
    b2_reps: int
    b2_warmup: int
    b3_seconds: float
    b3_max_requests: int
    b4_attempts: int
    b5_budget: float
    pool: int
    b8_learners: int  # B8: this many learners submit within b8_seconds (2,000 in 60 s at full size)
    b8_seconds: float
    b9_sizes: tuple[int, int]  # B9: statistics of a version at these numbers of graded attempts
    users: int = 50
    web_workers: int = 2
    web_threads: int = 4
    worker_concurrency: int = 2
    class_size: int = 200
    only: tuple[str, ...] = ()  # run only these of B1..B5, B8, B10, B1E (B6 needs B1 and B2)


_T0 = time.monotonic()


def log(message: str) -> None:
    print(f"[bench {time.monotonic() - _T0:6.1f}s] {message}", flush=True)


def parse(argv) -> tuple[Config, list[str]]:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--quick", action="store_true", help="smaller sizes, under 5 minutes (the default)")
    group.add_argument("--full", action="store_true", help="the sizes of the benchmark table")
    parser.add_argument("--no-growth", action="store_true", help="skip B6 (the 100,000-learner database)")
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--web-threads", type=int, default=4)
    parser.add_argument("--worker-concurrency", type=int, default=2)
    parser.add_argument("--users", type=int, default=50, help="B3 concurrent users")
    parser.add_argument("--b3-seconds", type=float)
    parser.add_argument("--b4-attempts", type=int)
    parser.add_argument("--no-docs", action="store_true", help="do not rewrite docs/benchmarks.md")
    parser.add_argument("--only", help="comma-separated: run only these of B1,B2,B3,B4,B5,B8,B9,B10,B1e (implies "
                                       "--no-docs and --no-growth unless B1 and B2 are both named)"
                                       "; for profiling one figure")
    args = parser.parse_args(argv)
    mode = "full" if args.full else "quick"
    cfg = Config(mode=mode, **MODES[mode])
    cfg = replace(cfg, web_workers=args.web_workers, web_threads=args.web_threads,
                  worker_concurrency=args.worker_concurrency, users=args.users)
    if args.no_growth:
        cfg = replace(cfg, grow_to=None)
    if args.b3_seconds:
        cfg = replace(cfg, b3_seconds=args.b3_seconds)
    if args.b4_attempts:
        cfg = replace(cfg, b4_attempts=args.b4_attempts)
    if args.only:
        only = tuple(sorted({part.strip().upper() for part in args.only.split(",") if part.strip()}))
        unknown = set(only) - {"B1", "B2", "B3", "B4", "B5", "B8", "B9", "B10", "B1E"}
        if unknown:
            parser.error(f"--only: unknown {', '.join(sorted(unknown))}")
        cfg = replace(cfg, only=only)
        if not {"B1", "B2"} <= set(only):
            cfg = replace(cfg, grow_to=None)
    # docs/benchmarks.md shows whole runs only
    flags = ["--no-docs"] if args.no_docs or args.only else []
    return cfg, flags


def main(argv=None) -> int:
    cfg, flags = parse(sys.argv[1:] if argv is None else argv)
    command = "python -m bench.run " + " ".join(shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv))
    env = infra.bench_env()
    os.environ.update(env)
    infra.VAR.mkdir(parents=True, exist_ok=True)
    infra.LOGS.mkdir(parents=True, exist_ok=True)
    for old in infra.LOGS.glob("*.log"):
        old.unlink()

    from .results import Results

    machine = infra.machine_info()
    results = Results(mode=cfg.mode, commit=infra.git_commit(), machine=machine, command=command.strip())
    results.details["config"] = cfg.__dict__
    log(f"{cfg.mode} mode on {machine['summary']}, commit {results.commit}")

    seconds = infra.fresh_database(log)
    log(f"database {infra.DB_NAME} ready in {seconds:.1f} s")
    import django

    django.setup()
    from .suite import Suite

    suite = Suite(cfg, env, results, log)
    try:
        suite.run()
    except BaseException as exc:
        results.notes.append(f"the run stopped early: {type(exc).__name__}: {exc}")
        raise
    else:
        if "--no-docs" not in flags:
            from .report import write_docs

            log(f"wrote {write_docs(results).relative_to(infra.ROOT)}")
    finally:
        suite.close()
        paths = results.write()
        log(f"wrote {', '.join(str(p.relative_to(infra.ROOT)) for p in paths)}")
    missed = [r.metric for r in results.records if r.met is False]
    log(f"done in {time.monotonic() - _T0:.0f} s; targets missed: {', '.join(missed) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
