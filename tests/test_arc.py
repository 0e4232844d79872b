"""Emotional arc: windows, smoothing, shape templates, endings, emotions."""

from __future__ import annotations

import doctest

import pytest
from conftest import validate_analysis

from ficlens import contract
from ficlens.stages import arc as arc_stage
from ficlens.tagging import arc
from ficlens.tagging.handbuilt import make_doc

HAPPY = "She smiled. It was a wonderful, lovely day and she laughed with joy. "
SAD = "He wept. It was a terrible, miserable night and he cried in despair. "


def test_docstring_examples_hold():
    assert doctest.testmod(arc).failed == 0


@pytest.mark.parametrize(
    "parts,shape",
    [
        ([SAD] * 10 + [HAPPY] * 10, "rags-to-riches"),
        ([HAPPY] * 10 + [SAD] * 10, "tragedy"),
        ([HAPPY] * 7 + [SAD] * 7 + [HAPPY] * 7, "man-in-a-hole"),
        ([SAD] * 7 + [HAPPY] * 7 + [SAD] * 7, "icarus"),
    ],
)
def test_shape_follows_the_valence_curve(parts, shape):
    doc = arc_stage.create()(make_doc("".join(parts)))
    assert doc.arc.shape == shape


@pytest.mark.parametrize(
    "parts,ending",
    [
        ([SAD] * 10 + [HAPPY] * 5, "happy"),
        ([HAPPY] * 10 + [SAD] * 5, "sad"),
        ([SAD] * 10 + [HAPPY, SAD] * 3, "bittersweet"),
        ([HAPPY] * 10 + ["The door closed. The train left the station. "] * 5, "open"),
    ],
)
def test_ending_reads_the_closing_sentences(parts, ending):
    doc = arc_stage.create()(make_doc("".join(parts)))
    assert doc.arc.ending == ending


def test_arc_points_span_the_body_and_carry_emotions():
    doc = arc_stage.create()(make_doc((HAPPY + SAD) * 15))
    pts = doc.arc.points
    assert len(pts) == arc.WINDOWS
    assert all(0 <= p.position <= 1 for p in pts)
    assert pts == sorted(pts, key=lambda p: p.position)
    assert set(pts[0].emotions) == {"anger", "anticipation", "disgust", "fear", "joy", "sadness", "surprise", "trust"}
    assert sum(p.emotions["joy"] for p in pts) > 0 and sum(p.emotions["sadness"] for p in pts) > 0


def test_smoothing_keeps_length_and_flattens_spikes():
    out = arc.smooth([0, 0, 1, 0, 0], k=1)
    assert len(out) == 5 and max(out) < 1


def test_a_text_too_short_for_an_arc_has_none():
    doc = arc_stage.create()(make_doc("Hi."))
    assert doc.arc is None


def test_arc_validates_against_the_contract():
    doc = arc_stage.create()(make_doc((HAPPY + SAD) * 5))
    validate_analysis(contract.to_json(doc))


def test_valences_of_one_work_never_leak_into_another():
    from concurrent.futures import ThreadPoolExecutor

    from ficlens.tagging.sentiment import sentence_valences

    a, b = make_doc(HAPPY * 30), make_doc(SAD * 30)
    alone_a, alone_b = sentence_valences(a), sentence_valences(b)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(sentence_valences, [a, b] * 10))
    assert results == [alone_a, alone_b] * 10
