"""The worked examples in the ingest modules' docstrings hold."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize(
    "name",
    ["ficlens.ingest.htmltext", "ficlens.ingest.ffn_html", "ficlens.ingest.markdown", "ficlens.ingest.sniff", "ficlens.ingest.decode"],
)
def test_ingest_docstring_examples_hold(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
