"""Leaderboard site generator: YAML data -> typed model -> validation -> Jinja -> outputs.

Stages, one module each: ``loader`` (YAML with positions), ``model`` (typed
objects), ``validate`` (schema and semantic checks), ``render`` (Jinja),
and the outputs (``readme``, ...).  ``pipeline`` chains the first three.
"""
