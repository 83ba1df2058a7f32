"""The benchmark reads where a run's time went from the summary `touchstone run` prints, and
weighs the scoring step and the rest against the tokenizer."""

from __future__ import annotations

import importlib.util
import sys
from datetime import date
from io import StringIO
from types import ModuleType

import pytest
from rich.console import Console

from touchstone.cli.run import run_summary
from touchstone.settings import PROJECT_ROOT


def _benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("scripts_benchmark", PROJECT_ROOT / "scripts" / "benchmark.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


benchmark = _benchmark()
SUMMARY = {
    "standard_ref": "eu_core@2.0", "run_id": "cli-1", "read": 100_000, "scored": 100_000, "agents": 40, "quarantined": 0,
    "duplicates_dropped": 0, "warehouse": "/data/warehouse", "report": "/data/reports/2026-11-22.html",
}  # fmt: skip


ROUTED = {
    "routing_ref": "lines_of_business@1", "day": "2026-11-22",
    "standards": [{"standard_id": "eu_core", "standard_version": "2.0", "interactions": 100_000}],
    "routes": [{"rule": "sales", "interactions": 0, "defined_at": "lines_of_business.v1.yaml:9"}],
}


def _printed(summary: dict[str, object], width: int) -> str:
    """The summary as the console prints it into a terminal `width` characters wide."""
    out = StringIO()
    Console(file=out, width=width).print(run_summary(date(2026, 11, 22), summary), highlight=False)
    return out.getvalue()


@pytest.mark.parametrize(
    "seconds",
    [
        {"plan": 0.33, "ingest": 22.97, "score": 1_097.22, "aggregate": 2.65, "publish": 3.37, "report": 3.69},
        {"plan": 0.0, "ingest": 0.04, "score": 0.05, "aggregate": 0.01, "publish": 0.2, "report": 0.1},
    ],
)
@pytest.mark.parametrize("routed", [False, True], ids=["one standard", "routed, a rule idle"])
@pytest.mark.parametrize("width", [160, 50])
def test_the_benchmark_reads_the_step_times_a_run_prints(seconds: dict[str, float], routed: bool, width: int) -> None:
    printed = _printed({**SUMMARY, **(ROUTED if routed else {}), "seconds": seconds}, width)
    assert f"Took {sum(seconds.values()):,.1f} s: plan " in " ".join(printed.split())
    expected = {step: round(value, 1) for step, value in seconds.items()}
    assert benchmark.step_seconds(printed) == expected
    # Whatever a process prints after its summary (a warning at exit) is no summary.
    warning = "UserWarning: resource_tracker: There appear to be 1 leaked semaphore objects to clean up at shutdown\n"
    assert benchmark.step_seconds(printed + warning) == expected
    assert benchmark.step_seconds("touchstone run failed") == {}


def test_the_floor_is_the_ratio_with_scoring_free() -> None:
    """4 s in the tokenizer; a 24 s run of which 16 s scoring: the scoring step runs at a quarter of
    the tokenizer, and with scoring free the run would still take 8 s, half the tokenizer's speed."""
    steps = {"plan": 0.5, "ingest": 3.0, "score": 16.0, "aggregate": 1.0, "publish": 2.0, "report": 0.5}
    result = benchmark.Result("day", 10, 1_000, 4.0, 24.0, 500.0, 2, steps)
    assert result.steps_row() == ["day", "0.5", "3.0", "16.0", "1.0", "2.0", "0.5", "8.0", "0.25", "0.50"]
    # A scoring step too short to show on a tiny day: no ratio rather than a division by zero.
    tiny = benchmark.Result("tiny", 1, 10, 0.001, 2.0, 300.0, 1, {**steps, "score": 0.0})
    assert tiny.steps_row()[-2:] == ["-", "0.00"]
