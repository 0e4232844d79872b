"""Train the passage-level trigger classifier shipped as ``ficlens/data/tags/triggers.json``.

    .venv/bin/python scripts/train_triggers.py [--data ../shared/data/trigger-passages/train.jsonl]

One L2 logistic regression per trigger category over word presence (single lowercase words
seen in at least ``--min-df`` passages; no n-grams, so no phrase of a passage is kept),
trained on that category's passages with label = majority of the three annotators. Only
the vocabulary and the weights are written. ``ficlens bench tags`` reports the same models'
cross-validated calibration.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ficlens.tagging.trigger_training import fit_all, load_passages


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "trigger-passages" / "train.jsonl"))
    ap.add_argument("--out", default=str(ROOT / "src" / "ficlens" / "data" / "tags" / "triggers.json"))
    ap.add_argument("--min-df", type=int, default=8)
    ap.add_argument("--C", type=float, default=0.1)
    args = ap.parse_args()
    passages = load_passages(args.data)
    model = fit_all(passages, min_df=args.min_df, C=args.C)
    Path(args.out).write_text(json.dumps(model, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: {len(model['vocab'])} words, categories {', '.join(model['categories'])}")


if __name__ == "__main__":
    main()
