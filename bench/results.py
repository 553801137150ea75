"""Recorded figures: var/bench/results.json (machine-readable) and the records behind docs/benchmarks.md."""
import json
import operator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from .infra import VAR

CHECKS = {"<=": operator.le, ">=": operator.ge, "==": operator.eq}


@dataclass
class Record:
    metric: str
    value: float | int | None
    target: str | None  # "<= 2.0", ">= 0.5", "== 0", or None for a figure that is only reported
    unit: str
    date: str
    commit: str
    machine: str
    bench: str = ""
    description: str = ""
    command: str = ""
    met: bool | None = None
    mode: str = ""
    detail: dict = field(default_factory=dict)


@dataclass
class Results:
    mode: str
    commit: str
    machine: dict
    command: str
    date: str = field(default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    records: list = field(default_factory=list)
    details: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)

    def add(self, bench: str, metric: str, value, unit: str, target: str | None = None, description: str = "",
            command: str = "", **detail) -> Record:
        met = None
        if target is not None and value is not None:
            op, threshold = target.split()
            met = bool(CHECKS[op](value, float(threshold)))
        record = Record(metric=metric, value=value, target=target, unit=unit, date=self.date, commit=self.commit,
                        machine=self.machine["summary"], bench=bench, description=description,
                        command=command or self.command, met=met, mode=self.mode, detail=detail)
        self.records.append(record)
        return record

    def to_json(self) -> dict:
        return {
            "mode": self.mode,
            "date": self.date,
            "commit": self.commit,
            "command": self.command,
            "machine": self.machine,
            "records": [asdict(r) for r in self.records],
            "details": self.details,
            "notes": self.notes,
        }

    def write(self) -> list:
        VAR.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self.to_json(), indent=2, default=str)
        paths = [VAR / "results.json", VAR / f"results-{self.mode}.json"]
        for path in paths:
            path.write_text(text + "\n")
        return paths
