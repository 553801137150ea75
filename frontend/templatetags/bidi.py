"""`isolate`: wrap text that people wrote (class names, exercise titles) in Unicode's first-strong
isolate and pop directional isolate characters, so that a right-to-left override inside it cannot
reorder the text that follows on the same line, even where markup such as <bdi> is not allowed
(the page title). The result is still escaped by the template."""
from django import template

register = template.Library()

FSI, PDI = "\u2068", "\u2069"


@register.filter
def isolate(value) -> str:
    return f"{FSI}{value}{PDI}"
