"""The benchmark sequence: seed, then B1 to B10, recording as it goes."""
import os
import sys
import time

from . import burst, embedded, infra, loadgen, measure, scenarios, seed


def web_command(cfg, port: int) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
            "--workers", str(cfg.web_workers), "--worker-class", "gthread", "--threads", str(cfg.web_threads),
            "--keep-alive", "5", "--backlog", "2048", "--log-level", "warning"]


def worker_command(cfg) -> list[str]:
    return [sys.executable, "-m", "celery", "-A", "bench.celery_app", "worker", "-Q", "grading,default",
            "-c", str(cfg.worker_concurrency), "-P", "prefork", "--without-gossip", "--without-mingle",
            "--without-heartbeat", "--loglevel", "WARNING", "-n", "bench@%h"]


def process_peaks(pid: int) -> dict:
    """VmHWM of a process and of each of its children, in MB."""
    kids = infra.children(pid)
    return {"main": infra.peak_rss_mb(pid), "children": [infra.peak_rss_mb(k) for k in kids]}


class Suite:
    def __init__(self, cfg, env, results, log):
        self.cfg, self.env, self.results, self.log = cfg, env, results, log
        self.world = seed.World()
        self.web = None
        self.worker = None
        self.redis = infra.redis_client()
        self.port = infra.free_port()

    # --- processes ------------------------------------------------------------------

    def start_web(self):
        self.web = infra.Process("gunicorn", web_command(self.cfg, self.port), self.env)
        try:
            infra.wait_http(f"http://127.0.0.1:{self.port}/api/v1/courses/", timeout=60)
        except RuntimeError:
            raise RuntimeError(f"gunicorn did not start:\n{self.web.tail()}") from None
        self.log(f"gunicorn on 127.0.0.1:{self.port}: {self.cfg.web_workers} workers x {self.cfg.web_threads} threads"
                 f" (pid {self.web.pid})")

    def start_worker(self, name: str, wait: bool = True, settings: str | None = None):
        from .celery_app import READY_KEY

        self.redis.delete(READY_KEY)
        env = {**self.env, "DJANGO_SETTINGS_MODULE": settings} if settings else self.env
        worker = infra.Process(name, worker_command(self.cfg), env)
        if wait:
            deadline = time.monotonic() + 60
            while self.redis.get(READY_KEY) is None:
                if not worker.alive() or time.monotonic() > deadline:
                    worker.stop()
                    raise RuntimeError(f"the Celery worker did not start:\n{worker.tail()}")
                time.sleep(0.05)
        return worker

    def close(self):
        for proc in (self.worker, self.web):
            if proc is not None:
                proc.stop()
        self.worker = self.web = None

    def load(self, label: str) -> None:
        """Note the machine's load average: other work on a shared machine moves absolute figures."""
        self.results.details.setdefault("loadavg", {})[label] = [round(x, 2) for x in os.getloadavg()]

    # --- the sequence ---------------------------------------------------------------

    def run(self):
        cfg, world = self.cfg, self.world
        self.redis.flushdb()
        started = time.perf_counter()
        seed.content(world)
        self.log(f"course tree of {len(world.lesson_ids)} lessons and the 30-node scenario published in "
                 f"{time.perf_counter() - started:.1f} s")
        wanted = set(cfg.only or ("B1", "B2", "B3", "B4", "B5", "B8", "B1E", "B9", "B10"))
        if wanted <= {"B5", "B9"}:  # neither reads the learners: their seeding is skipped
            for name in ("B5", "B9"):
                if name in wanted:
                    getattr(self, name.lower())()
            return
        seconds = seed.learners(world, cfg.learners)
        seed.analyze()
        self.log(f"{cfg.learners} learners seeded in {seconds:.1f} s ({self.counts()})")
        self.results.details["seed"] = {"learners": cfg.learners, "seconds": round(seconds, 1), "rows": self.counts()}

        tokens = seed.tokens_for([world.bench_learner_id, world.bench_teacher_id])
        self.learner_token, self.teacher_token = tokens[world.bench_learner_id], tokens[world.bench_teacher_id]
        pool_ids = world.learners[1000:1000 + cfg.pool]
        self.pool_tokens = list(seed.tokens_for(pool_ids).values())
        self.write_reproduce_env()

        self.results.details["seed_timing"] = dict(world.timing)
        if wanted & {"B1", "B2", "B3", "B8", "B10"}:
            self.start_web()
        b1 = self.b1("base") if "B1" in wanted else None
        b2 = self.b2("base") if "B2" in wanted else None
        if cfg.grow_to:
            self.b6(b1, b2)
        if "B10" in wanted:
            self.b10()  # before B3 and B4, on the web workers B1 warmed
        for name in ("B3", "B8", "B4", "B5", "B1E", "B9"):
            if name in wanted:
                getattr(self, name.lower())()

    def write_reproduce_env(self) -> None:
        """var/bench/reproduce.env: what a person needs to re-measure by hand against the bench database
        (its tokens only open this throwaway database; the file is git-ignored)."""
        world = self.world
        keys = ("DJANGO_SETTINGS_MODULE", "DEBUG", "PARLEY_DEMO", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT",
                "SECURE_HSTS_SECONDS", "DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL", "LOG_LEVEL")
        lines = [f"{k}={self.env[k]}" for k in keys] + [
            f"BENCH_COURSE_ID={world.course_id}", f"BENCH_CLASS_ID={world.bench_class_id}",
            f"BENCH_EXERCISE_ID={world.exercise_id}", f"BENCH_LEARNER_TOKEN={self.learner_token}",
            f"BENCH_TEACHER_TOKEN={self.teacher_token}",
        ]
        path = infra.VAR / "reproduce.env"
        path.write_text("\n".join(lines) + "\n")
        path.chmod(0o600)

    def counts(self) -> dict:
        from django.db import connection

        tables = {"users": "accounts_user", "enrolments": "courses_enrolment", "completions":
                  "courses_lessonread", "attempts": "assessments_attempt", "memberships":
                  "courses_classmembership"}
        out = {}
        with connection.cursor() as cur:
            for name, table in tables.items():
                cur.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
                out[name] = cur.fetchone()[0]
        return out

    # --- B1 ----------------------------------------------------------------------------

    def b1(self, label: str) -> dict:
        cfg = self.cfg
        self.load(f"B1_{label}")
        figures = measure.b1_progress(self.port, self.world.course_id, self.learner_token, cfg.b1_rounds,
                                      cfg.b1_warmup)
        self.results.details[f"B1_{label}"] = figures
        self.log(f"B1 ({label}): progress p50 {figures['progress']['p50']} ms p95 {figures['progress']['p95']} ms; "
                 f"me p50 {figures['me']['p50']} ms p95 {figures['me']['p95']} ms; ratios "
                 f"{figures['median_ratio']} / {figures['p95_ratio']}")
        if label == "base":
            add = self.results.add
            desc = (f"GET /api/v1/courses/{{id}}/progress/ ({figures['lessons']} lessons, {figures['completed']} "
                    f"completed) with {cfg.learners:,} learners, {cfg.b1_rounds} requests each, interleaved with "
                    "GET /api/v1/me/ on one keep-alive connection")
            add("B1", "B1.progress_median_ratio", figures["median_ratio"], "x", "<= 2.0",
                "median latency of progress / median of GET /me/. " + desc)
            add("B1", "B1.progress_p95_ratio", figures["p95_ratio"], "x", "<= 2.0", "p95 latency, same ratio")
            for name in ("progress", "me"):
                for q in ("p50", "p95"):
                    add("B1", f"B1.{name}_{q}_ms", figures[name][q], "ms", None, f"{name} {q} latency")
        return figures

    # --- B2 ------------------------------------------------------------------------------

    def b2(self, label: str) -> dict:
        cfg, world = self.cfg, self.world
        self.load(f"B2_{label}")
        figures = measure.b2_class_matrix(world.bench_class_id, cfg.b2_reps, cfg.b2_warmup)
        figures["http"] = measure.http_latency(self.port, f"/api/v1/classes/{world.bench_class_id}/progress/",
                                               self.teacher_token, max(20, cfg.b2_reps // 2))
        self.results.details[f"B2_{label}"] = figures
        self.log(f"B2 ({label}): class_progress+JSON p50 {figures['framework']['p50']} ms, raw SQL+json "
                 f"{figures['raw']['p50']} ms, ratio {figures['ratio']}; HTTP p50 {figures['http']['p50']} ms")
        if label == "base":
            add = self.results.add
            add("B2", "B2.class_matrix_ratio", figures["ratio"], "x", "<= 3.0",
                f"courses.progress.class_progress + DRF JSONRenderer ({figures['students']} students x "
                f"{figures['modules']} modules, {figures['bytes']:,} bytes) / one raw SQL query + json.dumps, "
                f"same process, medians of {cfg.b2_reps} interleaved runs")
            add("B2", "B2.class_matrix_ms", figures["framework"]["p50"], "ms", None, "selector + JSON, median")
            add("B2", "B2.raw_sql_ms", figures["raw"]["p50"], "ms", None, "raw SQL + json.dumps, median")
            add("B2", "B2.http_p50_ms", figures["http"]["p50"], "ms", None,
                "GET /api/v1/classes/{id}/progress/ through gunicorn, median")
        return figures

    # --- B6 ------------------------------------------------------------------------------

    def b6(self, b1_small: dict, b2_small: dict) -> None:
        cfg = self.cfg
        seconds = seed.learners(self.world, cfg.grow_to - cfg.learners)
        started = time.perf_counter()
        seed.analyze()
        self.log(f"grown to {cfg.grow_to} learners in {seconds:.1f} s + VACUUM (ANALYZE) "
                 f"{time.perf_counter() - started:.1f} s ({self.counts()})")
        self.results.details["seed_growth"] = {"learners": cfg.grow_to, "seconds": round(seconds, 1),
                                               "rows": self.counts(), "timing": dict(self.world.timing)}
        b1_big = self.b1("grown")
        b2_big = self.b2("grown")
        add = self.results.add
        size = f"{cfg.learners:,} -> {cfg.grow_to:,} learners"
        add("B6", "B6.progress_growth_ratio", measure.ratio(b1_big["progress"]["p50"], b1_small["progress"]["p50"]),
            "x", "<= 1.2", f"B1 progress median latency, {size}")
        add("B6", "B6.progress_p95_growth_ratio", measure.ratio(b1_big["progress"]["p95"],
                                                                b1_small["progress"]["p95"]),
            "x", None, f"B1 progress p95 latency, {size}")
        add("B6", "B6.progress_growth_ratio_drift_corrected", measure.ratio(b1_big["median_ratio"],
                                                                          b1_small["median_ratio"]),
            "x", None, f"B1's progress/me ratio after growth / before ({size}): growth with the machine's drift "
            "(both endpoints slowed alike by other load) taken out")
        add("B6", "B6.class_matrix_growth_ratio_drift_corrected", measure.ratio(b2_big["ratio"], b2_small["ratio"]),
            "x", None, f"B2's selector/raw-SQL ratio after growth / before ({size}); the raw query grows too")
        add("B6", "B6.me_growth_ratio", measure.ratio(b1_big["me"]["p50"], b1_small["me"]["p50"]), "x", None,
            f"GET /me/ median latency, {size} (drift indicator)")
        add("B6", "B6.class_matrix_growth_ratio",
            measure.ratio(b2_big["framework"]["p50"], b2_small["framework"]["p50"]), "x", "<= 1.2",
            f"B2 class matrix (selector + JSON) median, {size}")
        add("B6", "B6.class_http_growth_ratio", measure.ratio(b2_big["http"]["p50"], b2_small["http"]["p50"]), "x",
            None, f"B2 over HTTP, median, {size}")
        add("B6", "B6.progress_median_ratio_grown", b1_big["median_ratio"], "x", "<= 2.0",
            f"B1's ratio measured with {cfg.grow_to:,} learners")
        add("B6", "B6.class_matrix_ratio_grown", b2_big["ratio"], "x", "<= 3.0",
            f"B2's ratio measured with {cfg.grow_to:,} learners")

    # --- B3 + B7 (web, worker during B3) -----------------------------------------------------

    def b3(self) -> None:
        from django.utils import timezone

        from assessments.models import Attempt

        cfg, world = self.cfg, self.world
        self.load("B3")
        self.worker = self.start_worker("worker-b3")
        plan = {"course": world.course_id, "lessons": world.lesson_ids, "exercise": world.exercise_id,
                "moves": scenarios.moves(world.document, prefer="skip"),
                "path": scenarios.path(world.document, prefer="skip")}
        since = timezone.now()
        self.log(f"B3: {cfg.users} users for {cfg.b3_seconds:.0f} s (at most {cfg.b3_max_requests} requests)")
        figures = loadgen.run("127.0.0.1", self.port, plan, self.pool_tokens, cfg.users, cfg.b3_seconds,
                              cfg.b3_max_requests)
        # Let the worker grade what B3 submitted, then read both peaks.
        drain_started = time.perf_counter()
        deadline = time.monotonic() + 120
        while measure.queue_depth(self.redis) and time.monotonic() < deadline:
            time.sleep(0.1)
        figures["grading_drain_seconds"] = round(time.perf_counter() - drain_started, 2)
        submitted = Attempt.objects.filter(submitted_at__gte=since)
        figures["attempts_submitted"] = submitted.count()
        figures["attempts_graded"] = submitted.filter(status=Attempt.Status.GRADED).count()
        web_peaks = process_peaks(self.web.pid)
        worker_peaks = process_peaks(self.worker.pid)
        figures["peaks_mb"] = {"web": web_peaks, "worker": worker_peaks}
        self.worker.stop()
        self.worker = None
        self.results.details["B3"] = figures
        self.log(f"B3: {figures['requests']} requests, {figures['throughput_rps']} req/s, errors {figures['errors']}, "
                 f"p50/p95/p99 {figures['all'].get('p50')}/{figures['all'].get('p95')}/{figures['all'].get('p99')} ms;"
                 f" graded {figures['attempts_graded']}/{figures['attempts_submitted']}")
        add = self.results.add
        desc = (f"{cfg.users} concurrent users, closed loop without think time, {figures['seconds']} s, gunicorn "
                f"gthread {cfg.web_workers}x{cfg.web_threads}, one Celery worker (-c {cfg.worker_concurrency}) grading")
        add("B3", "B3.throughput_rps", figures["throughput_rps"], "req/s", None, desc)
        add("B3", "B3.errors", figures["errors"], "count", "== 0", "non-2xx answers and failed requests")
        add("B3", "B3.ungraded_after_drain", figures["attempts_submitted"] - figures["attempts_graded"], "count",
            "== 0", "attempts submitted during B3 and not graded once the queue drained")
        for q in ("p50", "p95", "p99"):
            add("B3", f"B3.all_{q}_ms", figures["all"].get(q), "ms", None, f"every request, {q}")
        for name, ep in figures["endpoints"].items():
            for q in ("p50", "p95", "p99"):
                add("B3", f"B3.{name}_{q}_ms", ep.get(q), "ms", None, f"{name}: {ep.get('n', 0)} requests")
        web_max = max([p for p in web_peaks["children"] if p] or [0])
        add("B7", "B7.web_peak_rss_mb", web_max, "MB", None,
            f"largest VmHWM of the {len(web_peaks['children'])} gunicorn workers after B3 (master "
            f"{web_peaks['main']} MB)")
        self._worker_peak("B7.worker_peak_rss_mb_b3", worker_peaks, "after B3")

    def _worker_peak(self, metric: str, peaks: dict, when: str) -> None:
        values = [p for p in [peaks["main"], *peaks["children"]] if p]
        self.results.add("B7", metric, max(values or [0]), "MB", None,
                         f"largest VmHWM of the Celery worker's processes {when} (main {peaks['main']} MB, pool "
                         f"children {peaks['children']} MB; sum {round(sum(values), 1)} MB)")

    # --- B8: a deadline burst ---------------------------------------------------------------

    def b8(self) -> None:
        cfg, world = self.cfg, self.world
        self.load("B8")
        n = cfg.b8_learners
        learner_ids = world.learners[4000:4000 + n]
        if len(learner_ids) < n:
            raise RuntimeError(f"B8 needs {n} seeded learners beyond the first 4,000")
        started = time.perf_counter()
        tokens = list(seed.tokens_for(learner_ids).values())
        self.log(f"B8: {n} tokens in {time.perf_counter() - started:.1f} s; {n} learners submit within "
                 f"{cfg.b8_seconds:.0f} s, GET /me/ read every {burst.ME_EVERY} s")
        self.worker = self.start_worker("worker-b8")
        try:
            body = scenarios.path(world.document, prefer="on")
            web_pids = infra.children(self.web.pid)
            worker_pids = [self.worker.pid, *infra.children(self.worker.pid)]
            cpu_before = burst.cpu_seconds(web_pids), burst.cpu_seconds(worker_pids)
            figures = burst.run("127.0.0.1", self.port, world.exercise_id, body, tokens, self.learner_token,
                                cfg.b8_seconds)
            figures["web_cpu_s"] = round(burst.cpu_seconds(web_pids) - cpu_before[0], 2)
            figures.update(burst.grading_lag(figures.pop("attempt_ids"), figures["burst_ended_epoch"]))
            figures["worker_cpu_s"] = round(burst.cpu_seconds(worker_pids) - cpu_before[1], 2)
        finally:
            self.worker.stop()
            self.worker = None
        self.results.details["B8"] = figures
        sub, me = figures["submit"], figures["me"]
        self.log(f"B8: {figures['accepted']}/{n} accepted in {figures['burst_seconds']} s, errors {figures['errors']};"
                 f" submit p50/p95 {sub.get('p50')}/{sub.get('p95')} ms, me p95 {me.get('p95')} ms; grading lag "
                 f"p50/p95/max {figures['lag_p50_s']}/{figures['lag_p95_s']}/{figures['lag_max_s']} s, drained "
                 f"{figures['drained_after_burst_s']} s after the burst")
        add = self.results.add
        desc = (f"{n:,} learners each submit the {len(body['steps'])}-step path of the {len(world.document['nodes'])}"
                f"-node scenario at a random moment of a {cfg.b8_seconds:.0f} s window (open loop, {burst.SENDERS} "
                f"senders), gunicorn gthread {cfg.web_workers}x{cfg.web_threads}, one Celery worker "
                f"(-c {cfg.worker_concurrency}); GET /api/v1/me/ read every {burst.ME_EVERY} s meanwhile")
        add("B8", "B8.submit_to_me_p95_ratio", measure.ratio(sub.get("p95", 0), me.get("p95", 0)), "x", "<= 2.0",
            f"p95 of the submissions (202) / p95 of GET /me/ in the same run. {desc}")
        add("B8", "B8.grading_lag_p95_s", figures["lag_p95_s"], "s", "<= 5.0",
            "graded_at - submitted_at of the burst's attempts, from the database, p95")
        add("B8", "B8.errors", figures["errors"] + figures["me_errors"], "count", "== 0",
            "submissions not answered 202 and probe reads not answered 200")
        add("B8", "B8.ungraded", figures["ungraded"], "count", "== 0", "burst attempts not graded within 300 s")
        add("B8", "B8.burst_seconds", figures["burst_seconds"], "s", f"<= {cfg.b8_seconds * 1.1:g}",
            f"from the window's start to the last answer: every submission answered within the "
            f"{cfg.b8_seconds:.0f} s window (10 % for the last ones in flight), or the server fell behind")
        add("B8", "B8.web_cpu_ms_per_submission", round(1000 * figures["web_cpu_s"] / max(1, n), 1), "ms", None,
            f"CPU time of the gunicorn workers during the burst ({figures['web_cpu_s']} s, GET /me/ reads "
            "included) per submission")
        add("B8", "B8.worker_cpu_ms_per_attempt", round(1000 * figures["worker_cpu_s"] / max(1, n), 1), "ms", None,
            f"CPU time of the Celery worker's processes ({figures['worker_cpu_s']} s) per attempt graded")
        add("B8", "B8.submit_p50_ms", sub.get("p50"), "ms", None, "submission latency p50")
        add("B8", "B8.submit_p95_ms", sub.get("p95"), "ms", None, "submission latency p95")
        add("B8", "B8.me_p95_ms", me.get("p95"), "ms", None, f"GET /me/ p95 during the burst ({me.get('n', 0)} reads)")
        add("B8", "B8.start_delay_p95_ms", figures["start_delay"].get("p95"), "ms", None,
            "how late a submission left the client after its arrival time (all senders busy), p95")
        add("B8", "B8.grading_lag_p50_s", figures["lag_p50_s"], "s", None, "grading lag p50")
        add("B8", "B8.grading_lag_max_s", figures["lag_max_s"], "s", None, "grading lag, the longest")
        add("B8", "B8.drained_after_burst_s", figures["drained_after_burst_s"], "s", None,
            "the last burst attempt graded this long after the last submission was answered")

    # --- B10: a debrief against its attempt -----------------------------------------------------

    def b10(self) -> None:
        """The bench learner's real graded attempt of the whole long path (graded here by the engine's
        own service, so its result has every step), then its debrief against its detail, interleaved."""
        from assessments import services as assessment_services
        from assessments.models import Attempt

        cfg, world = self.cfg, self.world
        answers = scenarios.path(world.document, prefer="on")
        attempt = Attempt.objects.create(
            learner_id=world.bench_learner_id, exercise_id=world.exercise_id, version_id=world.version_id,
            status=Attempt.Status.SUBMITTED, current_node=answers["steps"][-1]["node"], answers=answers)
        assessment_services.attempt_grade(attempt_id=attempt.pk)
        self.load("B10")
        figures = measure.b10_debrief(self.port, attempt.pk, self.learner_token, cfg.b1_rounds, cfg.b1_warmup)
        self.results.details["B10"] = figures
        self.log(f"B10: debrief p50 {figures['debrief']['p50']} ms p95 {figures['debrief']['p95']} ms; attempt p50 "
                 f"{figures['attempt']['p50']} ms p95 {figures['attempt']['p95']} ms; ratios "
                 f"{figures['median_ratio']} / {figures['p95_ratio']}")
        add = self.results.add
        add("B10", "B10.debrief_median_ratio", figures["median_ratio"], "x", "<= 1.5",
            f"median latency of GET /api/v1/attempts/{{id}}/debrief/ / median of GET /api/v1/attempts/{{id}}/, the "
            f"same graded attempt of the 30-node scenario ({figures['steps']} decisions), {cfg.b1_rounds} requests "
            "each, interleaved on one keep-alive connection")
        add("B10", "B10.debrief_p95_ratio", figures["p95_ratio"], "x", None, "p95 latency, same ratio")
        for name in ("debrief", "attempt"):
            for q in ("p50", "p95"):
                add("B10", f"B10.{name}_{q}_ms", figures[name][q], "ms", None, f"{name} {q} latency")

    # --- B1e: B1's shape on `make run`'s embedded default -------------------------------------

    def b1e(self) -> None:
        cfg = self.cfg
        self.load("B1e")
        figures = embedded.b1_embedded(self.env, cfg.b1_rounds, cfg.b1_warmup, self.log)
        self.results.details["B1e"] = figures
        self.log(f"B1e (make run): progress p50 {figures['progress']['p50']} ms p95 {figures['progress']['p95']} ms;"
                 f" me p50 {figures['me']['p50']} ms p95 {figures['me']['p95']} ms; ratios {figures['median_ratio']}"
                 f" / {figures['p95_ratio']}")
        add = self.results.add
        desc = (f"`make run`'s setup (python -m config.run: gunicorn and the supervised worker, SQLite, file broker, "
                f"DEBUG and demo on): the demo student's progress in \"{figures['course']}\" ({figures['lessons']} "
                f"lessons, {figures['completed']} completed) against GET /api/v1/me/, {cfg.b1_rounds} requests each, "
                "interleaved on one keep-alive connection")
        add("B1e", "B1e.progress_median_ratio", figures["median_ratio"], "x", "<= 2.0",
            "median latency of progress / median of GET /me/. " + desc)
        add("B1e", "B1e.progress_p95_ratio", figures["p95_ratio"], "x", "<= 2.0", "p95 latency, same ratio")
        for name in ("progress", "me"):
            for q in ("p50", "p95"):
                add("B1e", f"B1e.{name}_{q}_ms", figures[name][q], "ms", None, f"{name} {q} latency on make run")

    # --- B4 + B7 (worker during B4) ------------------------------------------------------------

    def b4(self) -> None:
        from django.conf import settings as django_settings

        from assessments.models import Attempt
        from assessments.tasks import grade_attempt

        from .celery_app import READY_KEY, noop

        cfg, world = self.cfg, self.world
        self.load("B4")
        n = cfg.b4_attempts
        others = world.learners[2000:] or world.learners
        ids = seed.submitted_attempts(world, n, others)
        ids_again = seed.submitted_attempts(world, n, others)  # a second grading run, as noop runs twice
        self.log(f"B4: 2 x {n} submitted attempts of the {len(world.document['nodes'])}-node scenario "
                 f"({len(scenarios.path(world.document)['steps'])} steps) created")
        # Interleaved, each kind twice: the machine's load drifts over the minutes a run takes.
        plan = [("noop", ids, None), ("grading", ids, None), ("noop", ids, None), ("grading", ids_again, None)]
        runs = []
        for kind, batch, settings in plan:
            if measure.queue_depth(self.redis):
                raise RuntimeError("B4: the queue is not empty before a run")
            started = time.perf_counter()
            if kind == "noop":
                for attempt_id in batch:
                    noop.apply_async(args=[attempt_id], queue="grading")
            else:
                for attempt_id in batch:
                    grade_attempt.apply_async(args=[attempt_id])
            publish = time.perf_counter() - started
            worker = self.start_worker(f"worker-b4-{len(runs)}-{kind}", wait=False, settings=settings)
            try:
                seconds, startup = measure.drain_seconds(self.redis, READY_KEY, worker.alive, timeout=1800)
                peaks = process_peaks(worker.pid)
            finally:
                worker.stop()
            run = {"kind": kind, "tasks": n, "seconds": round(seconds, 3), "per_second": round(n / seconds, 1),
                   "publish_seconds": round(publish, 2), "worker_start_seconds": round(startup, 2),
                   "settings": settings or "config.settings", "peaks_mb": peaks}
            runs.append(run)
            self.log(f"B4: {kind}: {n} tasks in {seconds:.2f} s = {run['per_second']}/s (published in {publish:.1f} s)")
        graded = Attempt.objects.filter(pk__in=ids + ids_again, status=Attempt.Status.GRADED).count()
        noop_rate = sum(r["per_second"] for r in runs if r["kind"] == "noop") / 2
        grading_rate = sum(r["per_second"] for r in runs if r["kind"] == "grading") / 2
        extra = seed.submitted_attempts(world, 301, others)
        service = measure.service_grade_ms(extra[:100])
        batched = measure.service_grade_ms(extra[100:300], batch_size=django_settings.GRADING_BATCH_SIZE)
        bounds_calls = measure.bounds_calls_in_service(extra[300])
        self.results.details["B4"] = {"runs": runs, "graded": graded, "service_grade_ms": service,
                                      "service_batched": batched, "bounds_calls_in_service": bounds_calls}
        self.log(f"B4: graded {graded}/{2 * n}; in-process attempt_grade p50 {service['p50']} ms alone, "
                 f"{batched['per_attempt_ms']} ms per attempt in batches of {django_settings.GRADING_BATCH_SIZE}")
        add = self.results.add
        desc = (f"{n:,} attempts of a {len(world.document['nodes'])}-node scenario with replies, Redis broker, one "
                f"worker (prefork -c {cfg.worker_concurrency}, acks_late, prefetch "
                f"{django_settings.CELERY_WORKER_PREFETCH_MULTIPLIER}, grading batches of up to "
                f"{django_settings.GRADING_BATCH_SIZE}), from the worker's start to an"
                " empty queue")
        add("B4", "B4.grading_to_noop_ratio", round(grading_rate / noop_rate, 3), "x", ">= 0.5",
            f"grading throughput / no-op throughput (means of two runs of each, interleaved). {desc}")
        add("B4", "B4.grading_per_s", round(grading_rate, 1), "tasks/s", None,
            "grade_attempt throughput, mean of the two grading runs")
        add("B4", "B4.noop_per_s", round(noop_rate, 1), "tasks/s", None, "bench.noop throughput, same worker settings")
        add("B4", "B4.graded_missing", 2 * n - graded, "count", "== 0", "attempts not graded after the runs")
        add("B4", "B4.service_grade_p50_ms", service["p50"], "ms", None,
            "assessments.services.attempt_grade in one process without a broker, one attempt alone, median")
        add("B4", "B4.service_grade_batched_ms", batched["per_attempt_ms"], "ms", None,
            f"the same with {batched['attempts']} attempts waiting, per attempt graded (batches of up to "
            f"GRADING_BATCH_SIZE={django_settings.GRADING_BATCH_SIZE})")
        self._worker_peak("B7.worker_peak_rss_mb_b4", runs[3]["peaks_mb"], "after grading B4's attempts")
        self.results.add("B5", "B5.bounds_recomputed_in_service", bounds_calls, "count", "== 0",
                         "bound computations while attempt_grade grades one stored attempt")

    # --- B5 ------------------------------------------------------------------------------------

    def b5(self) -> None:
        self.load("B5")
        figures = measure.b5_engine(500, self.cfg.b5_budget)
        small = measure.b5_engine(30, self.cfg.b5_budget / 2)
        self.results.details["B5"] = {"500": figures, "30": small}
        self.log(f"B5: 500 nodes ({figures['path_steps']} steps): grade {figures['grade_stored_bounds']['best_us']}"
                 f" µs with stored bounds, {figures['grade_no_bounds']['best_us']} µs without; validate "
                 f"{figures['validate']['best_us']} µs; bounds {figures['compute_bounds']['best_us']} µs (best)")
        add = self.results.add
        desc = (f"{figures['nodes']}-node scenario, a path of {figures['path_steps']} steps with {figures['replies']} "
                f"replies, {figures['document_bytes']:,}-byte document")
        add("B5", "B5.grade_500_us", figures["grade_stored_bounds"]["best_us"], "µs", None,
            f"grading.grade with the stored bounds, best of 5+ timeit runs (the least disturbed). {desc}")
        add("B5", "B5.grade_500_no_bounds_us", figures["grade_no_bounds"]["best_us"], "µs", None,
            "grading.grade with bounds=None (recomputed), best")
        add("B5", "B5.validate_500_us", figures["validate"]["best_us"], "µs", None,
            "grading.validate_document, best")
        add("B5", "B5.compute_bounds_500_us", figures["compute_bounds"]["best_us"], "µs", None,
            "grading.compute_bounds, best (done once per version, at import)")
        add("B5", "B5.normalise_500_us", figures["normalise"]["best_us"], "µs", None,
            "grading.normalise_document (validation + copy), which grade() runs first, best")
        add("B5", "B5.score_500_us", figures["score_only"]["best_us"], "µs", None,
            "scoring a normalised document (grade() without its validation), best")
        add("B5", "B5.bounds_recomputed_per_grade", figures["bounds_calls_with_stored"], "count", "== 0",
            "bound computations inside grade() given the stored bounds")
        add("B5", "B5.grade_30_us", small["grade_stored_bounds"]["best_us"], "µs", None,
            f"the same for B4's {small['nodes']}-node scenario ({small['path_steps']} steps)")

    # --- B9: statistics of a version at 10,000 and 100,000 graded attempts ---------------------------

    def b9(self) -> None:
        from .statistics import b9_statistics

        self.load("B9")
        small, large = self.cfg.b9_sizes
        figures = b9_statistics(self.world.academy_id, (small, large), self.cfg.b5_budget, self.log)
        self.results.details["B9"] = figures
        add = self.results.add
        at_small, at_large = figures[str(small)], figures[str(large)]
        for size, at in ((small, at_small), (large, at_large)):
            stats_ms, scan_ms = at["statistics"]["median_us"] / 1000, at["scan"]["median_us"] / 1000
            add("B9", f"B9.statistics_{size // 1000}k_ms", round(stats_ms, 2), "ms", None,
                f"version_statistics over {size:,} graded attempts of a {figures['nodes']}-node scenario, median "
                f"({at['cells']:,} score cells, {at['steps']:,} path rows)")
            add("B9", f"B9.scan_{size // 1000}k_ms", round(scan_ms, 2), "ms", None,
                f"one aggregate SQL scan of the same {size:,} attempts (count, avg(score)), median")
            add("B9", f"B9.statistics_to_scan_{size // 1000}k_ratio", round(stats_ms / max(scan_ms, 1e-9), 2), "x",
                "<= 2.0", f"statistics / aggregate scan at {size:,} attempts, interleaved runs")
        growth = at_large["statistics"]["median_us"] / max(at_small["statistics"]["median_us"], 1e-9)
        add("B9", "B9.statistics_growth", round(growth, 2), "x", "<= 1.2",
            f"statistics at {large:,} / at {small:,} attempts (counts maintained in the grading transactions)")

