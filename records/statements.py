"""The xAPI 2.0 statements Parley sends, built from plain values (no query here).

Every statement is an `Agent` identified by an account on Parley's home page (`homePage`, and the
learner's opaque `records.Actor.name`), never by an address. Ids are UUID v5 of the event's key under
a namespace of this installation's home page, so the same event always gives the same statement id
and a statement delivered twice is stored once.

Activity ids: a course and a lesson are their pages on the site; an exercise, its nodes and questions
are IRIs under `<home>/xapi/<academy slug>/exercises/<exercise slug>` (stable across versions: a
version is named in the context's extensions). Extensions are IRIs under `<home>/xapi/extensions/`.
"""
import uuid
from datetime import datetime

from accounts.mail import site_url

XAPI_VERSION = "2.0.0"

VERBS = {
    "registered": "http://adlnet.gov/expapi/verbs/registered",
    "experienced": "http://adlnet.gov/expapi/verbs/experienced",
    "attempted": "http://adlnet.gov/expapi/verbs/attempted",
    "answered": "http://adlnet.gov/expapi/verbs/answered",
    "completed": "http://adlnet.gov/expapi/verbs/completed",
    "voided": "http://adlnet.gov/expapi/verbs/voided",
}

ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "lesson": "http://adlnet.gov/expapi/activities/lesson",
    "quiz": "http://adlnet.gov/expapi/activities/assessment",
    "scenario": "http://adlnet.gov/expapi/activities/simulation",
    "interaction": "http://adlnet.gov/expapi/activities/cmi.interaction",
}

# The xAPI interaction type of each quiz question type and scenario node type.
INTERACTIONS = {"single": "choice", "multiple": "choice", "order": "sequencing", "text": "fill-in",
                "choice": "choice", "reply": "long-fill-in"}


def home_page() -> str:
    return site_url("/")


def extension(name: str) -> str:
    return site_url(f"/xapi/extensions/{name}")


def statement_id(key: str) -> uuid.UUID:
    """The id of the statement of event `key` (e.g. "attempt:12:started")."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{home_page()}#xapi/{key}")


def agent(name) -> dict:
    return {"objectType": "Agent", "account": {"homePage": home_page(), "name": str(name)}}


def academy_agent(academy_slug: str) -> dict:
    """Who voids statements: the academy itself, an account on Parley's home page."""
    return {"objectType": "Agent", "account": {"homePage": home_page(), "name": f"academy:{academy_slug}"}}


def _timestamp(when: datetime) -> str:
    return when.isoformat(timespec="milliseconds")


def _verb(name: str) -> dict:
    return {"id": VERBS[name], "display": {"en-US": name}}


def _activity(iri: str, kind: str, name: str | None = None, language: str = "en", **definition) -> dict:
    body = {"type": ACTIVITY_TYPES[kind], **definition}
    if name:
        body["name"] = {language: name}
    return {"objectType": "Activity", "id": iri, "definition": body}


def _statement(key: str, actor: dict, verb: str, obj: dict, when: datetime, *, result=None, context=None) -> dict:
    body = {"id": str(statement_id(key)), "actor": actor, "verb": _verb(verb), "object": obj,
            "timestamp": _timestamp(when)}
    if result is not None:
        body["result"] = result
    body["context"] = {"platform": "Parley", **(context or {})}
    return body


def page_activity(*, path: str, kind: str, title: str, language: str) -> dict:
    return _activity(site_url(path), kind, title, language)


def enrolment(*, actor: dict, learner_id: int, course: dict, when: datetime) -> dict:
    """`course`: the page activity (page_activity). One per learner and course, whenever and however often
    they enrol (the key is the pair)."""
    return _statement(f"enrolment:{learner_id}:{course['id']}", actor, "registered", course, when,
                      context={"language": _language_of(course)})


def lesson_read(*, actor: dict, learner_id: int, lesson: dict, course: dict | None, when: datetime) -> dict:
    context = {"language": _language_of(lesson)}
    if course is not None:
        context["contextActivities"] = {"parent": [course]}
    return _statement(f"lesson-read:{learner_id}:{lesson['id']}", actor, "experienced", lesson, when, context=context)


def _language_of(activity: dict) -> str:
    return next(iter(activity["definition"].get("name", {"en": ""})))


class ExerciseRef:
    """What the statements of an attempt need of its exercise: ids, title, kind, language, version."""

    def __init__(self, *, academy_slug: str, slug: str, title: str, kind: str, language: str, version: int):
        self.iri = site_url(f"/xapi/{academy_slug}/exercises/{slug}")
        self.title, self.kind, self.language, self.version = title, kind, language, version

    def activity(self) -> dict:
        return _activity(self.iri, self.kind, self.title, self.language)

    def part(self, kind: str, part_id: str, interaction: str) -> dict:
        segment = "questions" if kind == "question" else "nodes"
        return _activity(f"{self.iri}/{segment}/{part_id}", "interaction", interactionType=interaction)


def _attempt_context(exercise: ExerciseRef, attempt_id: int, parent: bool = False, **extensions) -> dict:
    context = {
        "registration": str(statement_id(f"attempt:{attempt_id}")),
        "language": exercise.language,
        "extensions": {extension("exercise-version"): exercise.version,
                       **{extension(name): value for name, value in extensions.items()}},
    }
    if parent:
        context["contextActivities"] = {"parent": [exercise.activity()]}
    return context


def attempt_started(*, actor: dict, attempt_id: int, exercise: ExerciseRef, when: datetime) -> dict:
    return _statement(f"attempt:{attempt_id}:started", actor, "attempted", exercise.activity(), when,
                      context=_attempt_context(exercise, attempt_id))


def _scaled(points: float) -> float:
    return round(max(0.0, min(100.0, points)) / 100.0, 4)


def result_statements(*, actor: dict, attempt_id: int, exercise: ExerciseRef, result_key: str, grading: str,
                      result: dict, answers: dict, decisions: list[dict] | None, question_types: dict | None,
                      when: datetime) -> list[dict]:
    """The statements of one result of an attempt: each decision (scenario) or answer (quiz), then
    "completed" with the overall score, pass and the competency scores. `result_key` names the result
    ("automatic", or "grading-<id>" for a regrade, override or reversal), so a later result's
    statements have ids of their own and the earlier ones can be voided. `decisions`:
    assessments.selectors.attempt_decision_events (scenarios); `question_types`: {question id: type}
    (quizzes). Free text (replies, text answers) is not
    sent: only which rubric criteria a reply met or avoided."""
    key = f"attempt:{attempt_id}:{result_key}"
    statements = []
    if exercise.kind == "scenario":
        for event in decisions or []:
            response = {"response": event["choice"]} if event["type"] == "choice" else {}
            outcome = {
                **response,
                "score": {"raw": event["value"]},
                "extensions": {extension("value"): event["value"], extension("critical"): event["critical"],
                               **({extension("met"): event["met"], extension("avoided"): event["avoided"]}
                                  if event["type"] == "reply" else {})},
            }
            statements.append(_statement(
                f"{key}:decision:{event['index']}", actor, "answered",
                exercise.part("node", event["node"], INTERACTIONS[event["type"]]), when, result=outcome,
                context=_attempt_context(exercise, attempt_id, parent=True, grading=grading, position=event["index"])))
    else:
        given = answers.get("answers", {}) if isinstance(answers, dict) else {}
        for question in result.get("questions", []):
            qtype = (question_types or {}).get(question["id"], "text")
            answer = given.get(question["id"])
            outcome = {
                "score": {"scaled": round(question["earned"], 4), "min": 0, "max": question["points"],
                          "raw": round(question["earned"] * question["points"], 4)},
                "success": question["earned"] >= 1,
            }
            if qtype != "text" and answer is not None:
                outcome["response"] = "[,]".join(answer) if isinstance(answer, list) else str(answer)
            statements.append(_statement(
                f"{key}:answer:{question['id']}", actor, "answered",
                exercise.part("question", question["id"], INTERACTIONS.get(qtype, "other")), when, result=outcome,
                context=_attempt_context(exercise, attempt_id, parent=True, grading=grading)))
    completed = {
        "score": {"scaled": _scaled(result["overall"]), "raw": result["overall"], "min": 0, "max": 100},
        "success": bool(result["passed"]),
        "completion": True,
        "extensions": {extension("competencies"): result.get("competencies", {})},
    }
    if "outcome" in result:
        completed["extensions"][extension("outcome")] = result["outcome"]
        completed["extensions"][extension("critical")] = bool(result.get("critical"))
    statements.append(_statement(f"{key}:completed", actor, "completed", exercise.activity(), when,
                                 result=completed, context=_attempt_context(exercise, attempt_id, grading=grading)))
    return statements


def voiding(*, target_id: str, academy_slug: str, when: datetime) -> dict:
    """The statement that voids `target_id` (xAPI: verb voided, a StatementRef); its id is a UUID v5 of
    the target's, so voiding twice is one statement."""
    return _statement(f"void:{target_id}", academy_agent(academy_slug), "voided",
                      {"objectType": "StatementRef", "id": target_id}, when)
