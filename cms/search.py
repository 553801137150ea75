"""Search over published courses and lessons that finds what people type.

Case and accents are folded ("écoute", "Écoute" and "ecoute" are one word), words are stemmed in
the language of the page they are on ("negotiating" finds "negotiation", "négocier" finds
"négociation"), and a word being typed matches the words it begins ("negot"). Titles, summaries and
body text (every text of a lesson's blocks: paragraphs, quotations, glossary terms, transcripts...)
are searched; a course matches through its own text or through any of its lessons.

The same on SQLite and PostgreSQL: the index is built here, in Python, from the published tree,
and kept in the shared cache under the page-tree generation like the course structures
(cms/selectors.py), so any save, publish, unpublish or move rebuilds it on the next search. Its
size grows with the published text (a few hundred bytes of terms per lesson).

docs/search.md measures what it finds on the demo curriculum (tests/cms/test_search_relevance.py).
"""
import html
import re
import unicodedata
from functools import cache, lru_cache

import snowballstemmer
from wagtail.models import Page

INDEX_KEY = "cms:search-index"
# Languages whose words are stemmed; a page in another language is matched on whole words and prefixes.
STEMMERS = {"en": "english", "fr": "french", "es": "spanish", "ar": "arabic"}
# Words that say nothing of a page's topic: a query needs its other words only. A query of nothing but
# these keeps them all.
STOP_WORDS = frozenset("""
a an and are as at be by for from how i in is it of on or the to what when who why with you your
au aux ce d de des du en est et il l la le les ou par pour qu que qui sur un une
al con del el las lo los por que se su un una y
""".split())
# A word of at least this many letters also matches the longer words it begins.
PREFIX_MIN = 3
# Where a word is found counts towards the order of results.
WEIGHTS = {"title": 3, "summary": 2, "body": 1}
# Ligatures NFKD leaves whole.
LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae"})
WORD = re.compile(r"\w+")
TAG = re.compile(r"<[^>]+>")
# Values of blocks that are not text a learner reads: addresses, ids of images, media and exercises.
NOT_TEXT_KEYS = frozenset({"url", "captions_url", "image", "media", "exercise", "document", "id", "type"})


def fold(text: str) -> str:
    """Case-folded, without accents or other combining marks, ligatures spelled out."""
    decomposed = unicodedata.normalize("NFKD", text.translate(LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    return WORD.findall(fold(text))


@cache
def _stemmer(language: str):
    name = STEMMERS.get(language)
    return snowballstemmer.stemmer(name) if name else None


@lru_cache(maxsize=50_000)
def stem(word: str, language: str) -> str:
    stemmer = _stemmer(language)
    return stemmer.stemWord(word) if stemmer else word


def block_text(value) -> list[str]:
    """Every piece of text in a StreamField's raw data, without markup."""
    found: list[str] = []

    def walk(node, key=None):
        if key in NOT_TEXT_KEYS:
            return
        if isinstance(node, str):
            found.append(html.unescape(TAG.sub(" ", node)) if "<" in node or "&" in node else node)
        elif isinstance(node, dict):
            for name, inner in node.items():
                walk(inner, name)
        elif isinstance(node, list | tuple):
            for inner in node:
                walk(inner)

    walk(value)
    return found


def _field(text: str, language: str) -> tuple[frozenset, frozenset]:
    """(the words, their stems) of one field."""
    found = frozenset(words(text))
    return found, frozenset(stem(w, language) for w in found)


def _entry(kind: str, page, language: str, course_id: int, body: str = "") -> dict:
    fields = {"title": page.title, "summary": page.summary or "", "body": body}
    return {"type": kind, "id": page.pk, "title": page.title, "summary": page.summary or "",
            "language": language, "course": course_id, "path": page.path,
            "fields": {name: _field(text, language) for name, text in fields.items() if text}}


def build_index() -> list[dict]:
    """An entry per published course and lesson, in tree order: six queries whatever the size, three for
    the courses and three for the lessons (live()'s unpublished pages' paths, public()'s view restrictions,
    the pages)."""
    from .models import LessonPage
    from .selectors import published_courses

    courses = {c.path: c for c in published_courses()}
    entries = [_entry("course", c, c.locale.language_code, c.pk) for c in courses.values()]
    step = Page.steplen
    lessons = LessonPage.objects.live().public().select_related("locale").order_by("path")
    for lesson in lessons.only("id", "title", "summary", "path", "body", "locale__language_code"):
        course = next((courses[lesson.path[:end]] for end in range(step, len(lesson.path), step)
                       if lesson.path[:end] in courses), None)
        if course is None:  # a lesson outside any published course is not offered
            continue
        body = " ".join(block_text(list(lesson.body.raw_data)))  # its blocks as stored: dicts and lists
        entries.append(_entry("lesson", lesson, lesson.locale.language_code, course.pk, body))
    entries.sort(key=lambda entry: entry["path"])
    return entries


def search_index() -> list[dict]:
    from .selectors import _cached

    return _cached(INDEX_KEY, build_index)


def query_words(query: str) -> list[str]:
    found = list(dict.fromkeys(words(query[:200])))
    meaningful = [w for w in found if w not in STOP_WORDS]
    return meaningful or found


def _word_score(word: str, entry: dict) -> int:
    """How well one word of the query is found in the entry: its best field's weight (doubled for the
    word itself rather than its stem or a longer word it begins), 0 when not found."""
    best = 0
    stemmed = stem(word, entry["language"])
    for name, (field_words, field_stems) in entry["fields"].items():
        weight = WEIGHTS[name]
        if word in field_words:
            best = max(best, 2 * weight)
        elif stemmed in field_stems or (len(word) >= PREFIX_MIN and any(w.startswith(word) for w in field_words)):
            best = max(best, weight)
    return best


def ranked(query: str, *, language: str = "") -> list[tuple[int, dict]]:
    """(score, entry) for every entry that has each word of the query (stop words aside), best first,
    then in tree order; only entries in `language` when it is given."""
    wanted = query_words(query)
    if not wanted:
        return []
    hits = []
    for entry in search_index():
        if language and entry["language"] != language:
            continue
        scores = [_word_score(word, entry) for word in wanted]
        if all(scores):
            hits.append((sum(scores), entry))
    hits.sort(key=lambda hit: (-hit[0], hit[1]["path"]))
    return hits


def search_pages(query: str, *, language: str = "", limit: int = 20) -> list[dict]:
    """The published courses then the published lessons matching `query`, each best first, at most
    `limit` of each: {type, id, title, summary}."""
    hits = ranked(query, language=language)
    out = []
    for kind in ("course", "lesson"):
        out += [{"type": kind, "id": e["id"], "title": e["title"], "summary": e["summary"]}
                for _, e in hits if e["type"] == kind][:limit]
    return out


def matching_course_ids(query: str, *, language: str = "") -> list[int]:
    """Published courses that match `query` through their own text or any of their lessons', best first."""
    return list(dict.fromkeys(entry["course"] for _, entry in ranked(query, language=language)))
