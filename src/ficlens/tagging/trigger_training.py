"""Fitting the trigger classifier (used by ``scripts/train_triggers.py`` and ``ficlens bench tags``).

Needs scikit-learn (a test/training extra), imported only inside these functions, so the
runtime package never depends on it.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from .triggers import TriggerModel, words


def load_passages(path: str | Path) -> list[dict[str, Any]]:
    """``[{"warning", "label" (majority of 3), "work_id", "words"}]`` from the shared JSONL."""
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            out.append(
                {
                    "warning": d["warning"],
                    "label": int(sum(d["labels"]) >= 2),
                    "work_id": str(d.get("work_id")),
                    "words": words(d["text"]),
                }
            )
    return out


MIN_WORKS = 3  # a word must come from this many different works: no one fic's names or coinages


def vocabulary(passages: list[dict[str, Any]], min_df: int) -> list[str]:
    df = Counter(w for p in passages for w in p["words"])
    works: dict[str, set[str]] = {}
    for p in passages:
        for w in p["words"]:
            if df[w] >= min_df:
                works.setdefault(w, set()).add(p["work_id"])
    return sorted(w for w, ws in works.items() if len(ws) >= MIN_WORKS)


def _matrix(passages: list[dict[str, Any]], index: dict[str, int]):
    import numpy as np
    from scipy.sparse import csr_matrix

    rows, cols = [], []
    for r, p in enumerate(passages):
        for w in p["words"]:
            j = index.get(w)
            if j is not None:
                rows.append(r)
                cols.append(j)
    return csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(passages), len(index)))


def fit_category(passages: list[dict[str, Any]], vocab: list[str], C: float) -> tuple[list[float], float]:
    from sklearn.linear_model import LogisticRegression

    index = {w: i for i, w in enumerate(vocab)}
    X = _matrix(passages, index)
    y = [p["label"] for p in passages]
    clf = LogisticRegression(C=C, max_iter=2000)
    clf.fit(X, y)
    return [round(float(c), 5) for c in clf.coef_[0]], round(float(clf.intercept_[0]), 5)


def fit_all(passages: list[dict[str, Any]], *, min_df: int = 8, C: float = 0.1) -> dict[str, Any]:
    """Vocabulary over all passages, one model per category."""
    vocab = vocabulary(passages, min_df)
    cats: dict[str, Any] = {}
    for cat in sorted({p["warning"] for p in passages}):
        sub = [p for p in passages if p["warning"] == cat]
        coef, b = fit_category(sub, vocab, C)
        cats[cat] = {"coef": coef, "intercept": b, "n": len(sub), "positives": sum(p["label"] for p in sub)}
    return {"format": "ficlens.triggers/1", "features": "word presence", "min_df": min_df, "min_works": MIN_WORKS,
            "C": C, "vocab": vocab, "categories": cats}


def cross_validate(passages: list[dict[str, Any]], *, folds: int = 5, min_df: int = 8, C: float = 0.1):
    """Out-of-fold probabilities per passage, folds grouped by work (no work in train and test).

    Returns ``[(category, label, probability)]``.
    """
    works = sorted({p["work_id"] for p in passages})
    fold_of = {w: i % folds for i, w in enumerate(works)}
    out = []
    for k in range(folds):
        train = [p for p in passages if fold_of[p["work_id"]] != k]
        test = [p for p in passages if fold_of[p["work_id"]] == k]
        model = TriggerModel(fit_all(train, min_df=min_df, C=C))
        for p in test:
            idx = [model.vocab[w] for w in p["words"] if w in model.vocab]
            coef, b = model.categories[p["warning"]]
            import math

            z = b + sum(coef[i] for i in idx)
            out.append((p["warning"], p["label"], 1.0 / (1.0 + math.exp(-z))))
    return out
