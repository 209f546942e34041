"""The project uses Django's, Wagtail's, modelcluster's and treebeard's documented APIs only, so
the frameworks can be upgraded without re-deriving our code from theirs.

Checked by reading the code (an AST walk of allure/, procedures/, bookings/ and scripts/):
- no import of a private name (`from django.x import _name`) or of a private module
  (`wagtail._x`), nor of the modules below that the frameworks keep to themselves;
- no use of a private attribute (`queryset._result_cache`, `request._wagtail_site`) other than
  the few the frameworks document (`_meta`, `_state`, `_default_manager`, `_base_manager`).
  Our own `_names` (functions, module globals, attributes our classes set on themselves)
  are ours to use.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHECKED = ("allure", "procedures", "bookings", "scripts")
FRAMEWORKS = ("django", "wagtail", "modelcluster", "treebeard")

# Modules the frameworks' documentation never mentions: how they work inside.
UNDOCUMENTED_MODULES = (
    "django.db.models.sql",
    "django.db.models.base",
    "django.db.models.query_utils",
    "django.db.models.fields.related_descriptors",
    "django.db.backends.utils",
    "django.dispatch.dispatcher",
    "django.template.base",
    "django.http.request",
    "django.utils.deprecation",
    "wagtail.models.sites",
    "wagtail.models.pages",
    "wagtail.utils.file",
)

# Underscore attributes that the frameworks document as public API.
DOCUMENTED_UNDERSCORED = {"_meta", "_state", "_default_manager", "_base_manager"}

# The internals still used, each with why no documented API says it. The list only shrinks:
# a new use fails the test, and so does an entry no longer used, so that it is taken off.
KNOWN_DEBT = {
    # Wagtail's own file hash, so a photo stripped of its metadata is found as a duplicate
    # exactly as Wagtail's upload form finds one (the same digest of the same bytes).
    ("allure/base/photos.py", "wagtail.utils.file"),
    # The admin's looser policy: Django 6.0's CSP middleware reads it from the response, and
    # its documented `csp_override` decorator sets the same attribute; there is no
    # middleware-level API to give a whole URL prefix (Wagtail's admin) its own policy.
    ("allure/base/web/security.py", "._csp_config"),
}


def python_files():
    for folder in CHECKED:
        yield from sorted((ROOT / folder).rglob("*.py"))


def own_names(trees) -> set[str]:
    """Names the project defines: functions, classes, module globals, arguments, and
    attributes set on `self` or `cls`."""
    names = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif (
                isinstance(node, ast.Attribute)
                and isinstance(node.ctx, ast.Store)
                and isinstance(node.value, ast.Name)
                and node.value.id in ("self", "cls")
            ):
                names.add(node.attr)
    return names


def private_uses(tree, ours: set[str]) -> set[str]:
    """The frameworks' private or undocumented names that `tree` reaches for."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            modules += [alias.name for alias in node.names if isinstance(node, ast.Import)]
            for module in modules:
                if module.split(".")[0] not in FRAMEWORKS:
                    continue
                parts = module.split(".")
                if any(part.startswith("_") for part in parts):
                    found.add(module)
                if any(module == m or module.startswith(m + ".") for m in UNDOCUMENTED_MODULES):
                    found.add(module)
                if isinstance(node, ast.ImportFrom):
                    found |= {f"{module}.{a.name}" for a in node.names if a.name.startswith("_")}
        elif isinstance(node, ast.Attribute):
            name = node.attr
            if (
                name.startswith("_")
                and not name.startswith("__")
                and name not in DOCUMENTED_UNDERSCORED
                and name not in ours
            ):
                found.add("." + name)
    return found


def framework_internals_used() -> set[tuple[str, str]]:
    files = list(python_files())
    trees = {path: ast.parse(path.read_text(), str(path)) for path in files}
    ours = own_names(trees.values())
    return {
        (str(path.relative_to(ROOT)), name)
        for path, tree in trees.items()
        for name in private_uses(tree, ours)
    }


def test_no_new_use_of_a_framework_internal():
    new = framework_internals_used() - KNOWN_DEBT
    assert not new, f"framework internals used (use a documented API instead): {sorted(new)}"


def test_the_list_of_what_is_left_only_shrinks():
    gone = KNOWN_DEBT - framework_internals_used()
    assert not gone, f"no longer used, take them off KNOWN_DEBT: {sorted(gone)}"


@pytest.mark.parametrize(
    ("code", "reported"),
    [
        (
            "from django.utils.html import _json_script_escapes",
            "django.utils.html._json_script_escapes",
        ),
        ("from django.dispatch.dispatcher import NO_RECEIVERS", "django.dispatch.dispatcher"),
        ("import django.db.models.sql.compiler", "django.db.models.sql.compiler"),
        ("from wagtail._private import x", "wagtail._private"),
        ("qs._result_cache = []", "._result_cache"),
        ("site = request._wagtail_site", "._wagtail_site"),
    ],
)
def test_the_check_reports_each_kind_of_internal(code, reported):
    assert reported in private_uses(ast.parse(code), ours=set())


@pytest.mark.parametrize(
    "code",
    [
        "fields = Page._meta.get_fields()",
        "adding = page._state.adding",
        "from django.db.models import Prefetch",
        "from requests import _internal",  # not a framework of ours
        "self._fragments = {}; self._fragments.clear()",
    ],
)
def test_the_check_leaves_documented_names_and_our_own_alone(code):
    tree = ast.parse(code)
    assert private_uses(tree, own_names([tree])) == set()
