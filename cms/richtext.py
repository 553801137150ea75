"""Sanitising rich text: the last word on what HTML may reach a learner's page."""
import nh3

ALLOWED_TAGS = {"p", "h2", "h3", "h4", "strong", "b", "em", "i", "ul", "ol", "li", "a", "br", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
# Features offered in the editor; the sanitiser below backs them up.
EDITOR_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "blockquote"]


def safe_html(html: str) -> str:
    """Drop scripts, event handlers, styles and javascript: links; keep the allowed markup."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
