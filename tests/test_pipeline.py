"""The pipeline skeleton: build-time checks, error recording, stats, the contract."""

from __future__ import annotations

import pytest

from ficlens.ingest import read_bytes
from ficlens.model import Doc
from ficlens.pipeline import Pipeline, PipelineError


class _Stage:
    def __init__(self, name, requires=(), assigns=(), fn=None):
        self.name, self.requires, self.assigns, self.fn = name, requires, assigns, fn

    def __call__(self, doc: Doc) -> Doc:
        if self.fn:
            self.fn(doc)
        return doc


def test_pipeline_refuses_a_stage_whose_requirement_no_earlier_stage_assigns():
    with pytest.raises(PipelineError, match="requires quotes"):
        Pipeline([_Stage("pov", requires=("quotes",)), _Stage("quotes", assigns=("quotes",))])


def test_pipeline_refuses_a_stage_placed_before_the_stage_that_fills_its_optional_input():
    pov = _Stage("pov")
    pov.optional = ("quotes",)
    with pytest.raises(PipelineError, match="before the stage that assigns quotes"):
        Pipeline([pov, _Stage("quotes", assigns=("quotes",))])
    # absent altogether is fine: the stage degrades
    assert Pipeline([pov]).stage_names == ["pov"]


def test_the_default_pipeline_builds_with_every_stage_in_order():
    from ficlens.pipeline import default_pipeline
    from ficlens.stages import ORDER

    assert default_pipeline(profile="fast").stage_names == list(ORDER)


def test_pipeline_accepts_stages_in_dependency_order():
    p = Pipeline([_Stage("quotes", requires=("tokens",), assigns=("quotes",)), _Stage("pov", requires=("quotes",))])
    assert p.stage_names == ["quotes", "pov"]


def test_a_failing_stage_is_recorded_and_later_stages_still_run(validate):
    from ficlens import contract

    seen = []

    def boom(doc):
        raise RuntimeError("bad\nthing")

    p = Pipeline([_Stage("one", fn=boom), _Stage("two", fn=lambda d: seen.append("two"))], nlp_profile="fast")
    doc = p.run(read_bytes(b"She ran. He walked.\n", path="x.txt"))
    assert doc.errors == [{"stage": "one", "error": "RuntimeError: bad thing"}]
    assert seen == ["two"]
    validate(contract.to_json(doc))


def test_stats_count_words_the_way_ao3_does():
    p = Pipeline([], nlp_profile="fast")
    doc = p.run(read_bytes("Don't go -- it's late, well-known.\n".encode(), path="x.txt"))
    # Don't | go | its | late | wellknown  (apostrophes and hyphens vanish, -- splits)
    assert doc.stats.words == 5
    assert doc.stats.sentences == 1
