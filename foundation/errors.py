"""User-facing errors.

Every error a user can cause (a broken standard, a missing landing folder, a bad date) is a
`TouchstoneError`: the command line prints its message and a hint and exits 1, without a traceback.
Messages name the file and line or record, say what was expected and how to fix it.
"""

from __future__ import annotations

import re


class TouchstoneError(Exception):
    """An error the user can fix; `hint` says how."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\nHint: {self.hint}"

    def __reduce__(self) -> tuple[object, ...]:
        # Whole across processes (a step run in a worker): the default pickles `args` only, which
        # loses the hint and cannot rebuild a subclass whose constructor takes other arguments.
        return _rebuilt, (type(self), self.args, self.__dict__)


def _rebuilt(cls: type[TouchstoneError], args: tuple[object, ...], state: dict[str, object]) -> TouchstoneError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


def one_line(exc: BaseException, limit: int = 300) -> str:
    """An error in one line, for a message that names what failed: pyarrow's and the AWS SDK's run
    over several lines with request ids and the SDK's details."""
    text = re.sub(r" ?\(Request ID: [^)]*\)", "", " ".join(str(exc).split()))
    return text if len(text) <= limit else text[:limit] + "..."
