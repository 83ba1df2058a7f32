"""Try a draft standard on given transcripts: verdicts with evidence, nothing written anywhere.

Compliance officers use it before a new version goes live: `touchstone standards try draft.yaml
--on landing/2026-11-22/`. Files are read with the same format adapters and checks as the nightly
run, so what is quarantined here would be quarantined there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ingest.formats import format_for, formats
from ingest.interaction import Interaction
from ingest.reader import normalise
from ingest.records import Quarantined
from scorers.engine import CompiledStandard, Scored
from scorers.loader import load_standard
from touchstone.errors import TouchstoneError


@dataclass
class Trial:
    scored: list[Scored] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)


def input_files(paths: list[Path]) -> list[Path]:
    """The files to read: given files, and every readable file in given folders."""
    suffixes = tuple(s for f in formats().values() for s in f.suffixes)
    files = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.name.lower().endswith(suffixes))
        elif path.is_file():
            files.append(path)
        else:
            raise TouchstoneError(f"{path} does not exist")
    if not files:
        raise TouchstoneError(f"no transcript files in {', '.join(map(str, paths))}", f"readable endings: {', '.join(suffixes)}")
    return files


def try_standard(standard_file: Path, paths: list[Path]) -> Trial:
    compiled = CompiledStandard(load_standard(standard_file))
    trial = Trial()
    for path in input_files(paths):
        for record in format_for(path).read(path, str(path)):
            item = normalise(record)
            if isinstance(item, Interaction):
                trial.scored.append(compiled.score(item))
            else:
                trial.quarantined.append(item)
    return trial
