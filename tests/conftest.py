"""Shared fixtures: the contract validator and quick ways to analyse a story."""

from __future__ import annotations

from pathlib import Path

import pytest

from ficlens import contract
from ficlens.ingest import read_bytes

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"
SCHEMA = SHARED / "contract" / "analysis-v1.schema.json"


def validate_analysis(obj: dict) -> dict:
    """Validate a contract object against shared/contract (and the rules the schema can't say)."""
    contract.validate(obj, SCHEMA)
    return obj


@pytest.fixture
def validate():
    return validate_analysis


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


def dialogue_story(name: str) -> str:
    """A scene of ``fixtures/dialogue`` as a reader gets it: its speaker markers cut out."""
    from ficlens.bench.fic_quotes import MARKER

    return MARKER.sub("", (FIXTURES / "dialogue" / name).read_text(encoding="utf-8"))


def analyse_text(text: str, *, name: str = "story.txt", profile: str = "full", stages=None):
    """Run the real pipeline on a story given as a string; returns (doc, contract json)."""
    from ficlens.pipeline import default_pipeline

    work = read_bytes(text.encode("utf-8"), path=name)
    doc = default_pipeline(profile=profile, stages=stages).run(work)
    obj = contract.to_json(doc)
    validate_analysis(obj)
    return doc, obj


@pytest.fixture
def analyse():
    return analyse_text
