"""Throughput and memory of the whole nightly pipeline, against spaCy's blank tokenizer as the ceiling.

    .venv/bin/python scripts/benchmark.py                       # 10,000 and 100,000 calls + real dialogues
    .venv/bin/python scripts/benchmark.py --sizes 2000 --processes 1
    .venv/bin/python scripts/benchmark.py --sizes 100000 --real-copies 0 --stack   # and the DAG on the stack
    .venv/bin/python scripts/benchmark.py --sizes 10000 --real-copies 0 --routed    # two standards routed vs one
    .venv/bin/python scripts/benchmark.py --sizes 2000 --real-copies 0 --stack-startup --shard-size 100   # a DAG task's start-up
    .venv/bin/python scripts/benchmark.py --sizes 100000 --real-copies 0 --repeat 10   # and a 1,000,000-call day

For each dataset, in one run:
- the reference: `spacy.blank(lang).tokenizer` over every turn's text, one core (timed calls only);
- end to end: `touchstone run --processes P` in a fresh process (read the landing JSONL, score
  against the complete default standard, aggregate, check, write Parquet, write the report), wall
  clock from start to exit, spaCy start-up included, peak memory of the whole process tree (PSS:
  the pages forked workers share count once) sampled every second, and the peak during each step;
- with `--stack`, the same day through the nightly DAG on `scripts/stack.sh`'s stack (two Celery
  workers with P/2 task slots each, as two machines with half the cores; transcripts and tables in
  its S3 bucket): the DAG run's start to end as the scheduler recorded it, each worker's peak memory
  (its process tree), the tasks' durations and the scoring tasks' start-up, and the ratio to the
  local run of the same day;
- words/s and interactions/s of both, their ratio per core and in wall time;
- where the time went: the run's steps as it reports them ("Took ..."), the scoring step alone
  against the tokenizer, and the floor: the ratio in wall time were scoring free, everything else
  (start-up, ingest with the input suite, aggregate, publish, report) as measured;
- with `--stack-startup`, the start-up of the DAG's mapped scoring tasks on the stack, with cold
  workers and with workers warmed by `touchstone.worker` (`[celery] celery_config_options`): each
  task's duration as the metadata database records it, less the seconds its step took (the score
  step returns them), median and max over the day's tasks; only this, no end-to-end measure;
- with `--routed`, the same day again with the default standard split in two standards of half its
  criteria each (`eu_core_a`, `eu_core_b`), both given to every interaction by a routing (`always`):
  the same total size, so the time per interaction shows what routing costs (the goal: within 15 %).

Generated days are seeded (realistic lengths: calls 1,000-1,500 words, chats 150-400, voice and chat
mixed, four languages). The real dialogues (ABCD, Taskmaster-4 from ../shared/data/dialogues) are
repeated under new ids to make a day of similar size to measure. Words are whitespace-separated.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import psutil
import spacy
from rich.console import Console
from rich.table import Table

from foundation.errors import TouchstoneError
from touchstone import public_dialogues
from touchstone.sample_data import generate_day
from touchstone.settings import PROJECT_ROOT
from touchstone.stack import DAG, Stack, running_stack

DAY = date(2026, 11, 22)
DIALOGUES = PROJECT_ROOT.parent / "shared" / "data" / "dialogues"
# Issue 18's targets: half the tokenizer's speed (a quarter on the short real dialogues), the
# 100,000-call day in 3 minutes, under 1 GB.
TARGET_RATIO, TARGET_RATIO_SHORT, TARGET_SECONDS_100K, TARGET_PEAK_MB = 0.5, 0.25, 180, 1024
ROUTED_TOLERANCE = 0.15  # two standards routed, against one of the same total size (issue 17)
STACK_TOLERANCE, STACK_WORKER_PEAK_MB = 1.4, 1536  # the DAG on the stack against the local run (issue 31)
console = Console(width=170)


@dataclass
class Result:
    name: str
    interactions: int
    words: int
    tokenizer_seconds: float
    wall_seconds: float
    peak_mb: float
    processes: int
    steps: dict[str, float] = field(default_factory=dict)  # the run's own step times ("Took ..."), when it printed them
    stack: StackRun | None = None  # the DAG on the stack: peak_mb is then the larger worker's
    step_peaks_mb: dict[str, float] = field(default_factory=dict)  # the peak during each step

    def row(self) -> list[str]:
        tok, e2e = self.words / self.tokenizer_seconds, self.words / self.wall_seconds
        return [
            self.name, f"{self.interactions:,}", f"{self.words:,}", f"{tok:,.0f}", f"{self.wall_seconds:,.1f}", f"{e2e:,.0f}",
            f"{self.interactions / self.wall_seconds:,.0f}", f"{e2e / tok:.2f}", f"{e2e / self.processes / tok:.2f}", f"{self.peak_mb:,.0f}",
        ]  # fmt: skip

    def steps_row(self) -> list[str]:
        """The run's steps, then the scoring step against the tokenizer, and the floor: the ratio
        the run would reach if scoring took no time at all (everything else as measured). A step
        too short to show (a tiny day) shows as "-"."""
        score = self.steps.get("score", 0.0)
        rest = self.wall_seconds - score
        return [
            self.name, *(f"{self.steps[step]:,.1f}" if step in self.steps else "-" for step in STEPS), f"{rest:,.1f}",
            f"{self.tokenizer_seconds / score:.2f}" if score else "-", f"{self.tokenizer_seconds / rest:.2f}",
        ]  # fmt: skip


def cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    names = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines() if line.startswith("model name")] if cpuinfo.exists() else []
    return names[0] if names else platform.processor() or platform.machine()


STEPS = ("plan", "ingest", "score", "aggregate", "publish", "report")
_STEP = r"\w+ [\d,]+\.\d s"  # "ingest 23.0 s", as `touchstone.cli.run.step_times` prints it


def step_seconds(output: str) -> dict[str, float]:
    """The step times `touchstone run` ends its summary with ("Took 130.3 s: plan 0.3 s, ingest
    23.0 s, ..."), wherever the console wrapped it and whatever was printed after it; none when it
    printed none."""
    took = re.findall(rf"Took [\d,]+\.\d s: ((?:{_STEP}, )*{_STEP})\.", " ".join(output.split()))
    if not took:
        return {}
    return {step: float(value.replace(",", "")) for step, value in re.findall(r"(\w+) ([\d,]+\.\d) s", took[-1]) if step in STEPS}


def landing_files(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "landing" / DAY.isoformat()).glob("*.jsonl"))


def tokenizer_ceiling(files: list[Path]) -> tuple[int, int, float]:
    """(interactions, words, seconds inside the blank tokenizer) over every turn of the files."""
    tokenizers = {lang: spacy.blank(lang).tokenizer for lang in ("en", "de", "sv", "fr")}
    interactions = words = 0
    seconds = 0.0
    for path in files:
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                texts = [t["text"] for t in record["turns"]]
                tokenize = tokenizers[record["language"]]
                start = time.perf_counter()
                for text in texts:
                    tokenize(text)
                seconds += time.perf_counter() - start
                interactions += 1
                words += sum(len(text.split()) for text in texts)
    return interactions, words, seconds


class PeakMemory:
    """The peak PSS of some processes (pages forked workers share count once), sampled every
    `INTERVAL` seconds in a thread while the block runs. Reading a process's PSS makes the kernel
    walk its page tables (~4-12 ms a process of 400-600 MB): sampled every 0.1 s, four processes took
    a quarter of a two-core machine from the run it measured; every 0.5 s, the stack's two workers'
    samplers took 35 s of CPU from a 259-s run. Peaks last longer than a second."""

    INTERVAL = 1.0

    def __init__(self, processes: Callable[[], list[psutil.Process]]) -> None:
        self.processes, self.peak, self.peak_at = processes, 0.0, 0.0  # peak_at: when (time.time())
        self.samples: list[tuple[float, float]] = []  # (time.time(), MB) every sample
        self._done = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._done.is_set():
            try:
                now = sum(p.memory_full_info().pss for p in self.processes() if p.is_running()) / 2**20
                self.samples.append((time.time(), now))
                if now > self.peak:
                    self.peak, self.peak_at = now, time.time()
            except psutil.Error:
                pass
            time.sleep(self.INTERVAL)

    def __enter__(self) -> PeakMemory:
        self._sampler.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._done.set()
        self._sampler.join()


def _tree(pid: int) -> list[psutil.Process]:
    root = psutil.Process(pid)
    return [root, *root.children(recursive=True)]


def step_peaks(samples: list[tuple[float, float]], steps: dict[str, float], ended: float) -> dict[str, float]:
    """The peak memory sampled during each step, the steps placed back from the run's end (they
    follow one another; what the process does after the last is printing its summary)."""
    peaks, end = {}, ended
    for step in reversed([s for s in STEPS if s in steps]):
        start = end - steps[step]
        peaks[step] = max((mb for at, mb in samples if start <= at <= end), default=0.0)
        end = start
    return {step: peaks[step] for step in STEPS if step in peaks}


def run_measured(data_dir: Path, processes: int, standards_dir: Path | None = None, routing: str | None = None) -> tuple[float, float, dict[str, float], dict[str, float]]:
    """(wall seconds, peak MB of the process tree, the run's step times, the peak during each step)
    of `touchstone run` on the day (with a routing from `standards_dir`, when given)."""
    command = [str(Path(sys.executable).with_name("touchstone")), "run", "--date", DAY.isoformat(), "--data-dir", str(data_dir), "--processes", str(processes)]
    command += ["--routing", routing] if routing else []
    env = {**os.environ, "GX_ANALYTICS_ENABLED": "False", **({"TOUCHSTONE_STANDARDS_DIR": str(standards_dir)} if standards_dir else {})}
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)
    with PeakMemory(lambda: _tree(process.pid)) as memory:
        output, _ = process.communicate()
        wall, ended = time.perf_counter() - start, time.time()
    if process.returncode != 0:
        raise SystemExit(f"touchstone run failed:\n{output[-3000:]}")
    steps = step_seconds(output)
    return wall, memory.peak, steps, step_peaks(memory.samples, steps, ended)


@dataclass
class StackRun:
    """The nightly DAG on the stack: its wall time, each worker's peak memory, and its tasks as the
    metadata database records them (task id -> durations, with the score step's own seconds)."""

    wall_seconds: float
    worker_peaks_mb: dict[str, float]
    tasks: dict[str, list[float]]
    score_steps: list[float]
    slots: int  # task slots of the two workers together
    score_phase_seconds: float  # the first score task's start to the last one's end
    peaks_during: dict[str, str]  # worker -> the tasks running (on either worker) when its memory peaked
    cpu_seconds: dict[str, float]  # the stack's components' CPU during the run (`StackCpu`)

    @property
    def start_ups(self) -> list[float]:
        return [d - s for d, s in zip(self.tasks["score"], self.score_steps, strict=True)]

    def lines(self) -> list[str]:
        median = statistics.median
        score = self.tasks["score"]
        return [
            "workers' peak memory (each process tree, PSS): " + ", ".join(f"{w} {mb:,.0f} MB (during {self.peaks_during[w]})" for w, mb in self.worker_peaks_mb.items()),
            "tasks (s): " + ", ".join(f"{t} {sum(d):,.1f}" for t, d in self.tasks.items() if t != "score")
            + f"; score: {len(score)} tasks, median {median(score):.1f}, max {max(score):.1f}, sum {sum(score):,.1f}",
            f"score tasks' start-up (task less its step): median {median(self.start_ups):.2f} s, max {max(self.start_ups):.2f} s",
            f"score phase {self.score_phase_seconds:,.1f} s on {self.slots} slots: a slot idle {self.idle_per_task:.2f} s a task (scheduling, queueing)",
            f"CPU during the run ({sum(self.cpu_seconds.values()):,.0f} s of {2 * self.wall_seconds:,.0f} on two cores): "
            + ", ".join(f"{name} {seconds:,.1f} s" for name, seconds in sorted(self.cpu_seconds.items(), key=lambda item: -item[1])),
        ]  # fmt: skip

    @property
    def idle_per_task(self) -> float:
        """The slots' time in the scoring phase that no score task used, per task: what the scheduler
        and Celery add between one task's end and the next one's start."""
        return (self.score_phase_seconds * self.slots - sum(self.tasks["score"])) / len(self.tasks["score"])


def run_on_stack(root: Path, data_dir: Path, concurrency: int) -> StackRun:
    """The nightly DAG on `scripts/stack.sh`'s stack (`concurrency` task slots a worker), the day
    delivered to its bucket beforehand: seconds from the DAG run's start to its end, each worker's
    peak memory, the tasks' durations."""
    with running_stack(root / "stack", root / "stack-data", TOUCHSTONE_STACK_WORKER_CONCURRENCY=str(concurrency)) as stack:
        with console.status("delivering the day to the stack's bucket ..."):
            stack.deliver(data_dir / "landing", DAY)
        peaks = {worker: PeakMemory(lambda pid=stack.pid(worker): _tree(pid)) for worker in ("worker1", "worker2")}
        cpu = StackCpu(stack)
        with console.status("the nightly DAG on the stack ..."), peaks["worker1"], peaks["worker2"]:
            run_id = stack.trigger(DAY)
            stack.wait_for_runs([run_id], timeout=4 * 3600)
        cpu_seconds = cpu.since()
        tasks: dict[str, list[float]] = {}
        steps, spans, running = [], [], []
        for task_id, duration, value, start, end in _succeeded_tasks(stack, run_id):
            tasks.setdefault(task_id, []).append(duration)
            running.append((task_id, start, end))
            if task_id == "score":
                steps.append(float(value["seconds"]))
                spans.append((start, end))
        order = ["plan", "ingest", "score", "aggregate", "publish", "report"]
        phase = max(end for _, end in spans) - min(start for start, _ in spans)
        during = {w: " + ".join(sorted({t for t, start, end in running if start <= p.peak_at <= end})) or "no task" for w, p in peaks.items()}
        return StackRun(stack.duration(run_id), {w: p.peak for w, p in peaks.items()}, {t: tasks[t] for t in order if t in tasks}, steps, 2 * concurrency, phase, during, cpu_seconds)


class StackCpu:
    """The CPU seconds each of the stack's components used since this was made: every process,
    by the process group it is in (each component leads one; PostgreSQL's by its OS user), its own
    time and that of the children it reaped (the tasks' processes, once they ended), so each
    process counts once. The benchmark itself (its memory samplers) and the rest of the machine
    are named apart."""

    def __init__(self, stack: Stack) -> None:
        self.groups = {os.getpgid(stack.pid(c)): c for c in STACK_COMPONENTS if (stack.folder / "run" / f"{c}.pid").exists()}
        self.start = self._now()

    def _now(self) -> dict[str, float]:
        used: dict[str, float] = {}
        for process in psutil.process_iter():
            try:
                times, pgid = process.cpu_times(), os.getpgid(process.pid)
                name = "benchmark" if process.pid == os.getpid() else self.groups.get(pgid) or ("postgres" if process.username() == "postgres" else "rest of the machine")
            except (psutil.Error, ProcessLookupError):
                continue
            used[name] = used.get(name, 0.0) + times.user + times.system + times.children_user + times.children_system
        return used

    def since(self) -> dict[str, float]:
        now = self._now()
        return {name: round(seconds - self.start.get(name, 0.0), 1) for name, seconds in now.items() if seconds - self.start.get(name, 0.0) >= 0.5}


STACK_COMPONENTS = ("redis", "moto", "scheduler", "dag-processor", "api-server", "worker1", "worker2")


def _succeeded_tasks(stack: Stack, run_id: str) -> list[tuple[str, float, Any, float, float]]:
    """(task id, duration, return value, start, end: epoch seconds) of the DAG run's successful
    task instances, as the metadata database records them, by task id and map index."""
    rows = stack.sql(
        """select ti.task_id, ti.duration, x.value, extract(epoch from ti.start_date), extract(epoch from ti.end_date) from task_instance ti left join xcom x
           on x.dag_id = ti.dag_id and x.run_id = ti.run_id and x.task_id = ti.task_id and x.map_index = ti.map_index and x.key = 'return_value'
           where ti.dag_id = %s and ti.run_id = %s and ti.state = 'success' order by ti.task_id, ti.map_index""",
        DAG, run_id,
    )  # fmt: skip
    return [(task_id, float(duration), json.loads(value) if isinstance(value, str) else value, float(start), float(end)) for task_id, duration, value, start, end in rows]


# `scripts/stack.sh` warms its workers unless told not to; the variable Airflow reads is set too.
WARM_WORKERS = {"TOUCHSTONE_STACK_WARM_WORKERS": "1", "AIRFLOW__CELERY__CELERY_CONFIG_OPTIONS": "touchstone.worker.CELERY_CONFIG"}
COLD_WORKERS = {"TOUCHSTONE_STACK_WARM_WORKERS": "0"}


@dataclass
class StartUp:
    """The mapped scoring tasks of one DAG run: each task's duration and its step's own seconds."""

    workers: str  # "cold" or "warm"
    durations: list[float]
    steps: list[float]

    @property
    def start_ups(self) -> list[float]:
        """What a task spent outside its step: forked, the DAG file parsed, modules imported, the
        result reported. With cold workers the step itself also loads the pipelines (see `steps`)."""
        return [d - s for d, s in zip(self.durations, self.steps, strict=True)]

    def row(self) -> list[str]:
        median = statistics.median
        return [
            self.workers, str(len(self.durations)), f"{median(self.durations):.2f}", f"{max(self.durations):.2f}", f"{median(self.steps):.2f}",
            f"{median(self.start_ups):.2f}", f"{max(self.start_ups):.2f}",
        ]  # fmt: skip


def stack_startup(root: Path, data_dir: Path, shard_size: int, warm: bool) -> StartUp:
    """The nightly DAG on a stack brought up in `root` (warm workers or not), one day delivered and
    scored in shards of `shard_size`; its score tasks' durations and step seconds, read from the
    metadata database (the step's return value is the task's XCom)."""
    name = "warm" if warm else "cold"
    with running_stack(root / f"stack-{name}", root / f"stack-{name}-data", **(WARM_WORKERS if warm else COLD_WORKERS)) as stack:
        warmed = "touchstone: worker warmed" in stack.log_tail("worker1", 400)
        if warmed != warm:
            raise SystemExit(f"the stack's workers {'were not' if warm else 'were'} warmed: scripts/stack.sh must honour TOUCHSTONE_STACK_WARM_WORKERS")
        with console.status(f"{name} workers: delivering the day to the stack's bucket ..."):
            stack.deliver(data_dir / "landing", DAY)
        with console.status(f"{name} workers: the nightly DAG in shards of {shard_size} ..."):
            run_id = stack.trigger(DAY, shard_size)
            stack.wait_for_runs([run_id], timeout=4 * 3600)
        scored = [(duration, value) for task_id, duration, value, _, _ in _succeeded_tasks(stack, run_id) if task_id == "score"]
    return StartUp(name, [duration for duration, _ in scored], [float(value["seconds"]) for _, value in scored])


def generated(root: Path, count: int) -> Path:
    data_dir = root / f"generated-{count}"
    if not landing_files(data_dir):  # generation is seeded: reuse a day made before
        with console.status(f"generating {count:,} interactions ..."):
            generate_day(data_dir / "landing", DAY, interactions=count, seed=42, realistic_lengths=True)
    return data_dir


def repeated(root: Path, count: int, copies: int) -> Path:
    """The generated day of `count` interactions `copies` times over, each copy's ids prefixed
    (`r3-c-2026-11-22-000001`): a day of `count * copies` realistic interactions made in the time
    of copying files, not of generating them (each text is still tokenised and scored anew)."""
    data_dir = root / f"generated-{count}-x{copies}"
    if not landing_files(data_dir):
        source = generated(root, count)
        folder = data_dir / "landing" / DAY.isoformat()
        folder.mkdir(parents=True, exist_ok=True)
        with console.status(f"writing {copies} copies of the generated {count:,} ..."):
            for path in landing_files(source):
                with (folder / f".{path.name}.partial").open("w", encoding="utf-8") as out:
                    for copy in range(copies):
                        with path.open(encoding="utf-8") as lines:
                            out.writelines(line.replace('"interaction_id": "', f'"interaction_id": "r{copy}-', 1) for line in lines)
                (folder / f".{path.name}.partial").rename(folder / path.name)
    return data_dir


def real(root: Path, copies: int) -> Path:
    data_dir = root / f"real-x{copies}"
    folder = data_dir / "landing" / DAY.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    dialogues = public_dialogues.abcd(DIALOGUES / "abcd" / "abcd_sample.json") + public_dialogues.taskmaster(DIALOGUES / "taskmaster" / "tm4_data_00.json")
    with (folder / "real.jsonl").open("w", encoding="utf-8") as out:
        for copy in range(copies):
            for record in dialogues:
                out.write(json.dumps({**record, "interaction_id": f"{record['interaction_id']}-{copy}"}) + "\n")
    return data_dir


def split_standard(root: Path) -> Path:
    """A standards folder with the default standard cut in two (criteria alternately to `eu_core_a`
    and `eu_core_b`, each with the sections it uses) and a routing giving both to every interaction."""
    from ruamel.yaml import YAML

    yaml = YAML()
    folder = root / "split-standards"
    (folder / "routing").mkdir(parents=True, exist_ok=True)
    whole = yaml.load((PROJECT_ROOT / "standards" / "eu_core.v2.yaml").read_text(encoding="utf-8"))
    for half, suffix in enumerate("ab"):
        part = dict(whole, id=f"eu_core_{suffix}", criteria=whole["criteria"][half::2])
        used = {c["section"] for c in part["criteria"]}
        part["sections"] = [s for s in whole["sections"] if s["id"] in used]
        if whole["handover_criterion"] not in {c["id"] for c in part["criteria"]}:
            part.pop("handover_criterion")
        with (folder / f"eu_core_{suffix}.yaml").open("w", encoding="utf-8") as out:
            yaml.dump(part, out)
    (folder / "eu_core.v2.yaml").write_text((PROJECT_ROOT / "standards" / "eu_core.v2.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "routing" / "split.yaml").write_text('id: split\nversion: "1"\neffective_from: 2026-01-01\nalways: [eu_core_a, eu_core_b]\n', encoding="utf-8")
    return folder


def measure(
    name: str, data_dir: Path, processes: int, on_stack: Path | None = None, ceiling: tuple[int, int, float] | None = None, routed: Path | None = None
) -> Result:
    """`touchstone run --processes P` on the day, or (with `on_stack`, a work folder) the DAG on the
    stack, or (with `routed`, a work folder) the run with the standard split in two and routed;
    `ceiling` is the tokenizer's measure of the same day, when already taken."""
    interactions, words, tokenizer_seconds = ceiling or tokenizer_ceiling(landing_files(data_dir))
    if on_stack is not None:
        run = run_on_stack(on_stack, data_dir, max(1, processes // 2))  # two workers: half the processes each
        (on_stack / f"stack-{interactions}.json").write_text(json.dumps(asdict(run)))
        for line in run.lines():
            console.print(f"{name}, DAG on the stack: {line}")
        return Result(f"{name}, DAG on the stack", interactions, words, tokenizer_seconds, run.wall_seconds, max(run.worker_peaks_mb.values()), processes, stack=run)
    if routed is not None:
        with console.status(f"{name}: touchstone run --routing split (two standards of half the size) ..."):
            wall, peak, steps, peaks = run_measured(data_dir, processes, split_standard(routed), "split")
        return Result(f"{name}, two standards routed", interactions, words, tokenizer_seconds, wall, peak, processes, steps, step_peaks_mb=peaks)
    with console.status(f"{name}: touchstone run --processes {processes} ..."):
        wall, peak, steps, peaks = run_measured(data_dir, processes)
    console.print(f"{name}: peak memory by step: " + ", ".join(f"{step} {mb:,.0f} MB" for step, mb in peaks.items()))
    return Result(name, interactions, words, tokenizer_seconds, wall, peak, processes, steps, step_peaks_mb=peaks)


def measured_startup(root: Path, data_dir: Path, shard_size: int, warm: bool) -> StartUp:
    """`stack_startup`, tried again once should the stack not come up (a port taken meanwhile by
    another process on the machine), each run's figures printed and kept as JSON in `root` at once."""
    try:
        run = stack_startup(root, data_dir, shard_size, warm)
    except TouchstoneError as exc:
        console.print(f"[yellow]the stack failed ({str(exc).splitlines()[0]}); once more[/]")
        time.sleep(10)
        run = stack_startup(root, data_dir, shard_size, warm)
    (root / f"startup-{run.workers}.json").write_text(json.dumps(asdict(run)))
    console.print(f"{run.workers} workers: " + ", ".join(f"{k} {v}" for k, v in zip(STARTUP_COLUMNS[1:], run.row()[1:], strict=True)))
    return run


STARTUP_COLUMNS = ("workers", "tasks", "task median", "task max", "step median", "start-up median", "start-up max")


def print_startups(root: Path, sizes: list[int], shard_size: int) -> None:
    """`--stack-startup`: each generated day through the DAG on the stack, cold workers then warm."""
    for n in sizes:
        data_dir = generated(root, n)
        runs = [measured_startup(root, data_dir, shard_size, warm) for warm in (False, True)]
        table = Table(title=f"Scoring tasks' start-up on the stack · generated {n:,}, shards of {shard_size} · {cpu_model()} · {os.cpu_count()} cores (s)")
        for column in STARTUP_COLUMNS:
            table.add_column(column, justify="left" if column == "workers" else "right")
        for run in runs:
            table.add_row(*run.row())
        console.print(table)
        cold, warm = runs
        saved = statistics.median(cold.durations) - statistics.median(warm.durations)
        console.print(f"generated {n:,}: a warm worker's task takes {saved:.1f} s less (median); start-up {statistics.median(warm.start_ups):.2f} s median, {max(warm.start_ups):.2f} s max")


def main() -> None:
    parser = argparse.ArgumentParser(description="Throughput and memory of the nightly pipeline.")
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000], help="generated days to measure")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--real-copies", type=int, default=20, help="copies of the real dialogues (0: skip)")
    parser.add_argument("--work-dir", type=Path, default=PROJECT_ROOT / "data" / "benchmark")
    parser.add_argument("--stack", action="store_true", help="also run each generated day through the DAG on scripts/stack.sh's stack (two Celery workers, S3)")
    parser.add_argument("--stack-startup", action="store_true", help="only the DAG's scoring tasks' start-up on the stack, cold and warm workers (touchstone.worker)")
    parser.add_argument("--shard-size", type=int, default=100, help="with --stack-startup: interactions per scoring task")
    parser.add_argument("--repeat", type=int, default=1, help="also a day of each generated day's interactions this many times over (under new ids): 10 for a 1,000,000-call day from 100,000")
    parser.add_argument("--routed", action="store_true", help="also score each generated day with the default standard split in two, routed (the cost of routing)")
    args = parser.parse_args()
    if args.stack_startup:
        print_startups(args.work_dir, args.sizes, args.shard_size)
        return

    results = []
    routed: list[tuple[Result, Result]] = []
    stacked: list[tuple[Result, Result]] = []
    for n in args.sizes:
        results.append(measure(f"generated {n:,}", generated(args.work_dir, n), args.processes))
        if args.repeat > 1:  # the tokenizer's measure of the copies is the day's, that many times
            one = results[-1]
            ceiling = (one.interactions * args.repeat, one.words * args.repeat, one.tokenizer_seconds * args.repeat)
            results.append(measure(f"generated {n:,} x{args.repeat}", repeated(args.work_dir, n, args.repeat), args.processes, ceiling=ceiling))
        if args.routed:
            ceiling = (results[-1].interactions, results[-1].words, results[-1].tokenizer_seconds)
            results.append(measure(f"generated {n:,}", generated(args.work_dir, n), args.processes, ceiling=ceiling, routed=args.work_dir))
            routed.append((results[-2], results[-1]))
        if args.stack:
            ceiling = (results[-1].interactions, results[-1].words, results[-1].tokenizer_seconds)
            local = next(r for r in reversed(results) if r.name == f"generated {n:,}")
            results.append(measure(f"generated {n:,}", generated(args.work_dir, n), args.processes, on_stack=args.work_dir, ceiling=ceiling))
            stacked.append((local, results[-1]))
    if args.real_copies and DIALOGUES.is_dir():
        results.append(measure(f"real dialogues x{args.real_copies}", real(args.work_dir, args.real_copies), args.processes))

    table = Table(title=f"Touchstone benchmark · {cpu_model()} · {os.cpu_count()} cores · {psutil.virtual_memory().total / 2**30:.0f} GiB · {args.processes} processes")
    for column in ("dataset", "interactions", "words", "tokenizer w/s (1 core)", "end-to-end s", "end-to-end w/s", "interactions/s", "ratio (wall)", "ratio (per core)", "peak MB"):
        table.add_column(column, justify="left" if column == "dataset" else "right")
    for result in results:
        table.add_row(*result.row())
    console.print(table)
    steps = Table(title="Where the time went: the run's steps (s), and the ratio to the tokenizer (wall) of the scoring step alone and of the rest (scoring free)")
    for column in ("dataset", *STEPS, "all but scoring (wall)", "ratio: scoring step", "ratio: scoring free"):
        steps.add_column(column, justify="left" if column == "dataset" else "right")
    for result in results:
        if result.steps:
            steps.add_row(*result.steps_row())
    console.print(steps)
    for result in results:
        if not result.steps and not result.name.endswith("DAG on the stack"):
            console.print(f"[yellow]{result.name}: the run printed no step times[/]")
    for result in results:
        ratio = result.words / result.wall_seconds / (result.words / result.tokenizer_seconds)
        target = TARGET_RATIO_SHORT if result.name.startswith("real dialogues") else TARGET_RATIO
        checks = [f"ratio {ratio:.2f} {'>=' if ratio >= target else '<'} {target}", f"peak {result.peak_mb:,.0f} MB {'<' if result.peak_mb < TARGET_PEAK_MB else '>='} {TARGET_PEAK_MB}"]
        if result.interactions == 100_000:
            checks.append(f"{result.wall_seconds:,.0f} s {'<' if result.wall_seconds < TARGET_SECONDS_100K else '>='} {TARGET_SECONDS_100K} s for 100,000")
        console.print(f"{result.name}: " + "; ".join(checks))
    for local, on_stack in stacked:
        ratio = on_stack.wall_seconds / local.wall_seconds
        console.print(
            f"{on_stack.name}: {ratio:.2f}x the wall time of `touchstone run --processes {local.processes}` ({'within' if ratio <= STACK_TOLERANCE else 'over'} {STACK_TOLERANCE}x); "
            f"each worker's peak {'under' if on_stack.peak_mb < STACK_WORKER_PEAK_MB else 'over'} {STACK_WORKER_PEAK_MB:,} MB"
        )
    for one, two in routed:
        cost = two.wall_seconds / one.wall_seconds - 1
        console.print(f"{two.name}: {cost:+.1%} time per interaction against one standard of the same size ({'within' if cost <= ROUTED_TOLERANCE else 'over'} {ROUTED_TOLERANCE:.0%})")


if __name__ == "__main__":
    main()
