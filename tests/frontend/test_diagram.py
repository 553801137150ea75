"""The scenario diagram and the bar chart: pure functions, no database."""
import copy
import xml.etree.ElementTree as ET

from assessments.diagram import edges_of, layers_of, render_svg
from frontend.charts import bar_chart

from ..factories import SPEC_SCENARIO

SVG = "{http://www.w3.org/2000/svg}"


def test_nodes_are_layered_by_longest_path_from_start():
    assert layers_of(SPEC_SCENARIO) == [["open"], ["reply1", "end_bad"], ["end_good"]]


def test_a_skipping_link_puts_its_target_below_the_longest_path():
    doc = copy.deepcopy(SPEC_SCENARIO)
    doc["nodes"][0]["choices"][1]["next"] = "end_good"  # threaten now also reaches end_good
    doc["nodes"] = [n for n in doc["nodes"] if n["id"] != "end_bad"]
    rows = layers_of(doc)
    assert rows[-1] == ["end_good"] and len(rows) == 3


def test_links_list_every_choice_and_reply():
    edges = edges_of(SPEC_SCENARIO)
    assert [(e["source"], e["target"], e["critical"]) for e in edges] == [
        ("open", "reply1", False), ("open", "end_bad", True), ("reply1", "end_good", False)]


def test_the_svg_is_well_formed_with_a_title_and_outcomes_styled():
    svg = render_svg(SPEC_SCENARIO, title="River", svg_id="g1")
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.find(f"{SVG}title").text == "River"
    nodes = root.findall(f".//{SVG}g[@class]")
    classes = [g.get("class") for g in nodes]
    assert classes.count("node node-outcome") == 2 and "node node-choice" in classes
    assert any("critical" in (p.get("class") or "") for p in root.iter(f"{SVG}path"))


def test_all_text_is_escaped():
    doc = copy.deepcopy(SPEC_SCENARIO)
    doc["title"] = "<script>alert(1)</script>"
    doc["nodes"][0]["text"] = '"><script>alert(2)</script>'
    doc["nodes"][0]["choices"][0]["text"] = "</title><script>alert(3)</script>"
    svg = render_svg(doc, svg_id='x"><script>')
    assert "<script>" not in svg
    ET.fromstring(svg)  # still well-formed


def test_an_unreachable_node_still_shows():
    doc = copy.deepcopy(SPEC_SCENARIO)
    doc["nodes"].append({"id": "orphan", "type": "outcome", "outcome": "stalemate", "text": "Nobody comes here."})
    assert layers_of(doc)[-1] == ["orphan"]
    assert "orphan" in render_svg(doc)


def test_bar_chart_escapes_labels_and_clamps_scores():
    svg = bar_chart([{"label": "<b>x</b>", "score": 140}, {"label": "Empathy", "score": None}],
                    title="T", description="D", chart_id="c", threshold=60, threshold_label="Pass")
    root = ET.fromstring(svg)
    assert "<b>" not in svg and root.get("role") == "img"
    assert ">100<" in svg


def test_highlighted_paths_are_drawn_over_the_links_they_take_and_named_in_the_description():
    doc = copy.deepcopy(SPEC_SCENARIO)
    steps = [{"node": "open", "choice": "ask"}, {"node": "reply1"}, {"node": "end_good"}]
    svg = render_svg(doc, svg_id="d", highlights=[
        {"name": "learner", "label": "Your path is <blue>.", "colour": "#1f5fa8", "width": 9, "dash": "",
         "steps": steps},
        {"name": "strongest", "label": "The strongest path is dashed.", "colour": "#1e7a46", "width": 3.5,
         "dash": "9 5", "steps": steps[:2]},
    ])
    learner = svg.split('<g class="path path-learner" fill="none">')[1].split("</g>")[0]
    strongest = svg.split('<g class="path path-strongest" fill="none">')[1].split("</g>")[0]
    assert learner.count("<path ") == 2 and strongest.count("<path ") == 1
    assert 'stroke-dasharray="9 5"' in strongest and "stroke-dasharray" not in learner
    assert "Your path is &lt;blue&gt;. The strongest path is dashed.</desc>" in svg
