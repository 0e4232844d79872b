"""Train the quotation speaker ranker on LitBank and write ``ficlens/data/quotes/ranker.json``.

    .venv/bin/python scripts/train_quotes.py [--data ../shared/data/litbank] [--characters both]

Runs the real pipeline (spaCy, then the characters stage) over each LitBank excerpt, lists
candidate speakers for every gold quotation we detect, and fits the conditional logit in
``ficlens.quotes.ranker`` (numpy, CPU, seconds) in two rounds (``litbank_quotes.fit``): on
gold conversation histories, then on the histories that first model makes for itself. ``--characters`` picks whose characters
the candidates come from: ``predicted`` (the characters stage, as at run time), ``gold``
(LitBank's coreference, cleaner labels) or ``both`` (the two sets of examples together).
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

from ficlens.bench.litbank_quotes import DEFAULT_ROOT, doc_names, fit, load_doc, prepare
from ficlens.quotes.ranker import FEATURES, PRIOR_STRENGTH

OUT = ROOT / "src" / "ficlens" / "data" / "quotes" / "ranker.json"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_ROOT)
    ap.add_argument("--characters", choices=("predicted", "gold", "both"), default="both")
    ap.add_argument("--l2", type=float, default=PRIOR_STRENGTH, help="pull towards the rule weights")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    modes = ("predicted", "gold") if args.characters == "both" else (args.characters,)
    t0 = time.perf_counter()
    names = doc_names(args.data)
    prepared = [prepare(load_doc(args.data, name), characters=mode) for name in names for mode in modes]
    weights = fit(prepared, l2=args.l2)
    examples = sum(len(p.lit.quotes) for p in prepared)
    args.out.write_text(
        json.dumps(
            {
                "model": "conditional logit over candidate speakers",
                "trained_on": f"LitBank quotations, {len(names)} documents, characters: {args.characters}",
                "quotations": examples,
                "training": "two rounds: gold histories, then the first model's own histories",
                "features": list(FEATURES),
                "weights": weights,
            },
            indent=1,
        )
        + "\n"
    )
    print(f"{examples} quotations, {time.perf_counter() - t0:.0f}s -> {args.out}")


if __name__ == "__main__":
    main()
