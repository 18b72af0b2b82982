"""Train the person linkage model that the platform ships for hit/no-hit screening.

The model is trained without labels on made-up persons only (the cross-script
benchmark's generator, seed 1, 20,000 persons in two spellings), so the file holds
parameters and no personal data. Run from the repository root to rebuild it:

    .venv/bin/python scripts/train-person-model.py
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from crossscript_data import generate  # noqa: E402

from interagency.matching.batch import EngineLimits, link  # noqa: E402
from interagency.matching.features import person_features  # noqa: E402
from interagency.matching.model import save_model  # noqa: E402

TARGET = ROOT / "src" / "interagency" / "matching" / "data" / "person-model.json"


def main() -> None:
    logging.basicConfig(level=logging.ERROR)
    data = generate(seed=1, n_persons=20_000)
    a, b = person_features(data.a, 2), person_features(data.b, 2)
    model = link(a, b, limits=EngineLimits(memory_limit="6GB")).model
    save_model(model, TARGET)
    print(f"saved {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
