"""docs/benchmarks.md: the fixed text in docs_template.md, plus one generated section per mode.

A run rewrites its own mode's section and keeps the other mode's section as
it was, so a quick run does not erase the figures of the last full run.
"""
import re

from .infra import ROOT

DOCS = ROOT / "docs" / "benchmarks.md"
TEMPLATE = ROOT / "bench" / "docs_template.md"
MODES = ("full", "quick")


def _marker(mode: str, edge: str) -> str:
    return f"<!-- bench:{mode}:{edge} -->"


def _existing_sections() -> dict:
    out = {}
    if DOCS.exists():
        text = DOCS.read_text()
        for mode in MODES:
            match = re.search(re.escape(_marker(mode, "start")) + r"\n(.*?)" + re.escape(_marker(mode, "end")),
                              text, re.S)
            if match:
                out[mode] = match.group(1)
    return out


def _fmt(value) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        if value != value:  # NaN
            return "n/a"
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        if abs(value) >= 100:
            return f"{value:.1f}"
        return f"{value:.3g}" if abs(value) < 10 else f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def _verdict(record) -> str:
    if record.met is None:
        return "reported"
    return "**met**" if record.met else "**MISSED**"


def section(results) -> str:
    m = results.machine
    recs = results.records
    lines = [
        f"Run of {results.date} on commit `{results.commit}`: `{results.command}`",
        "",
        f"Machine: {m['arch']}, {m['cpus']} cores ({m.get('cpu_model') or 'unknown CPU'}), {m['memory_gib']} GiB, "
        f"{m['os']}, Python {m['python']}, PostgreSQL {m['postgresql']}, Redis on loopback.",
        "",
        "Load average (1, 5, 15 min) when each part started, other work included: "
        + "; ".join(f"{k} {v[0]}" for k, v in results.details.get("loadavg", {}).items())
        + ". This machine is shared: absolute times move with that load, ratios much less.",
        "",
        "### Targets",
        "",
        "| id | metric | value | target | verdict | what |",
        "|---|---|---|---|---|---|",
    ]
    for r in recs:
        if r.target is None:
            continue
        lines.append(f"| {r.bench} | `{r.metric}` | {_fmt(r.value)} {r.unit} | {r.target} | {_verdict(r)} | "
                     f"{r.description} |")
    lines += ["", "### Reported figures", "", "| id | metric | value | what |", "|---|---|---|---|"]
    for r in recs:
        per_endpoint = r.bench == "B3" and not r.metric.startswith(("B3.all_", "B3.throughput"))
        if r.target is not None or per_endpoint:  # per-endpoint B3 figures have their own table
            continue
        lines.append(f"| {r.bench} | `{r.metric}` | {_fmt(r.value)} {r.unit} | {r.description} |")
    b3 = results.details.get("B3")
    if b3:
        lines += ["", f"### B3 per endpoint ({b3['users']} users, {b3['seconds']} s, {b3['requests']:,} requests, "
                  f"{b3['throughput_rps']} req/s)", "",
                  "| endpoint | requests | p50 ms | p95 ms | p99 ms | errors |", "|---|---|---|---|---|---|"]
        for name, ep in b3["endpoints"].items():
            lines.append(f"| {name} | {ep.get('n', 0):,} | {_fmt(ep.get('p50'))} | {_fmt(ep.get('p95'))} | "
                         f"{_fmt(ep.get('p99'))} | {ep['errors']} |")
        if b3.get("error_samples"):
            lines += ["", "Error samples: " + ", ".join(f"{s['endpoint']} {s['status']}" for s in b3["error_samples"])]
    b4 = results.details.get("B4")
    if b4:
        lines += ["", "### B4 runs", "", "| run | tasks | seconds | tasks/s | publish s | worker start s |",
                  "|---|---|---|---|---|---|"]
        for run in b4["runs"]:
            lines.append(f"| {run['kind']} | {run['tasks']:,} | {run['seconds']} | {run['per_second']} | "
                         f"{run['publish_seconds']} | {run['worker_start_seconds']} |")
    seed = results.details.get("seed")
    grown = results.details.get("seed_growth")
    if seed:
        rows = seed["rows"]
        lines += ["", f"Data: {seed['learners']:,} learners seeded in {seed['seconds']} s "
                  f"({', '.join(f'{k} {v:,}' for k, v in rows.items())})"
                  + (f"; grown to {grown['learners']:,} in {grown['seconds']} s "
                     f"({', '.join(f'{k} {v:,}' for k, v in grown['rows'].items())})" if grown else "") + "."]
    if results.notes:
        lines += ["", *[f"- {note}" for note in results.notes]]
    return "\n".join(lines) + "\n"


def write_docs(results):
    sections = _existing_sections()
    sections[results.mode] = section(results)
    DOCS.write_text(_render(sections))
    return DOCS


def _render(sections: dict) -> str:
    text = TEMPLATE.read_text()
    for mode in MODES:
        body = sections.get(mode, f"No {mode} run recorded yet: run `make bench{'-full' if mode == 'full' else ''}`.\n")
        text = text.replace(f"{{{{{mode}}}}}", f"{_marker(mode, 'start')}\n{body}{_marker(mode, 'end')}")
    return text


if __name__ == "__main__":
    # `python -m bench.report`: re-render docs/benchmarks.md from the template after editing its fixed
    # text, keeping the recorded sections of both modes as they are.
    DOCS.write_text(_render(_existing_sections()))
