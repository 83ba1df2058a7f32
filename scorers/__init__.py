"""The standard compiler and the NLP scorers.

A standard (YAML in `standards/`) is loaded and validated (`scorers.loader`), compiled into one
scorer per criterion (`scorers.engine`), and applied to each interaction. Each criterion kind is one
module in `scorers.kinds`, registered by a versioned name (`scorers.registry`).
"""
