"""Criterion kinds: one module each, registered with `scorers.registry.register_kind`.

Every module in this package is imported when the registry is first used.
"""
