"""Order statistics for samples: medians and nearest-rank percentiles."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence


def median(samples: Sequence[float]) -> float:
    """The median, or NaN for no samples (a scenario that measured nothing)."""
    return statistics.median(samples) if samples else math.nan


def percentile(samples: Sequence[float], pct: float) -> float:
    """The nearest-rank ``pct`` percentile, or NaN for no samples.

    Nearest rank always returns a measured value, so a p99 over few samples
    is the slowest real event rather than an interpolation.
    """
    if not samples:
        return math.nan
    ordered = sorted(samples)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]
