"""Whether a metric is better high or low, decided from all the evidence, with the reason.

Importers gather what their source says and ``decide`` weighs it, strongest first:

1. **explicit**: a direction given in the data, on the command line or in a reviewed
   directions file;
2. **the source itself**: the order its rows are stored in (a leaderboard is stored best
   first), which cells it sets in bold (the best), and prose on the page ("lower is
   better");
3. **the name**: patterns for errors, losses, distances, times and costs (lower) and for
   plain scores such as accuracy, F1, BLEU, mAP or PSNR (higher);
4. **a vote**: what the source's order says for the same metric name on other
   leaderboards;
5. otherwise higher is better.

A name that is plainly a score ("Accuracy", "Top-1 Accuracy", "F1", "mAP"...) is never
turned lower-is-better by order alone: its tables are sometimes stored by date. Every
decision keeps its source and the evidence on the other side, for the import report.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

HIGHER, LOWER = "higher", "lower"

# Names of metrics where a smaller value is better.  Word-bounded, case-insensitive.
LOWER_PATTERNS = [
    (r"error|err\b", "an error rate"),
    (r"loss", "a loss"),
    (r"\bfid\b|\bkid\b|\bfvd\b", "a generative distance (FID/KID/FVD)"),
    (r"perplexity|\bppl\b|bits?[ -]per|bits?/|\bbpc\b|\bbpd\b|\bbpsp\b|\bnll\b|\bnats?\b"
     r"|negative elbo", "perplexity / likelihood cost"),
    (r"\bwer\b|\bcer\b|\bter\b|\b(?-i:PER)\b", "a word/character error rate"),
    (r"\b(r?mse|mae|rmsle|mape|smape|sad|mad|l1|l2)\b|mean (absolute|squared) error|squared error",
     "an error measure (MSE/MAE/RMSE)"),
    (r"\bepe\b|end[- ]point|\bfl-(all|fg|bg)\b", "an end-point or outlier error"),
    (r"\bate\b|\brpe\b|\bade\b|\bfde\b|\bchamfer|\bhausdorff|\bemd\b|\bcd\b|\bmmd\b",
     "a distance"),
    (r"latency|inference time|run ?time|\btime\b|\bms\b|seconds|\bsec\b", "a time"),
    (r"param|\bflops?\b|\bgflops?\b|\bmacs?\b|model size|memory|size \((mb|kb|gb)\)",
     "a cost (parameters/FLOPs/memory/size)"),
    (r"miss rate|\bmr\b|false (positive|alarm)|\bfar\b|\bfrr\b|\beer\b|\bhter\b|\bapcer\b|\bbpcer\b"
     r"|\bfpr\d*\b|\bber\b", "a miss/false-alarm rate"),
    (r"distance|\bdist\b|displacement", "a distance"),
    (r"abs ?rel|sq ?rel|log10|\brms\b", "a depth error"),
    (r"\bnme\b|mpjpe|\bpck-?err|\blpips\b|mean rank|median rank|\bvoi\b|\bniqe\b|\bnoc@\d+",
     "an error, a distance or a cost (NME/MPJPE/LPIPS/rank/VoI/NIQE/NoC)"),
]
_LOWER = [(re.compile(p, re.I), why) for p, why in LOWER_PATTERNS]

#: Names that plainly say "a score": higher is better, whatever a table's order says.
PLAIN_SCORE = re.compile(
    r"(top[- ]?[1-5] )?(accuracy|acc(@[1-5])?|f1([- ]score)?|macro[- ]f1|micro[- ]f1|bleu(-[1-4])?"
    r"|rouge(-[12l]|-lsum)?|meteor|cider|spice|map|ap|ap50|ap75|auc|auroc|roc[- ]auc|psnr|ssim"
    r"|ms-ssim|precision|recall|miou|iou|dice|em|exact match|ndcg(@\d+)?|mrr|hits@\d+"
    r"|recall@\d+|r@\d+|pck(h)?(@[\d.]+)?)( \(%\)|, %| %)?", re.I)
_HIGHER_HINT = re.compile(r"accura|\bf1\b|bleu|rouge|\bmap\b|\bap\b|\bauc\b|psnr|ssim|precision|"
                          r"recall|\biou\b|\bmiou\b|\bndcg|\bmrr\b|hits@|\btop-?\d\b|\bfps\b",
                          re.I)


@dataclass(frozen=True)
class Decision:
    direction: str
    source: str  # explicit, order, bold, prose, name, vote or default
    reason: str
    against: tuple[str, ...] = ()  # evidence that pointed the other way

    @property
    def conflict(self) -> bool:
        return bool(self.against)


def from_name(name: str) -> tuple[str, str, bool] | None:
    """(direction, reason, plain) from the name alone; ``plain``: it names a plain score."""
    if PLAIN_SCORE.fullmatch(name.strip()):
        return HIGHER, f"'{name}' names a score", True
    for pattern, why in _LOWER:
        if pattern.search(name):
            return LOWER, f"'{name}' looks like {why}", False
    if _HIGHER_HINT.search(name):
        return HIGHER, f"'{name}' looks like a score", False
    return None


def from_order(values: list[float], dates: list[str | None] | None = None,
               minimum: int = 3) -> str | None:
    """The direction a source's row order shows: rows are stored best first.  None unless the
    values are monotone over at least ``minimum`` distinct values, and not when the rows are
    in date order (oldest first), which also makes progress look like a sort."""
    if len(set(values)) < minimum:
        return None
    if dates and all(dates) and len(set(dates)) > 1 and dates == sorted(dates):
        return None
    if all(a >= b for a, b in zip(values, values[1:])):
        return HIGHER
    if all(a <= b for a, b in zip(values, values[1:])):
        return LOWER
    return None


def from_bold(values: list[float], bold: list[bool]) -> str | None:
    """Bold marks the best: on the smallest values only, lower is better; on the largest,
    higher.  None when nothing or everything is bold, or both ends are."""
    marked = [v for v, b in zip(values, bold) if b]
    if not marked or len(marked) == len(values) or len(set(values)) < 2:
        return None
    rest = [v for v, b in zip(values, bold) if not b]
    if max(marked) < min(rest) or (min(marked) == min(values) and max(marked) <= min(rest)):
        return LOWER
    if min(marked) > max(rest) or (max(marked) == max(values) and min(marked) >= max(rest)):
        return HIGHER
    return None


_PROSE = re.compile(r"\b(lower|smaller|less|higher|larger|greater|bigger)\s+(?:values?\s+)?"
                    r"(?:is|are)\s+better\b(?P<rest>[^.\n]*)", re.I)


def from_prose(text: str, name: str) -> str | None:
    """What the page says in words: "lower is better" in a sentence naming the metric, or
    one that says it of all of them ("for both", "for all")."""
    for match in _PROSE.finditer(text or ""):
        start = text.rfind(".", 0, match.start()) + 1
        sentence = text[start: match.end()]
        general = re.search(r"\bfor (both|all|every|each)\b", match["rest"], re.I) \
            or re.fullmatch(r"\s*[(:,;]?\s*", match["rest"] or "")
        if name.lower() in sentence.lower() or general:
            return LOWER if match[1].lower() in ("lower", "smaller", "less") else HIGHER
    return None


def decide(name: str, *, explicit: tuple[str, str] | None = None, order: str | None = None,
           bold: str | None = None, prose: str | None = None,
           vote: tuple[int, int] | None = None) -> Decision:
    """Weigh the evidence for one metric (see the module's docstring).  ``explicit``:
    (direction, where it was given); ``vote``: (leaderboards whose order says higher, lower)."""
    named = from_name(name)
    found = [(d, src) for d, src in ((prose, "prose"), (bold, "bold"), (order, "order")) if d]
    evidence = found + ([(named[0], "name")] if named else [])
    if explicit:
        direction, where = explicit
        return Decision(direction, "explicit", f"'{name}': {where}",
                        tuple(f"{src} says {d}" for d, src in evidence if d != direction))
    if found:
        direction, src = found[0]
        if named and named[2] and direction != named[0]:  # a plain score: the name stands
            return Decision(named[0], "name", named[1] + "; the source's " + src +
                            f" says {direction}, taken as noise",
                            tuple(f"{s} says {d}" for d, s in found if d != named[0]))
        why = {"prose": "the page says so", "bold": "the page sets its best values in bold",
               "order": "the source stores its rows in this order"}[src]
        return Decision(direction, src, f"'{name}': {direction} is better: {why}",
                        tuple(f"{s} says {d}" for d, s in evidence if d != direction))
    if named:
        return Decision(named[0], "name", named[1])
    if vote and sum(vote):
        higher, lower = vote
        if higher != lower:
            direction = HIGHER if higher > lower else LOWER
            return Decision(direction, "vote", f"'{name}': the order of {max(vote)} of "
                                               f"{sum(vote)} other leaderboards with this metric",
                            (f"{min(vote)} other leaderboards say otherwise",) if min(vote) else ())
    return Decision(HIGHER, "default", f"'{name}': no evidence; higher is better by default")


def infer(name: str, overrides: dict[str, str] | None = None) -> tuple[str, str]:
    """('higher'|'lower', reason) from the name and an overrides mapping alone."""
    explicit = (overrides[name], "listed in the metric directions file") \
        if overrides and name in overrides else None
    decision = decide(name, explicit=explicit)
    return decision.direction, decision.reason


def is_lower(name: str) -> bool:
    return infer(name)[0] == LOWER
