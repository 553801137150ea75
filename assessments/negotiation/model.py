"""A validated negotiation document in the form the engine computes with (spec "Utilities").

`prepare(document)` validates once and returns a `Negotiation`: the document
with its defaults set, every option's points to each role as an exact
fraction, and (on first use) every outcome with both utilities. Callers that
keep one per stored version pay validation and enumeration once per process;
it is read, never modified.
"""
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from itertools import product

from assessments.grading import InvalidDocument

from . import limits
from .points import role_points
from .validation import validate


@dataclass(frozen=True)
class Strategy:
    """How the machine plays a role: `time`, `tit_for_tat` or `tradeoff`, with its parameters."""

    name: str
    e: Fraction | None = None
    factor: Fraction | None = None


@dataclass(frozen=True)
class Role:
    id: str
    label: str
    brief: str
    reservation: Fraction
    # issue id -> option id -> the option's points on this role's 0-100 scale (spec "Utilities").
    points: dict
    # issue id -> the issue's share of the 100 points (its best option's points).
    issue_weight: dict
    competencies: tuple
    strategy: Strategy
    messages: tuple
    questions: tuple


@dataclass(frozen=True)
class Outcome:
    """One package (an option per issue, in issue order) and its utility to each role."""

    index: int
    options: tuple
    utilities: tuple  # (Fraction, Fraction), in the order of the document's roles


@dataclass(frozen=True, eq=False)
class Negotiation:
    document: dict
    issue_ids: tuple
    options: dict  # issue id -> tuple of option ids, in document order
    roles: tuple  # two Role
    deadline: int
    opens: str
    competencies: dict  # key -> {"label", "weight", "rule"}
    pass_threshold: Fraction
    questions: dict = field(default_factory=dict)  # question id -> (asker role id, question dict)

    def role(self, role_id: str) -> Role:
        for role in self.roles:
            if role.id == role_id:
                return role
        raise KeyError(role_id)

    def other(self, role_id: str) -> Role:
        return self.roles[1] if self.roles[0].id == role_id else self.roles[0]

    def position(self, role_id: str) -> int:
        return 0 if self.roles[0].id == role_id else 1

    def package_options(self, package: dict) -> tuple:
        """A complete package as option ids in issue order."""
        return tuple(package[issue_id] for issue_id in self.issue_ids)

    def as_package(self, options: tuple) -> dict:
        return dict(zip(self.issue_ids, options, strict=True))

    def utility(self, role_id: str, package: dict | tuple) -> Fraction:
        """The role's utility (0-100, exact) of a complete package."""
        options = package if isinstance(package, tuple) else self.package_options(package)
        points = self.role(role_id).points
        return sum((points[i][o] for i, o in zip(self.issue_ids, options, strict=True)), Fraction(0))

    @cached_property
    def outcomes(self) -> tuple:
        """Every package in enumeration order (spec "Outcomes"): the first issue varies slowest."""
        result = []
        for index, options in enumerate(product(*(self.options[i] for i in self.issue_ids))):
            result.append(Outcome(index, options, tuple(self.utility(r.id, options) for r in self.roles)))
        return tuple(result)


def _given(obj: dict, key: str, default):
    """An optional member's value, or its default when it is absent or null (null counts as absent)."""
    value = obj.get(key)
    return default if value is None else value


def _fraction(value) -> Fraction:
    # Fraction(0.1) is the binary double exactly; every implementation reading the
    # JSON number as a double gets the same fraction.
    return Fraction(value)


def _role(doc: dict, raw: dict) -> Role:
    issues = doc["issues"]
    points = role_points(issues, raw["weights"], raw["values"])
    spec = raw["counterpart"]
    strategy = Strategy(
        name=spec["strategy"],
        e=_fraction(spec["e"]) if "e" in spec else None,
        factor=_fraction(_given(spec, "factor", limits.DEFAULT_FACTOR)) if spec["strategy"] == "tit_for_tat" else None,
    )
    messages = tuple(
        {"id": m["id"], "on": m["on"], "package": dict(m.get("package") or {}), "text": m["text"]}
        for m in raw.get("messages") or []
    )
    questions = tuple(
        {"id": q["id"], "text": q["text"], "answer": q["answer"], "reveals": list(q.get("reveals") or [])}
        for q in raw.get("questions") or []
    )
    return Role(
        id=raw["id"], label=raw["label"], brief=raw["brief"], reservation=_fraction(raw["reservation"]),
        points=points, issue_weight={i: max(points[i].values()) for i in points},
        competencies=tuple(raw["competencies"]), strategy=strategy, messages=messages, questions=questions,
    )


def normalise(doc) -> dict:
    """A validated copy of `doc` with every optional field at its default (spec "The document").

    Defaults: language "en", summary "", debrief "", opens the first role,
    a competency's weight 1, a role's messages and questions [], a question's
    reveals [], a message's package {}, tit_for_tat's factor 1.
    Raises InvalidDocument with every problem when the document is not valid.
    """
    problems = validate(doc)
    if problems:
        raise InvalidDocument(problems)
    out = {
        "format": doc["format"], "slug": doc["slug"], "title": doc["title"],
        "language": doc.get("language") or "en", "summary": doc.get("summary") or "",
        "debrief": doc.get("debrief") or "", "pass_threshold": doc["pass_threshold"],
        "deadline": doc["deadline"], "opens": doc.get("opens") or doc["roles"][0]["id"],
        "competencies": [{"key": c["key"], "label": c["label"], "weight": _given(c, "weight", 1), "rule": c["rule"]}
                         for c in doc["competencies"]],
        "issues": [{"id": i["id"], "label": i["label"],
                    "options": [{"id": o["id"], "label": o["label"]} for o in i["options"]]}
                   for i in doc["issues"]],
        "roles": [],
    }
    for raw in doc["roles"]:
        counterpart = {"strategy": raw["counterpart"]["strategy"]}
        if raw["counterpart"]["strategy"] == "tit_for_tat":
            counterpart["factor"] = _given(raw["counterpart"], "factor", limits.DEFAULT_FACTOR)
        else:
            counterpart["e"] = raw["counterpart"]["e"]
        out["roles"].append({
            "id": raw["id"], "label": raw["label"], "brief": raw["brief"],
            "weights": dict(raw["weights"]), "values": {k: dict(v) for k, v in raw["values"].items()},
            "reservation": raw["reservation"], "competencies": list(raw["competencies"]),
            "counterpart": counterpart,
            "messages": [{"id": m["id"], "on": m["on"], "package": dict(m.get("package") or {}), "text": m["text"]}
                         for m in raw.get("messages") or []],
            "questions": [{"id": q["id"], "text": q["text"], "answer": q["answer"],
                           "reveals": list(q.get("reveals") or [])} for q in raw.get("questions") or []],
        })
    return out


def prepare(doc) -> Negotiation:
    """The engine's form of a document (a Negotiation passes through as it is)."""
    if isinstance(doc, Negotiation):
        return doc
    norm = normalise(doc)
    roles = tuple(_role(norm, raw) for raw in norm["roles"])
    questions = {q["id"]: (role.id, q) for role in roles for q in role.questions}
    return Negotiation(
        document=norm,
        issue_ids=tuple(i["id"] for i in norm["issues"]),
        options={i["id"]: tuple(o["id"] for o in i["options"]) for i in norm["issues"]},
        roles=roles, deadline=norm["deadline"], opens=norm["opens"],
        competencies={c["key"]: {"label": c["label"], "weight": _fraction(c["weight"]), "rule": c["rule"]}
                      for c in norm["competencies"]},
        pass_threshold=_fraction(norm["pass_threshold"]),
        questions=questions,
    )
