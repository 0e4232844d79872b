"""Train the quotation speaker ranker on LitBank and write ``ficlens/data/quotes/ranker.json``.

    .venv/bin/python scripts/train_quotes.py [--data ../shared/data/litbank] [--characters both]

Runs the real pipeline (spaCy, then the characters stage) over each LitBank excerpt, lists
candidate speakers for every gold quotation we detect, and fits the conditional logit in
``ficlens.quotes.ranker`` (numpy, CPU, seconds) in two rounds (``litbank_quotes.fit``): on
gold conversation histories, then on the histories that first model makes for itself. ``--characters`` picks whose characters
the candidates come from: ``predicted`` (the characters stage, as at run time), ``gold``
(LitBank's coreference, cleaner labels) or ``both`` (the two sets of examples together).
Then the confidence calibration: a 5-fold cross-validation by document with predicted
characters gives each quotation a confidence from a model that never saw it, and a Platt
map fitted to those (``ranker.fit_calibration``) is stored beside the weights.
``--calibration-only`` keeps the shipped weights and refits the map alone.
Only the learned weights are written; no LitBank text goes into the package.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ficlens.bench.litbank_quotes import DEFAULT_ROOT, cross_validate, doc_names, fit, load_doc, prepare
from ficlens.quotes.ranker import FEATURES, PRIOR_STRENGTH, fit_calibration

OUT = ROOT / "src" / "ficlens" / "data" / "quotes" / "ranker.json"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_ROOT)
    ap.add_argument("--characters", choices=("predicted", "gold", "both"), default="both")
    ap.add_argument("--l2", type=float, default=PRIOR_STRENGTH, help="pull towards the rule weights")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--calibration-only", action="store_true", help="keep the weights in --out; refit the confidence map")
    args = ap.parse_args()
    modes = () if args.calibration_only else ("predicted", "gold") if args.characters == "both" else (args.characters,)
    t0 = time.perf_counter()
    names = doc_names(args.data)
    prepared = {mode: [prepare(load_doc(args.data, name), characters=mode) for name in names] for mode in {*modes, "predicted"}}
    if args.calibration_only:
        model = json.loads(args.out.read_text())
    else:
        examples = [p for mode in modes for p in prepared[mode]]
        model = {
            "model": "conditional logit over candidate speakers",
            "trained_on": f"LitBank quotations, {len(names)} documents, characters: {args.characters}",
            "quotations": sum(len(p.lit.quotes) for p in examples),
            "training": "two rounds: gold histories, then the first model's own histories",
            "features": list(FEATURES),
            "weights": fit(examples, l2=args.l2),
        }
    tally = cross_validate(prepared["predicted"], 5)
    a, b = fit_calibration(tally.confidence)
    model["calibration"] = {
        "a": a,
        "b": b,
        "fitted_on": f"5-fold cross-validated confidences of {len(tally.confidence)} detected LitBank quotations, predicted characters",
    }
    args.out.write_text(json.dumps(model, indent=1) + "\n")
    print(f"{model['quotations']} quotations, calibration a={a} b={b}, {time.perf_counter() - t0:.0f}s -> {args.out}")


if __name__ == "__main__":
    main()
