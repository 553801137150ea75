"""Parley's demo content: courses, scenario and quiz exercises, illustrations.

Plain data and plain Python, nothing Django, so a seeding command, a test or
a script can read it the same way:

- `courses/<slug>.json`: one course each (course > modules > lessons > blocks),
  in its `language`: English unless it names another (the Spanish and Arabic
  demo courses have no English original); `courses/<slug>.<lang>.json` holds a
  translation with the same slugs and structure.
- `scenarios/<slug>.json` (format scenario/1), `quizzes/<slug>.json` (format
  quiz/1) and `negotiations/<slug>.json` (format negotiation/1,
  docs/specs/negotiation-format.md): the exercises that lessons embed by slug.
- `illustrations.draw_illustration(key)`: PNG bytes for every `illustration`
  key named by a cover or an image block.
- `media/`: the recordings that audio blocks name by `recording` key: `<key>.ogg`
  (Opus), `<key>.vtt` (captions) and `<key>.txt` (transcript), made from
  `media/recordings.json` by `python manage.py make_demo_audio` (espeak-ng and
  opus-tools; not run by make, the files are committed).
"""
import json
import pathlib

DEMO_DIR = pathlib.Path(__file__).parent
MEDIA_DIR = DEMO_DIR / "media"


def _read(path: pathlib.Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def load_courses() -> list[dict]:
    """The courses in their own language (English unless they name another), sorted by file name.

    Each course that has translation files (`<slug>.<lang>.json`) carries
    them as `course["translations"] = {lang: translated_course}`.
    """
    courses = []
    for path in sorted((DEMO_DIR / "courses").glob("*.json")):
        if "." in path.stem:  # a translation, attached below to its course
            continue
        course = _read(path)
        translations = {
            other.stem.split(".", 1)[1]: _read(other)
            for other in sorted(path.parent.glob(f"{path.stem}.*.json"))
        }
        if translations:
            course["translations"] = translations
        courses.append(course)
    return courses


def load_exercises() -> list[dict]:
    """Every exercise document: the scenarios, the quizzes, then the negotiations, each sorted by file name."""
    return [
        _read(path)
        for folder in ("scenarios", "quizzes", "negotiations")
        for path in sorted((DEMO_DIR / folder).glob("*.json"))
    ]


def load_negotiations() -> list[dict]:
    """The negotiation documents (format negotiation/1), sorted by file name: the last of load_exercises()."""
    return [_read(path) for path in sorted((DEMO_DIR / "negotiations").glob("*.json"))]


def recording_files(key: str) -> dict[str, pathlib.Path]:
    """The committed files of one recording: `audio` (.ogg), `captions` (.vtt), `transcript` (.txt)."""
    return {"audio": MEDIA_DIR / f"{key}.ogg", "captions": MEDIA_DIR / f"{key}.vtt",
            "transcript": MEDIA_DIR / f"{key}.txt"}
