"""The native modules' type stubs list exactly what is bound (so they cannot go stale)."""

import ast
from pathlib import Path

import pytest

import sss_fast
from sss_fast import _native

PKG = Path(sss_fast.__file__).resolve().parent


def stub_names(path):
    """Top-level names a stub defines, and the annotated attributes of each class."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names, attrs = set(), {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        if isinstance(node, ast.ClassDef):
            attrs[node.name] = {n.target.id for n in node.body
                                if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)}
    return names, attrs


@pytest.mark.parametrize("stub, module", [("_core.pyi", "core"), ("_core_testing.pyi", "testing")])
def test_stub_lists_exactly_the_bound_names(stub, module):
    mod = getattr(_native, module)
    names, attrs = stub_names(PKG / stub)
    bound = {n for n in dir(mod) if not n.startswith("_")}
    assert names == bound, (f"{stub} is stale (regenerate with tools/make_stubs.py): "
                            f"missing {sorted(bound - names)}, extra {sorted(names - bound)}")
    for name in bound:
        fields = getattr(getattr(mod, name), "_fields", None)
        if fields is not None:
            assert set(fields) <= attrs[name], f"{stub}: {name} lacks {set(fields) - attrs[name]}"
