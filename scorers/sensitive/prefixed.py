"""Numbers that start with two country letters (IBANs, VAT numbers), written ("DE89 3704 ...",
"ATU 1358 5627") or spelled before a number said or written ("D E acht neun ...", "D. E. 136 695 976")."""

from __future__ import annotations

import re
from collections.abc import Iterator

from scorers.sensitive.spoken import NumberToken

# Two capitals spelled before a number: "D E", "D. E." (an ordinary word such as "de" or "it" is not).
_SPELLED = re.compile(r"(?<![^\W\d_])([A-Z])\.? ([A-Z])\.?[\s,:]*$")


_GROUP = re.compile(r"[A-Za-z0-9]+")


def groups(text: str, start: int, limit: int, separators: str = " -.") -> Iterator[tuple[str, int]]:
    """Read on from `start`: the letters and digits so far (single separators skipped), and where
    they end, at the end of each group, up to `limit` characters. A number is validated at group
    ends only: at every character, "DE89 DE89 ..." would cost a validation per character."""
    compact, i = "", start
    while len(compact) < limit:
        if i < len(text) and text[i] in separators:
            i += 1
        if (m := _GROUP.match(text, i)) is None:
            return
        compact += m.group().upper()[: limit - len(compact)]
        i = m.end()
        yield compact, i


def spelled_before(text: str, run: tuple[NumberToken, ...]) -> tuple[str, int] | None:
    """The two letters spelled just before a run, and where they start."""
    m = _SPELLED.search(text, max(0, run[0].start - 10), run[0].start)
    return None if m is None else (m.group(1) + m.group(2), m.start())

