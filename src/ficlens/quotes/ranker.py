"""The learned part: a conditional logit that ranks a quotation's candidate speakers.

Each candidate is a vector of features (``FEATURES``); its score is ``w . x`` and the
probabilities are the softmax of the scores over that quotation's candidates, so the chosen
speaker's probability, put through a calibration map (``calibrate``), is the quotation's
confidence. Weights ship as JSON in
``ficlens/data/quotes/ranker.json`` (made by ``scripts/train_quotes.py``); without that file
the hand-set ``RULE_WEIGHTS`` are used, which encode the same rules as a fallback.

Training (``train``) is a MAP fit with the rule weights as the prior mean: features the
data hardly shows keep their rule weight, and the last-speaker features (``FIXED``) are not
learned at all, because LitBank has lost the paragraph breaks that define a turn. The
training script calls it twice (``bench.litbank_quotes.fit``): on gold conversation
histories, then on the histories the first model makes for itself.

>>> r = Ranker(RULE_WEIGHTS)
>>> probs = r.probabilities([{"tag_name": 1.0}, {"turn2": 1.0}])
>>> probs[0] > 0.9
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ..resources import exists, load_json

FEATURES: tuple[str, ...] = (
    "tag_name",  # subject of a speech tag by name/alias/nominal ("said Clark")
    "tag_new_name",  # tag subject by a proper name the characters stage did not list
    "tag_new_nom",  # tag subject by a phrase it did not list ("said the man")
    "tag_pron",  # subject of a speech tag by a pronoun ("she mumbled")
    "tag_pron_near",  # nearest agreeing character named before a pronoun tag (a second opinion)
    "tag_pron_own",  # ... for a tag pronoun the characters stage left unresolved
    "tag_pron_beat",  # ... the paragraph's acting subject before the line, of the pronoun's gender, when the characters stage said someone else ('Magnus swept in ... "Well," he said')
    "tag_first",  # "I said" and the candidate is the narrator
    "not_tag",  # the quotation has a tag whose subject is someone else
    "beat_before",  # named in the narration before the quotation in its paragraph
    "beat_after",  # named in the narration after it
    "beat_first",  # the first character named in the paragraph's narration
    "beat_subj",  # untagged: subject of the paragraph's narration nearest before the quotation ('He grinned. "Not tonight."'), else after it
    "near",  # closeness of the nearest narration mention in the paragraph
    "prev_para",  # named in the paragraph just before, all narration
    "prev_beat",  # named in the narration of the quoted paragraph just before
    "turn1",  # spoke the previous turn of this conversation
    "turn2",  # spoke the turn before that (turn-taking parity)
    "turn1_bare",  # turn1 on a quotation with no tag and no beat
    "turn1_gap",  # turn1 with a paragraph of narration since that turn
    "turn2_bare",  # turn2 on a quotation with no tag and no beat
    "same_para",  # spoke an earlier quotation in the same paragraph (a split quote)
    "same_para_bare",
    "voc_here",  # addressed by name in this quotation (so not the speaker)
    "voc_prev",  # addressed by name in the previous turn (so likely answers)
    "voc_prev_asked",  # ... by a turn that asked a question
    "named_in_quote",  # named inside this quotation, not as a vocative
    "narrator",  # the first-person narrator
    "narrator_bare",  # narrator on a quotation with no tag and no beat
    "salience",  # how much the character was mentioned lately
    "self_id",  # "It's Martha." names the speaker
    "conv_part",  # has spoken in this conversation, but not the last turn
    "tag_gender",  # the tag's pronoun ("she said") matches the candidate's gender
    "tag_clash",  # ... or clashes with it
    "recent",  # on the scene: named in the narration of the last few paragraphs or of its own, or has spoken in this conversation
    "recent_silent",  # on the scene and has not spoken in this conversation, where two or more have
    "recent_second",  # ... where at most one has: the likeliest to answer
    "arrival",  # named in the narration since the last turn, not yet a speaker
    "next_tag",  # an untagged line; the next turn's tag names this candidate (so not them)
    "next2_tag",  # ... the tag of the turn after next names them (the same side of the exchange)
    "voice_next",  # an untagged line; the narration after opens on "The voice" and then names them, or its own paragraph opens on a voice answering the one the line before called
    "on_call",  # a bare line while they are on the phone with someone we do not hear
    "voc_next",  # a line with no tag subject; the next turn calls them by name (so they likely said it)
    "prev_subj",  # a bare line after a narration paragraph: that paragraph's last acting subject ('He took it and sniffed.' then '"This coffee?"')
)

RULE_WEIGHTS: dict[str, float] = {
    "tag_name": 8.0,
    "tag_new_name": 5.0,
    "tag_new_nom": 6.0,
    "tag_pron": 7.0,
    "tag_pron_near": 1.0,
    "tag_pron_own": 4.0,
    "tag_pron_beat": 1.0,
    "tag_first": 7.0,
    "not_tag": -2.0,
    "beat_before": 2.0,
    "beat_after": 1.0,
    "beat_first": 1.0,
    "beat_subj": 2.5,
    "near": 1.0,
    "prev_para": 0.5,
    "prev_beat": 0.5,
    "turn1": -1.0,
    "turn2": 1.0,
    "turn1_bare": -1.5,
    "turn1_gap": 1.0,
    "turn2_bare": 2.5,
    "same_para": 1.5,
    "same_para_bare": 3.0,
    "voc_here": -4.0,
    "voc_prev": 2.0,
    "voc_prev_asked": 1.0,
    "named_in_quote": -1.0,
    "narrator": 0.0,
    "narrator_bare": 0.5,
    "salience": 0.5,
    "self_id": 5.0,
    "conv_part": 0.5,
    "tag_gender": 1.0,
    "tag_clash": -2.0,
    "recent": 0.5,
    "recent_silent": 0.5,
    "recent_second": 1.0,
    "arrival": 2.0,
    "next_tag": -1.0,
    "next2_tag": 0.5,
    "prev_subj": 0.0,
    "voice_next": 3.0,
    "on_call": 1.5,
    "voc_next": 1.0,
}

MODEL_FILE = ("data", "quotes", "ranker.json")
MIN_SUPPORT = 5  # candidates showing a feature before its weight moves from the rule
# turn-taking as print lays it out: a new paragraph is a new speaker. LitBank keeps no
# paragraph breaks, so what it would teach about the last speaker's turn is an artefact of
# our reconstruction; these weights stay the rules'
FIXED = frozenset({"turn1", "turn1_bare"})
PRIOR_STRENGTH = 3.0  # pull of the rule weights (in examples' worth of log-likelihood)


class Ranker:
    """Scores candidates with a weight per feature; missing features count as 0.

    ``calibration`` is ``(a, b)`` of a Platt map, ``logit(confidence) = a * logit(p) + b``:
    the softmax over candidates is sure of a line whose only candidate is the one named, and
    too sure of tagged lines whose tag resolved to the wrong person (LitBank, 5-fold CV: 0.97
    claimed where 0.88 is right), so the map is fitted on cross-validated predictions
    (``fit_calibration``). Without one, the confidence is the probability itself.
    """

    def __init__(self, weights: dict[str, float], calibration: tuple[float, float] | None = None):
        self.weights = dict(weights)
        self.w = np.array([self.weights.get(f, 0.0) for f in FEATURES])
        self.calibration = calibration

    def calibrate(self, p: float) -> float:
        """The confidence to report for a chosen candidate of probability ``p``.

        >>> round(Ranker({}, (0.5, 0.0)).calibrate(1.0), 3)
        0.99
        >>> Ranker({}).calibrate(0.7)
        0.7
        """
        if self.calibration is None:
            return p
        a, b = self.calibration
        z = a * _logit(p) + b
        return 0.5 * (1.0 + math.tanh(z / 2))

    @classmethod
    def load(cls) -> Ranker:
        """The shipped model, or the rule weights when none is shipped."""
        if exists(*MODEL_FILE):
            data = load_json(*MODEL_FILE)
            cal = data.get("calibration")
            return cls(data["weights"], (cal["a"], cal["b"]) if cal else None)
        return cls(RULE_WEIGHTS)

    def probabilities(self, feats: Sequence[dict[str, float]]) -> list[float]:
        if not feats:
            return []
        scores = [sum(self.weights.get(k, 0.0) * v for k, v in f.items()) for f in feats]
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        z = sum(exps)
        return [e / z for e in exps]


CLIP = 1e-4  # probabilities are held this far from 0 and 1 before the logit


def _logit(p: float) -> float:
    p = min(max(p, CLIP), 1.0 - CLIP)
    return math.log(p / (1.0 - p))


def fit_calibration(pairs: Sequence[tuple[float, bool]], *, iters: int = 50) -> tuple[float, float]:
    """Platt scaling: ``(a, b)`` that make ``sigmoid(a * logit(p) + b)`` fit whether the
    chosen speaker was right, by Newton's method on the log-likelihood (a faint pull of ``a``
    towards 1 keeps it defined when every line is right).

    >>> a, b = fit_calibration([(0.99, True)] * 8 + [(0.99, False)] * 2 + [(0.6, True), (0.6, False)] * 5)
    >>> 0.7 < Ranker({}, (a, b)).calibrate(0.99) < 0.9
    True
    """
    x = np.array([_logit(p) for p, _ in pairs], dtype=float)
    y = np.array([float(ok) for _, ok in pairs])
    if not len(x):
        return 1.0, 0.0
    ridge = 0.1

    def loss(a: float, b: float) -> float:
        z = a * x + b
        return float((np.logaddexp(0.0, z) - y * z).sum() + ridge / 2 * (a - 1.0) ** 2)

    a, b = 1.0, 0.0
    cur = loss(a, b)
    for _ in range(iters):
        q = 0.5 * (1.0 + np.tanh((a * x + b) / 2))  # the sigmoid, without overflow
        r = q * (1.0 - q)
        grad = np.array([((q - y) * x).sum() + ridge * (a - 1.0), (q - y).sum()])
        hess = np.array([[(r * x * x).sum() + ridge, (r * x).sum()], [(r * x).sum(), r.sum() + 1e-9]])
        step = np.linalg.solve(hess, grad)
        t = 1.0
        while t > 1e-6 and loss(a - t * step[0], b - t * step[1]) > cur:
            t /= 2  # backtracking: a full Newton step from far away overshoots
        a, b = a - t * step[0], b - t * step[1]
        cur = loss(a, b)
        if np.abs(t * step).max() < 1e-9:
            break
    return round(float(a), 4), round(float(b), 4)


def vectorize(feats: Sequence[dict[str, float]]) -> np.ndarray:
    return np.array([[f.get(k, 0.0) for k in FEATURES] for f in feats], dtype=float).reshape(len(feats), len(FEATURES))


def train(groups: Sequence[tuple[np.ndarray, int]], *, l2: float = PRIOR_STRENGTH, iters: int = 30) -> dict[str, float]:
    """Fit a conditional logit: each group is (candidate features, index of the right one).

    Newton's method on the summed negative log-likelihood plus ``l2/2 * |w - w0|^2``, where
    ``w0`` are the ``RULE_WEIGHTS``: the rules are the prior, and the data moves the weights
    only as far as it has evidence to. (LitBank's novels lose their paragraph breaks, so
    its evidence about turn-taking is blurred; the prior keeps one-paragraph-one-speaker.)
    With two dozen features each step is one small linear solve, and 30 steps converge.
    """
    groups = [(x, y) for x, y in groups if len(x) > 0 and 0 <= y < len(x)]
    if not groups:
        return dict(RULE_WEIGHTS)
    sizes = np.array([len(x) for x, _ in groups])
    X = np.vstack([x for x, _ in groups])
    seg = np.repeat(np.arange(len(groups)), sizes)
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    gold = X[offsets + np.array([y for _, y in groups])].sum(axis=0)
    n, d = len(groups), X.shape[1]
    w0 = np.array([RULE_WEIGHTS.get(f, 0.0) for f in FEATURES])

    def fit(w: np.ndarray):
        s = X @ w
        smax = np.full(n, -np.inf)
        np.maximum.at(smax, seg, s)
        e = np.exp(s - smax[seg])
        z = np.zeros(n)
        np.add.at(z, seg, e)
        loss = float((np.log(z) + smax).sum() - gold @ w + l2 / 2 * ((w - w0) ** 2).sum())
        return loss, e / z[seg]

    free = np.array([f not in FIXED for f in FEATURES])
    w = w0.copy()
    loss, p = fit(w)
    for _ in range(iters):
        grad = X.T @ p - gold + l2 * (w - w0)
        # Hessian: sum over groups of Cov_p(x) = X' diag(p) X - sum_g m_g m_g'
        m = np.zeros((n, d))
        np.add.at(m, seg, X * p[:, None])
        hess = (X * p[:, None]).T @ X - m.T @ m + l2 * np.eye(d)
        step = np.zeros(d)
        step[free] = np.linalg.solve(hess[np.ix_(free, free)], grad[free])
        t = 1.0
        while t > 1e-4:  # backtracking: a Newton step from far away can overshoot
            new_loss, new_p = fit(w - t * step)
            if new_loss <= loss:
                break
            t /= 2
        w, loss, p = w - t * step, new_loss, new_p
        if np.abs(t * step).max() < 1e-6:
            break
    # a feature the data hardly shows (self-identification on the phone is rare in novels)
    # keeps its rule weight rather than a guess fitted to a handful of cases
    support = (X != 0).sum(axis=0)
    return {f: round(float(x), 4) if support[i] >= MIN_SUPPORT else RULE_WEIGHTS.get(f, 0.0) for i, (f, x) in enumerate(zip(FEATURES, w))}
