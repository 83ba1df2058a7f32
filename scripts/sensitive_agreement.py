"""Print how the sensitive-data detectors agree with a reviewer's labels on the real DSTC11 utterances.

    .venv/bin/python scripts/sensitive_agreement.py             # countries as a criterion's default (likely)
    .venv/bin/python scripts/sensitive_agreement.py --all -v    # every country (as redaction), with each miss
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from touchstone.sensitive_agreement import agreement, read_jsonl, table  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--utterances", type=Path, default=ROOT.parent / "shared" / "data" / "dialogues" / "dstc11")
    parser.add_argument("--labels", type=Path, default=ROOT / "tests" / "fixtures" / "dstc11" / "sensitive_labels.jsonl")
    parser.add_argument("--all", action="store_true", help="every country's ids and phone numbers, as redaction looks for")
    parser.add_argument("-v", "--verbose", action="store_true", help="list each miss and each false positive")
    args = parser.parse_args()
    utterances = [row for path in sorted(args.utterances.glob("*.jsonl")) for row in read_jsonl(path)]
    result = agreement(utterances, read_jsonl(args.labels), countries="all" if args.all else "likely")
    print(f"{len(utterances)} utterances, {args.labels.name}")
    print(table(result))
    if args.verbose:
        for kind, a in result.items():
            for line in [f"missed {kind}: {m}" for m in a.missed] + [f"extra {kind}: {w}" for w in a.wrong]:
                print(line)


if __name__ == "__main__":
    main()
