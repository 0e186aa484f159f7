"""The rota program's days, compiled (numba): only the states some path reaches are followed.

The states after a day are dense arrays (:mod:`.rota`), but on Curtois' instances only 3-20 %
of them are reached; numpy's array operations pay for every one, this loop only for those
reached. Same states, same values: :mod:`.rota` traces the path back in Python.

Layout: ``work[d, t, r, i]`` and ``off[d, q, i]`` are the states *before* day ``d`` (index
``d + 1`` after it), ``i`` the flattened tail (minutes, weekends, counted templates).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def forward(cost: np.ndarray, follows: np.ndarray, units: np.ndarray, weekend_after_off:
            np.ndarray, weekend_after_work: np.ndarray, axis_of: np.ndarray, minutes_of:
            np.ndarray, weekends_of: np.ndarray, counts_of: np.ndarray, count_sizes: np.ndarray,
            strides: np.ndarray, count_strides: np.ndarray, may_end: np.ndarray,
            may_start: np.ndarray, capped: bool, low: np.ndarray, sizes_m: int, sizes_w: int,
            work: np.ndarray, off: np.ndarray) -> int:  # pragma: no cover - compiled
    """Fill the layers day by day; returns the moves tried (the program's work).

    ``cost[d, t]`` is inf where template ``t`` is not offered on day ``d``; ``follows[d, a,
    b]`` whether ``b`` on day ``d + 1`` may follow ``a``; ``capped``: runs may not grow past
    the last length (a longest run), else the last length stands for every longer one.
    """
    days, kinds = cost.shape
    runs, rests, size = work.shape[2], off.shape[1], work.shape[3]
    moves = 0
    work[:] = np.inf
    off[:] = np.inf
    begin = np.empty(size)
    for d in range(days):
        before_w, before_o, after_w, after_o = work[d], off[d], work[d + 1], off[d + 1]
        begin[:] = np.inf
        if d == 0:
            begin[0] = 0.0
            after_o[0, 0] = 0.0
        for q in range(rests):
            into = q + 1 if q + 1 < rests else rests - 1
            for i in range(size):
                v = before_o[q, i]
                if v == np.inf or minutes_of[i] < low[d]:
                    continue
                moves += 1
                if may_start[d, q] and v < begin[i]:
                    begin[i] = v
                if v < after_o[into, i]:
                    after_o[into, i] = v
        for t in range(kinds):
            for r in range(runs):
                if not may_end[d, r]:
                    continue
                for i in range(size):
                    v = before_w[t, r, i]
                    if v < after_o[0, i] and minutes_of[i] >= low[d]:
                        after_o[0, i] = v
        weekend = weekend_after_off[d]
        for b in range(kinds):
            c = cost[d, b]
            if c == np.inf:
                continue
            u, axis = units[b], axis_of[b]
            for i in range(size):
                v = begin[i]
                if v == np.inf or minutes_of[i] + u >= sizes_m or \
                        weekends_of[i] + weekend >= sizes_w:
                    continue
                j = i + u * strides[0] + weekend * strides[1]
                if axis >= 0:
                    if counts_of[axis, i] + 1 >= count_sizes[axis]:
                        continue
                    j += count_strides[axis]
                if v + c < after_w[b, 0, j]:
                    after_w[b, 0, j] = v + c
        if d == 0:
            continue
        weekend = weekend_after_work[d]
        for a in range(kinds):
            for r in range(runs):
                if capped and r + 1 >= runs:
                    continue
                into = r + 1 if r + 1 < runs else runs - 1
                for i in range(size):
                    v = before_w[a, r, i]
                    if v == np.inf or minutes_of[i] < low[d]:
                        continue
                    m, w = minutes_of[i], weekends_of[i]
                    for b in range(kinds):
                        c = cost[d, b]
                        if c == np.inf or not follows[d - 1, a, b]:
                            continue
                        moves += 1
                        u = units[b]
                        if m + u >= sizes_m or w + weekend >= sizes_w:
                            continue
                        j = i + u * strides[0] + weekend * strides[1]
                        axis = axis_of[b]
                        if axis >= 0:
                            if counts_of[axis, i] + 1 >= count_sizes[axis]:
                                continue
                            j += count_strides[axis]
                        if v + c < after_w[b, into, j]:
                            after_w[b, into, j] = v + c
    return moves
