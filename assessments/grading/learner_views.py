"""What a learner may see of an exercise before it is graded.

Built by listing what to show, never by deleting what to hide, so a field
added to the format later stays hidden until someone decides otherwise.
Nothing here carries weights, feedback, critical flags, links (`next`),
rubrics, terms, correct options or accepted answers.
"""

# Presentation fields an implementation may add to a node (scenario spec, "Other fields").
NODE_EXTRAS = ("image", "media")


def scenario_learner_node(doc: dict, node_id) -> dict:
    """One node of a normalised scenario as the learner sees it; KeyError for an unknown id."""
    node = next((n for n in doc["nodes"] if n["id"] == node_id), None)
    if node is None:
        raise KeyError(node_id)
    view = {"id": node["id"], "type": node["type"], "text": node["text"]}
    if node["type"] == "choice":
        view["choices"] = [{"id": choice["id"], "text": choice["text"]} for choice in node["choices"]]
    elif node["type"] == "reply":
        view["min_words"] = node["rubric"]["min_words"]
        view["max_words"] = node["rubric"]["max_words"]
    else:
        view["outcome"] = node["outcome"]
    for key in NODE_EXTRAS:
        if node.get(key) is not None:
            view[key] = node[key]
    return view


def scenario_learner_summary(doc: dict) -> dict:
    """The exercise as a learner opens it: its description and the start node only."""
    return {
        "format": doc["format"],
        "slug": doc["slug"],
        "title": doc["title"],
        "summary": doc["summary"],
        "language": doc["language"],
        "pass_threshold": doc["pass_threshold"],
        "competencies": [{"key": c["key"], "label": c["label"], "weight": c["weight"]}
                         for c in doc["competencies"]],
        "start_node": scenario_learner_node(doc, doc["start"]),
    }


def quiz_learner_summary(doc: dict) -> dict:
    """The quiz as a learner takes it: questions and options, no key."""
    return {
        "format": doc["format"],
        "slug": doc["slug"],
        "title": doc["title"],
        "language": doc["language"],
        "pass_threshold": doc["pass_threshold"],
        "questions": [
            {
                "id": q["id"],
                "type": q["type"],
                "text": q["text"],
                "points": q["points"],
                "options": [{"id": o["id"], "text": o["text"]} for o in q["options"]]
                if q["type"] != "text" else [],
            }
            for q in doc["questions"]
        ],
    }
