"""The scenario diagram moved to `assessments.diagram` so the CMS admin can draw it too
(nothing may import `frontend`); these names stay importable from here."""
from assessments.diagram import GOOD_OUTCOMES, edges_of, layers_of, render_svg

__all__ = ["GOOD_OUTCOMES", "edges_of", "layers_of", "render_svg"]
