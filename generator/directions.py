"""Whether a metric is better high or low, guessed from its name.

Importers use it when the source says nothing (Papers with Code has no such
field; SotA-CV pages put it in prose).  Every guess comes with the reason, so
an importer can report what it chose; an explicit mapping always wins.
"""
from __future__ import annotations

import re

# Names of metrics where a smaller value is better.  Word-bounded, case-insensitive.
LOWER_PATTERNS = [
    (r"error|err\b|\berr@", "an error rate"),
    (r"loss", "a loss"),
    (r"\bfid\b|\bkid\b|\bfvd\b", "a generative distance (FID/KID/FVD)"),
    (r"perplexity|\bppl\b|bits?[ -]per|\bbpc\b|\bbpd\b|\bnll\b", "perplexity / likelihood cost"),
    (r"\bwer\b|\bcer\b|\bter\b|\b(?-i:PER)\b", "a word/character error rate"),
    (r"\b(r?mse|mae|rmsle|mape|smape|sad|mad)\b|mean (absolute|squared) error|squared error",
     "an error measure (MSE/MAE/RMSE)"),
    (r"\bepe\b|end[- ]point", "an end-point error"),
    (r"\bate\b|\brpe\b|\bade\b|\bfde\b|\bchamfer|\bhausdorff|\bemd\b", "a distance"),
    (r"latency|inference time|run ?time|\btime\b|\bms\b|seconds|\bsec\b", "a time"),
    (r"param|\bflops?\b|\bgflops?\b|\bmacs?\b|model size|memory", "a cost (parameters/FLOPs/memory)"),
    (r"miss rate|\bmr\b|false (positive|alarm)|\bfar\b|\bfrr\b|\beer\b|\bhter\b|\bapcer\b|\bbpcer\b",
     "a miss/false-alarm rate"),
    (r"distance|\bdist\b|displacement", "a distance"),
    (r"abs ?rel|sq ?rel|log10|\brms\b", "a depth error"),
    (r"\bnme\b|mpjpe|\bpck-?err|\blpips\b|mean rank", "an error or distance (NME/MPJPE/LPIPS)"),
]
_COMPILED = [(re.compile(p, re.I), why) for p, why in LOWER_PATTERNS]


def infer(name: str, overrides: dict[str, str] | None = None) -> tuple[str, str]:
    """('higher'|'lower', reason) for a metric name; ``overrides`` (name -> direction) win."""
    if overrides and name in overrides:
        return overrides[name], f"'{name}' is listed in the metric directions file"
    for pattern, why in _COMPILED:
        if pattern.search(name):
            return "lower", f"'{name}' looks like {why}"
    return "higher", f"'{name}' matches no lower-is-better pattern"


def is_lower(name: str) -> bool:
    return infer(name)[0] == "lower"
