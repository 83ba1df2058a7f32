"""Which heard turns a window covers, and which of them a given speaker said.

Counting follows `scorers.listening`: backchannels that do not count as turns belong to the window
of the counted turns around them. "The first N" covers every turn before the (N+1)th counted turn
of the conversation (or of the speaker named by `of`); "the last N" every turn after the (N+1)th
counted one from the end. Seconds and percentages use the heard turns' start times.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator

from scorers.nlp import Analysed
from scorers.outcome import Evidence
from scorers.sensitive import redact
from scorers.standard import SpeakerRole, Window, said_by


def _counted(analysed: Analysed, of: str) -> list[bool]:
    """Per heard turn, whether it counts as a turn of `of` (the conversation, or that speaker)."""
    ix = analysed.interaction
    return [not t.backchannel and (of == "conversation" or said_by(of, t.speaker, ix)) for t in analysed.turns]  # type: ignore[arg-type]


def window_turns(analysed: Analysed, window: Window) -> frozenset[int]:
    """Indexes of the heard turns inside `window`; computed once per interaction and window, as
    several criteria (and each trigger of one) ask for the same."""
    cached = analysed.windows.get(window)
    if cached is None:
        cached = analysed.windows[window] = _window_turns(analysed, window)
    return cached


def _window_turns(analysed: Analysed, window: Window) -> frozenset[int]:
    turns = analysed.turns
    name, value = window.bound
    if name in ("first_turns", "last_turns"):
        counted = _counted(analysed, window.of)
        order = range(len(turns)) if name == "first_turns" else range(len(turns) - 1, -1, -1)
        inside, seen = set(), 0
        for i in order:
            if counted[i]:
                seen += 1
            if seen > value:
                break
            inside.add(i)
        return frozenset(inside)
    if name == "first_seconds":
        return frozenset(i for i, t in enumerate(turns) if t.start_ms is not None and t.start_ms < value * 1000)
    duration = analysed.interaction.duration_ms
    if name == "last_seconds":
        return frozenset(i for i, t in enumerate(turns) if t.start_ms is not None and duration is not None and t.start_ms >= duration - value * 1000)
    timed = duration and all(t.start_ms is not None for t in turns)
    total = duration if timed else len(turns)
    cut = total * value / 100
    positions = [(t.start_ms if timed else i) for i, t in enumerate(turns)]
    if name == "first_percent":
        return frozenset(i for i, p in enumerate(positions) if p < cut)  # type: ignore[operator]
    return frozenset(i for i, p in enumerate(positions) if p >= total - cut)  # type: ignore[operator]


def turns_in_scope(analysed: Analysed, speaker: SpeakerRole, window: Window | None = None, turns: range | None = None) -> Iterator[int]:
    """Indexes of the heard turns said by `speaker` inside `window` (and inside `turns`, if given)."""
    scope = _scope(analysed, speaker, window)
    if turns is None:
        return iter(scope)
    if turns.step == 1:  # the turns after a trigger, a third of the conversation: a slice of the scope
        return iter(scope[bisect_left(scope, turns.start) : bisect_left(scope, turns.stop)])
    return (index for index in scope if index in turns)


def _scope(analysed: Analysed, speaker: SpeakerRole, window: Window | None) -> tuple[int, ...]:
    """The heard turns of `speaker` inside `window`, in order; once per interaction, speaker and
    window (fifteen criteria ask for a handful of them, each trigger of a criterion again)."""
    key = ("scope", speaker, window)
    scope: tuple[int, ...] | None = analysed.memo.get(key)
    if scope is None:
        inside = window_turns(analysed, window) if window is not None else None
        ix = analysed.interaction
        scope = analysed.memo[key] = tuple(
            index for index, turn in enumerate(analysed.turns) if said_by(speaker, turn.speaker, ix) and (inside is None or index in inside)
        )
    return scope


def describe_span(analysed: Analysed, indexes: list[int]) -> str:
    """"turns 3-8, 0:42-1:05" for heard turns `indexes`, in the interaction's own turn numbers."""
    if not indexes:
        return "no turns"
    first, last = analysed.turns[indexes[0]], analysed.turns[indexes[-1]]
    span = f"turn {first.segments[0]}" if first.segments[0] == last.segments[-1] else f"turns {first.segments[0]}-{last.segments[-1]}"
    if first.start_ms is not None:
        end = last.end_ms if last.end_ms is not None else last.start_ms
        span += f", {_clock(first.start_ms)}-{_clock(end or first.start_ms)}"
    return span


def _clock(ms: int) -> str:
    seconds = ms // 1000
    return f"{seconds // 60}:{seconds % 60:02d}"


EXCERPT_CHARS = 400


def searched(analysed: Analysed, indexes: list[int]) -> tuple[str, Evidence | None]:
    """What a failed search looked at: "turns 3-8, 0:42-1:05", and evidence with a redacted excerpt
    of those turns ("agent: ... | agent: ..."), so a reviewer sees what was said instead."""
    if not indexes:
        return "no turns of that speaker there", None
    language = analysed.interaction.language
    # Redacted turn by turn before any cut, so a cut never leaves part of a number in clear.
    excerpt = " | ".join(f"{analysed.turns[i].speaker}: {redact(analysed.turns[i].text, language)}" for i in indexes)
    if len(excerpt) > EXCERPT_CHARS:
        half = EXCERPT_CHARS // 2
        excerpt = f"{excerpt[:half]} … {excerpt[-half:]}"
    return describe_span(analysed, indexes), analysed.evidence(indexes[0], excerpt)
