"""Whether a metric is better high or low, decided from all the evidence, with the reason.

Importers gather what their source says and ``decide`` weighs it, strongest first:

1. **explicit**: a direction given in the data, on the command line or in a reviewed
   directions file: it settles everything;
2. **strong evidence from the source**: prose on the page ("lower is better"), and the order
   its rows are stored in (a leaderboard is stored best first) over at least
   ``SHORT_ORDER`` (5) distinct values and not by date;
3. **the name**: patterns for errors, losses, distances, divergences, costs, ranks, sizes,
   times and their common acronyms (lower) and for scores such as accuracy, F1, BLEU, mAP,
   PSNR, Rank-1 or an error reduction (higher);
4. **weak evidence from the source**: a short row order (fewer than five distinct values)
   and which cells it sets in bold (the best): each decides where the name says nothing,
   and neither outvotes a name;
5. **a vote**: what the source's order says for the same metric name on other
   leaderboards;
6. otherwise higher is better (**default**).

A name that plainly is a score ("Accuracy", "Top-1 Accuracy", "F1", "mAP", "Rank-1"...) is
never turned lower-is-better by order alone, however long: its tables are sometimes stored
by date.  Evidence that agrees with the name is named as the decision's source (the order,
the bold) and the name stands behind it.  Every decision keeps its source, what the name
alone says (``named``) and the evidence on the other side (``against``), so a report can
list every conflict, every decision taken by default (``by_default``) and every one taken
against the name (``against_name``) for review.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

HIGHER, LOWER = "higher", "lower"

#: A row order over fewer distinct values than this is "short": it does not outvote a name.
SHORT_ORDER = 5

# Names of metrics where a smaller value is better.  Case-insensitive; ``soft`` patterns (a
# rank, a size, a time...) count only in a name with no word of a score in it ("Rank-1
# accuracy", "Accuracy over time" are scores).
LOWER_PATTERNS = [
    (r"error|\b(?!perr\b)\w?err\b", "an error rate", False),
    (r"loss", "a loss", False),
    (r"fid\b|\bkid\b|\bf[vacr]d\b|fr[eé]chet", "a generative distance (FID/KID/FVD)", False),
    (r"perplexity|\bppl\b|bits?[ -]per|bits?/|\bbpc\b|\bbpd\b|\bbpsp\b|\bnll\b|\bnats?\b"
     r"|cross[- ]?entropy|\bm?ce\b",
     "perplexity / likelihood cost", False),
    (r"\bwer\b|\bcer\b|\bter\b|\b(?-i:PER|SER|DER)\b|\babx\b", "a word/character error rate",
     False),
    (r"(r?mse|mae|rmsle|mape|smape)\b|\b(sad|mad)\b|^(?!.*\bm?aph?\b).*(?<!/)\bl[12]\b"
     r"|mean (absolute|squared) error|squared error|silog", "an error measure (MSE/MAE/RMSE)",
     False),
    (r"\ba?epe\b|end[- ]point|\b(fl|d1)-(all|fg|bg|noc)\b|\bout-(noc|all|occ)\b|bad ?pix"
     r"|bad[- ]pixel|>\s*\d+\s*px", "an end-point or outlier error", False),
    (r"\bate\b|\brpe\b|\bade\b|\bfde\b|\bchamfer|\bhausdorff|\bhd ?\d*\b|\b\d+ ?hd\b|\bemd\b"
     r"|\bcd\b|\bmmd\b|wasserstein|\bkld?\b|kullback|divergence|\bjsd\b|\ba?ssd\b|\basd\b"
     r"|\bmsd\b|surface distance|\br?avd\b|\brvd\b|volume difference|\bvoe\b|\blmd\b",
     "a distance or a divergence", False),
    (r"miss rate|\bm?mr\b|\bfppi\b|\blamr\b|false (positive|alarm|rejection|acceptance)"
     r"|\bfar\b|\bfrr\b|\bfnr\b|\beer\b|\bhter\b|\b[abn]?p?cer\b|\bacer\b|\bfpr\d*\b|\bber\b"
     r"|\bfr@|\bmin[- ]?dcf\b|\bc?dcf\b",
     "a miss/false-alarm rate", False),
    (r"distance|\bdist\b(?![- ]?\d)|displacement|regret|\bdrift\b", "a distance or a regret",
     False),
    (r"abs ?rel|sq ?rel|log10|\brms\b", "a depth error", False),
    (r"\bnme\b|\b(pa-)?m?p?[jv]pe\b|\bpck-?err|\blpips\b|\bmedr\b|\bmnr\b|\bvoi\b|\bvinfo\b"
     r"|variation of information|\bvi[- ](merge|split)\b|\bniqe\b|\bnoc@\d+|\bmace\b"
     r"|\b[am]?m?r?tre\b|neg(ative)?\.? jacob",
     "an error, a distance or a cost (NME/MPJPE/LPIPS/VoI/NIQE/NoC)", False),
    (r"\brank\b(?!\s*[-@]?\s*\d|\s*corr|[- ]biserial)", "a rank (1 is best)", True),
    (r"latency|inference time|run ?time|\btime\b(?!-delay)|\bms\b|seconds|\bsec\b|\brtf\b"
     r"|real[- ]time factor|gpu[- ]?(hours?|days?)|^rt\b|时间|耗时|延迟", "a time", True),
    (r"param|\bflops?\b|\bgflops?\b|\bg?macs?\b|model size|\bsize\b|memory|\bmem\b|\bv?ram\b"
     r"|\bcosts?\b|energy|\bco2\b|carbon|参数|显存|内存|模型大小",
     "a cost (parameters/FLOPs/memory/size/energy)", True),
    (r"错误率|误差|困惑度|排名", "an error, a perplexity or a rank", False),
    (r"\bm?hd\b|\bmd\b", "a (mean or modified) Hausdorff distance", False),
    (r"collisions?\b|violations?\b|infractions?\b|failures?\b|outliers?\b", "a count of failures",
     True),
]
_LOWER = [(re.compile(p, re.I), why, soft) for p, why, soft in LOWER_PATTERNS]

#: Names that plainly say "a score": higher is better, whatever a table's order says.
PLAIN_SCORE = re.compile(
    r"(top[- ]?[1-5] )?(accuracy|acc(@[1-5])?|f1([- ]score)?|macro[- ]f1|micro[- ]f1|bleu(-[1-4])?"
    r"|rouge(-[12l]|-lsum)?|meteor|cider|spice|map|ap|ap50|ap75|auc|auroc|roc[- ]auc|psnr|ssim"
    r"|ms-ssim|precision|recall|miou|iou|dice|dice score|dsc|em|exact match|ndcg(@\d+)?|mrr"
    r"|hits?@\d+|recall@\d+|r\d*@\d+|p@\d+|rank[- ]?\d+|ap[sml]|ar(\d+|@\d+|[sml])?"
    r"|pck(h)?(@[\d.]+)?|f-?measure|f-?score|jaccard)( \(%\)|, %| %)?", re.I)

# Names that say "lower" although they hold a score's word, and names that say "higher"
# although a lower rule would match a word of theirs; both are read before the lower rules.
_FIRST = [(re.compile(p, re.I), direction, why) for p, direction, why in [
    (r"\bnegll\b|\bneg(ative|\.)?[- ]?(log[- ]?lik\w*|elbo|ll)\b", LOWER,
     "a negated likelihood"),
    (r"(?-i:\b[Dd]rop\b)|degradation|forgetting", LOWER, "a drop in a score"),
    (r"self-bleu", LOWER, "a BLEU of outputs against each other (lower: more diverse)"),
    (r"reduction|improvement|\bgain\b|speed-?up|\bwerr\b", HIGHER,
     "an improvement (a reduction of a cost is better high)"),
    (r"\brank[- @]?\d+\b|reciprocal rank|\berr@\d+", HIGHER,
     "a rank-k accuracy or a reciprocal rank"),
    (r"\blog[- ]?likelihood|\belbo\b", HIGHER, "a likelihood"),
    (r"surface dice|\bdist(inct)?[- ]?\d\b", HIGHER, "a score (surface Dice, distinct-n)"),
]]
# A score measured at a condition that names an error or a rate: "AUC (horizon error)",
# "TAR @ FAR=0.01", "Recall@error<5°", "APH/L2".  The condition does not turn the score.
_SCORE_HEAD = (r"(top[- ]?\d+ )?(accuracy|acc|m?aph?(\d+|[sml]|bb\d*)?|auc|auroc|aupr|f1|f-?score"
               r"|f-?measure|precision|recall|tar|gar|tpr|tnr|vr|success( rate)?|pck\w*|m?iou|dice"
               r"|dsc|hits?|[rp]\d*|ndcg|mrr|bleu|rouge\S*|psnr|ssim|ms-ssim|sensitivity|specificity)\b")
_SCORE_AT = re.compile(_SCORE_HEAD + r"\s*(@|\(|\[|/| at | under | with | for )", re.I)
# "Accuracy (error)": a score's name that also says error, and nothing else: no verdict.
_SCORE_OR_ERROR = re.compile(_SCORE_HEAD + r"\s*[(\[/]\s*(error|err|error rate|loss)\s*[)\]]?\s*",
                             re.I)
_HIGHER_HINT = re.compile(
    r"accura|\bf1\b|bleu|rouge|\bmap\b|\bap\b|\bauc\b|psnr|ssim|precision|recall|\biou\b|\bmiou\b"
    r"|\bndcg|\bmrr\b|hits?@|\btop-?\d\b|\bfps\b|throughput|dice|\bdsc\b|jaccard|\bnsd\b"
    r"|f-?measure|f-?score|inception score|(?-i:\bIS\b)|\b[rp]\d*@\d|\bmos\b|\bpesq\b|\bstoi\b"
    r"|\bsdr\b|correlation|success|\bspl\b|\bmota\b|\bidf1\b|\bpq\b|\bmcc\b|kappa|sensitivity"
    r"|specificity|reward|\breturn\b|pearson|spearman|kendall|\bperr\b|acc\b|iou\d*\b|\bari\b"
    r"|\b(uas|las|upos|xpos)\b|modularity|\bnmi\b|\bhr@\d|\bem\b|cide?r|[fe]?ssim\b|stoi\b"
    r"|\b[psr]q(st|th)?\b|h-mean|harmonic mean|\bs?ap\d+\b|\bauprc\b|\bauc\d|\bm?(rec|prec)\b"
    r"|\br\^?2\b|\b[se]-measure|\b[pn]pv\b|\bq[38]\b|sdr\b|coverage|\belo\b|pc[kp]3d|δ", re.I)


@dataclass(frozen=True)
class Decision:
    direction: str
    source: str  # explicit, order, bold, prose, name, vote or default
    reason: str
    against: tuple[str, ...] = ()  # evidence that pointed the other way
    named: str | None = None  # what the name alone says (None: the name says nothing)

    def __post_init__(self):  # a plain "higher"/"lower", never an ``Order`` (it goes to YAML)
        object.__setattr__(self, "direction", str.__str__(self.direction))

    @property
    def conflict(self) -> bool:
        return bool(self.against)

    @property
    def by_default(self) -> bool:
        """Nothing said which way: higher is better because it is the default."""
        return self.source == "default"

    @property
    def against_name(self) -> bool:
        """Decided by other evidence (the source's order or bold, its prose, a reviewed list)
        the other way from what the metric's name says."""
        return self.named is not None and self.source != "name" and self.direction != self.named

    @property
    def for_review(self) -> bool:
        """A decision a maintainer should look at: by default, or against the name."""
        return self.by_default or self.against_name


def from_name(name: str) -> tuple[str, str, bool] | None:
    """(direction, reason, plain) from the name alone; ``plain``: it names a plain score."""
    name = name.strip()
    if PLAIN_SCORE.fullmatch(name):
        return HIGHER, f"'{name}' names a score", True
    for pattern, direction, why in _FIRST:
        if pattern.search(name):
            return direction, f"'{name}' looks like {why}", False
    if _SCORE_OR_ERROR.fullmatch(name):
        return None  # "Accuracy (error)": the name says both
    if _SCORE_AT.match(name):
        return HIGHER, f"'{name}' looks like a score at a condition", False
    hint = _HIGHER_HINT.search(name)
    for pattern, why, soft in _LOWER:
        if pattern.search(name) and not (soft and hint):
            return LOWER, f"'{name}' looks like {why}", False
    if hint:
        return HIGHER, f"'{name}' looks like a score", False
    return None


class Order(str):
    """A direction shown by a row order ("higher"/"lower"), with how many distinct values it
    covers: an order over fewer than ``SHORT_ORDER`` of them does not outvote a name."""
    distinct: int

    def __new__(cls, direction: str, distinct: int):
        order = super().__new__(cls, direction)
        order.distinct = distinct
        return order

    @property
    def short(self) -> bool:
        return self.distinct < SHORT_ORDER


def from_order(values: list[float], dates: list[str | None] | None = None,
               minimum: int = 3) -> Order | None:
    """The direction a source's row order shows: rows are stored best first.  None unless the
    values are monotone over at least ``minimum`` distinct values, and not when the rows are
    in date order (oldest first), which also makes progress look like a sort."""
    distinct = len(set(values))
    if distinct < minimum:
        return None
    if dates and all(dates) and len(set(dates)) > 1 and dates == sorted(dates):
        return None
    if all(a >= b for a, b in zip(values, values[1:])):
        return Order(HIGHER, distinct)
    if all(a <= b for a, b in zip(values, values[1:])):
        return Order(LOWER, distinct)
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


def _strong(source: str, direction: str) -> bool:
    """Evidence that outvotes a name that is not a plain score: the page's prose, and a row
    order over ``SHORT_ORDER`` distinct values or more (an order of unknown length counts as
    long).  Bold and a short order do not."""
    return source == "prose" or (source == "order" and not getattr(direction, "short", False))


def _described(source: str, direction: str) -> str:
    if source == "order" and getattr(direction, "short", False):
        return f"the source's order says {direction} (over only {direction.distinct} values)"
    if source == "bold":
        return f"the source's bold says {direction} (weak evidence)"
    return f"the source's {source} says {direction}"


def decide(name: str, *, explicit: tuple[str, str] | None = None, order: str | None = None,
           bold: str | None = None, prose: str | None = None,
           vote: tuple[int, int] | None = None) -> Decision:
    """Weigh the evidence for one metric (see the module's docstring).  ``explicit``:
    (direction, where it was given); ``order``: what ``from_order`` says (an ``Order`` knows
    whether it is short); ``vote``: (leaderboards whose order says higher, lower)."""
    named = from_name(name)
    says = named[0] if named else None
    found = [(d, src) for d, src in ((prose, "prose"), (bold, "bold"), (order, "order")) if d]
    evidence = found + ([(named[0], "name")] if named else [])

    def against(direction: str, among=evidence) -> tuple[str, ...]:
        return tuple(f"{src} says {d}" for d, src in among if d != direction)

    if explicit:
        direction, where = explicit
        return Decision(direction, "explicit", f"'{name}': {where}", against(direction), says)
    why = {"prose": "the page says so", "bold": "the page sets its best values in bold",
           "order": "the source stores its rows in this order"}
    if found:
        direction, src = found[0]
        if named and direction != says:
            strong = [(d, s) for d, s in found if _strong(s, d)]
            if named[2] or not strong or any(d == says for d, _ in strong):
                # a plain score, or a name only weak evidence disputes: the name stands
                return Decision(says, "name", named[1] + "; " + ", ".join(
                    _described(s, d) for d, s in found if d != says) + ", taken as noise",
                    against(says, found), says)
            direction, src = strong[0]
        return Decision(direction, src, f"'{name}': {direction} is better: {why[src]}",
                        against(direction), says)
    if named:
        return Decision(says, "name", named[1], (), says)
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
