"""`python -m touchstone.cli`: the `touchstone` command without the console script."""

from __future__ import annotations

from touchstone.cli import main

main()
