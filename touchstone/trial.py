"""Try a draft standard on given transcripts: verdicts with evidence, nothing written anywhere.

Compliance officers use it before a new version goes live: `touchstone standards try draft.yaml
--on landing/2026-11-22/`. Files are read with the same format adapters and checks as the nightly
run, so what is quarantined here would be quarantined there. With a routing, the draft scores only
the interactions the routing gives its standard (a sales scorecard is tried on sales calls); the
others are counted as routed elsewhere.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from foundation.errors import TouchstoneError
from ingest.landing import landing_root
from ingest.reader import read_paths
from ingest.records import Quarantined
from ingest.source_config import SourceConfig
from scorers.engine import CompiledStandard, Scored
from scorers.loader import load_standard
from scorers.routing import Routing, route


@dataclass
class Trial:
    scored: list[Scored] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)
    routed_elsewhere: int = 0  # interactions the routing gives other standards only

    def summary(self) -> list[tuple[str, int, int, int]]:
        """Per criterion, in the standard's order: (criterion id, passed, failed, not applicable)."""
        counts: dict[str, Counter[str]] = {}
        for scored in self.scored:
            for result in scored.results:
                counts.setdefault(result.criterion.id, Counter())[result.verdict.outcome.value] += 1
        return [(cid, c["pass"], c["fail"], c["not_applicable"]) for cid, c in counts.items()]


def input_files(paths: list[Path]) -> list[Path]:
    """The files to read: given files, and every file in given folders (not `_` or `.` ones)."""
    files = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(("_", ".")))
        elif path.is_file():
            files.append(path)
        else:
            raise TouchstoneError(f"{path} does not exist")
    if not files:
        raise TouchstoneError(f"no transcript files in {', '.join(map(str, paths))}")
    return files


def try_standard(standard_file: Path, paths: list[Path], config: SourceConfig | None = None, routing: Routing | None = None) -> Trial:
    """Score the transcripts in `paths` with the draft; with `routing`, only those it routes to the
    draft's standard id."""
    config = config or SourceConfig()
    draft = load_standard(standard_file)
    compiled = CompiledStandard(draft, config.non_speech)
    files = input_files(paths)
    root = landing_root("/")
    day = read_paths(root, [root / str(f.resolve()).lstrip("/") for f in files], config)
    chosen = [ix for ix in day.interactions if routing is None or draft.id in {ref.partition("@")[0] for ref in route(ix, routing).standards}]
    return Trial([compiled.score(ix) for ix in chosen], day.quarantined, len(day.interactions) - len(chosen))
