"""Score the real Harper Valley calls (human and ASR transcripts) and print agreement with reviewers.

    .venv/bin/python scripts/real_calls.py                       # the shared calls, standards/retail_bank
    .venv/bin/python scripts/real_calls.py --calls DIR --reviews R.csv --standard retail_bank@1.0

DIR holds `transcript/` and `metadata/` as the corpus does; R.csv has interaction_id,
criterion_id, human_outcome. Each transcript kind is landed, run through the nightly steps and
calibrated in its own folder under --data (default data/real_calls); the disagreements follow the
table with the reason and evidence of each verdict.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from touchstone.real_calls import TRANSCRIPTS, agreement_table, score_real_calls  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=Path, default=ROOT.parent / "shared" / "data" / "calls" / "harper_valley")
    parser.add_argument("--reviews", type=Path, default=ROOT / "tests" / "fixtures" / "real_calls" / "reviews.csv")
    parser.add_argument("--standard", default="retail_bank")
    parser.add_argument("--data", type=Path, default=None, help="where to land and publish (default: a temporary folder)")
    args = parser.parse_args()
    data = args.data or Path(tempfile.mkdtemp(prefix="touchstone-real-calls-"))
    results = [score_real_calls(args.calls, args.reviews, args.standard, data, which) for which in TRANSCRIPTS]
    table = agreement_table(results)
    print(table.to_markdown(floatfmt=".3f"))
    for result in results:
        dis = result.calibration.disagreements
        print(f"\n{result.which}: {len(dis)} disagreement(s)")
        for row in dis.itertuples():
            print(f"  {row.interaction_id} {row.criterion_id}: reviewer {row.human_outcome}, touchstone {row.outcome} ({row.reason}) [{row.evidence}]")
    print(f"\nPublished under {data}")


if __name__ == "__main__":
    main()
