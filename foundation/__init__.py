"""The ground floor: what every layer shares and nothing else.

Touchstone's layers import only downwards, `foundation <- ingest <- scorers <- warehouse <-
touchstone <- dags/scripts` (checked by `tests/test_layers.py`). What two layers both need, the
error base every user-facing message derives from, lives here, below all of them.
"""
