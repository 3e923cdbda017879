"""Order and bests of a leaderboard, derived from the data (never typed in).

Shared by every output: markdown tables, README, site pages and exports.
"""
from __future__ import annotations

from generator.project.model import Leaderboard, Metric, Result


def sort_key(metric: Metric, result: Result):
    """Best first, N/A last; use with a stable sort."""
    value = result.values.get(metric.name)
    if value is None or not value.finite:
        return (1, 0.0)
    return (0, value.number if metric.lower_is_better else -value.number)


def ordered(lb: Leaderboard) -> list[Result]:
    """Results by the primary metric, best first, ties in file order, N/A last."""
    if lb.primary is None:
        return list(lb.results)
    return sorted(lb.results, key=lambda r: sort_key(lb.primary, r))


def best_value(lb: Leaderboard, metric: Metric) -> float | None:
    values = [v.number for r in lb.results
              if (v := r.values.get(metric.name)) is not None and v.finite]
    if not values:
        return None
    return min(values) if metric.lower_is_better else max(values)


def threshold(lb: Leaderboard, metric: Metric, top: int) -> float | None:
    """The value a result must reach to be among the ``top`` best, or None."""
    if top <= 0:
        return None
    values = sorted((v.number for r in lb.results
                     if (v := r.values.get(metric.name)) is not None and v.finite),
                    reverse=not metric.lower_is_better)
    if not values:
        return None
    return values[min(top, len(values)) - 1]


def reaches(metric: Metric, number: float, limit: float | None) -> bool:
    if limit is None:
        return False
    return number <= limit if metric.lower_is_better else number >= limit


def ranked(lb: Leaderboard) -> list[tuple[Result, int | None]]:
    """Results in the default order with their rank by the primary metric.

    Equal values share a rank (1, 2, 2, 4); a result without a primary value has none.
    """
    out, previous, rank = [], None, 0
    for index, result in enumerate(ordered(lb)):
        value = result.values.get(lb.primary.name) if lb.primary else None
        if value is None or not value.finite:
            out.append((result, None))
            continue
        if previous is None or value.number != previous:
            rank = index + 1
        previous = value.number
        out.append((result, rank))
    return out
