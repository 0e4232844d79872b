"""The worked examples in module docstrings are tests too."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "ficlens.text",
    "ficlens.vocab",
    "ficlens.ingest.sniff",
    "ficlens.ingest.decode",
    "ficlens.bench.fic_quotes",
    "ficlens.structure",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0
