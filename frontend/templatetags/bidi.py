"""`isolate`: wrap text that people wrote (class names, exercise titles) in Unicode's first-strong
isolate and pop directional isolate characters, so that a right-to-left override inside it cannot
reorder the text that follows on the same line, even where markup such as <bdi> is not allowed
(the page title). The result is still escaped by the template."""
from django import template
from django.utils.translation import get_language_info

register = template.Library()

FSI, PDI = "\u2068", "\u2069"


@register.filter
def isolate(value) -> str:
    return f"{FSI}{value}{PDI}"


@register.filter
def text_dir(language_code) -> str:
    """The `dir` of content written in `language_code`: English content in an Arabic page stays left to
    right (its full stops at its end), Arabic content in an English page right to left; "auto" (the
    text's first strong letter decides) for a language Django does not know."""
    try:
        return "rtl" if get_language_info(str(language_code))["bidi"] else "ltr"
    except KeyError:
        return "auto"
