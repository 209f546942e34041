"""HTML written in Python, for the parts of pages drawn on every visit (the procedure page's
lists, cards and photos; the booking page's diary). In Django's template language each value
shown cost about thirty calls (lookup, localisation, escaping) and each loop many more; here
a value costs a few. Values are escaped exactly as templates escape them
(`conditional_escape`), and the patterns keep the templates' own whitespace, so the pages
are byte-for-byte what the templates drew."""

from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe

# What `html.escape` (and so Django's `escape`) replaces, in one pass instead of five.
ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def escaped(value) -> str:
    """Django's `conditional_escape`, without `keep_lazy`'s checks of every argument."""
    if type(value) is str:  # plain text, most values: neither lazy nor already safe
        return value.translate(ESCAPES)
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return str(value).translate(ESCAPES)


def fill(pattern: str, **values) -> SafeString:
    """`pattern` (a `str.format` pattern) with every value escaped: Django's `format_html`."""
    return mark_safe(pattern.format(**{name: escaped(value) for name, value in values.items()}))  # noqa: S308


def fill_each(pattern: str, rows) -> SafeString:
    """`fill` for each of `rows` (dicts of values), one after the other."""
    return joined(fill(pattern, **row) for row in rows)


def joined(parts) -> SafeString:
    """Safe parts (from `fill`), one after the other."""
    return mark_safe("".join(parts))  # noqa: S308 - each part was escaped by `fill`
