"""What changed from one version of an exercise document to the next, for the authoring screen: the
nodes (scenario) or questions (quiz) added, removed and changed, by id, and whether anything else
changed (competencies, pass threshold, texts outside the items)."""


def _items(document: dict) -> dict[str, dict]:
    key = "nodes" if "nodes" in document else "questions"
    return {str(item.get("id")): item for item in document.get(key, []) if isinstance(item, dict)}


def version_diff(before: dict | None, after: dict) -> dict:
    """`added`, `removed`, `changed`: sorted ids; `other`: True when something outside the items changed.
    With no `before` (the first version) every item is added."""
    old, new = _items(before or {}), _items(after)
    rest = {k: v for k, v in (before or {}).items() if k not in ("nodes", "questions")}
    rest_after = {k: v for k, v in after.items() if k not in ("nodes", "questions")}
    return {
        "added": sorted(set(new) - set(old)),
        "removed": sorted(set(old) - set(new)),
        "changed": sorted(i for i in set(old) & set(new) if old[i] != new[i]),
        "other": before is not None and rest != rest_after,
    }
