"""The rota program's days, compiled (numba): only the states some path reaches are followed.

The states after a day are dense arrays (:mod:`.rota`), but on Curtois' instances only 3-20 %
of them are reached; numpy's array operations pay for every one, this loop only for those
reached. Same states, same values: :mod:`.rota` traces the path back in Python.

Layout: ``work[d, t, r, i]`` and ``off[d, q, i]`` are the states *before* day ``d`` (index
``d + 1`` after it), ``i`` the flattened tail: minutes first, then the other counted axes
(weekends, days worked, counted templates), each with its own size and stride.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def forward(cost: np.ndarray, follows: np.ndarray, after_off: np.ndarray,
            after_work: np.ndarray, at: np.ndarray, sizes: np.ndarray, strides: np.ndarray,
            may_end: np.ndarray, may_start: np.ndarray, capped: bool, low: np.ndarray,
            work: np.ndarray, off: np.ndarray) -> int:  # pragma: no cover - compiled
    """Fill the layers day by day; returns the moves tried (the program's work).

    ``cost[d, t]`` is inf where template ``t`` is not offered on day ``d``; ``follows[d, a,
    b]`` whether ``b`` on day ``d + 1`` may follow ``a``; ``after_off[d, t]`` and
    ``after_work[d, t]`` how far working ``t`` on day ``d`` moves each axis of the tail (after
    a day off, after a day of work); ``at[axis, i]`` is tail index ``i``'s place on each axis.
    ``capped``: runs may not grow past the last length (a longest run), else the last length
    stands for every longer one. States with fewer minutes than ``low[d]`` before day ``d``
    cannot end well and are not followed.
    """
    days, kinds = cost.shape
    runs, rests, size = work.shape[2], off.shape[1], work.shape[3]
    axes = len(sizes)
    moves = 0
    work[:] = np.inf
    off[:] = np.inf
    begin = np.empty(size)
    room = np.empty(axes, dtype=np.int64)
    # each move's offset in the flattened tail, per day and template
    shift_off = (after_off * strides).sum(axis=2)
    shift_work = (after_work * strides).sum(axis=2)
    for d in range(days):
        before_w, before_o, next_w, next_o = work[d], off[d], work[d + 1], off[d + 1]
        begin[:] = np.inf
        if d == 0:
            begin[0] = 0.0
            next_o[0, 0] = 0.0
        for q in range(rests):
            into = q + 1 if q + 1 < rests else rests - 1
            for i in range(size):
                v = before_o[q, i]
                if v == np.inf or at[0, i] < low[d]:
                    continue
                moves += 1
                if may_start[d, q] and v < begin[i]:
                    begin[i] = v
                if v < next_o[into, i]:
                    next_o[into, i] = v
        for t in range(kinds):
            for r in range(runs):
                if not may_end[d, r]:
                    continue
                for i in range(size):
                    v = before_w[t, r, i]
                    if v < next_o[0, i] and at[0, i] >= low[d]:
                        next_o[0, i] = v
        for b in range(kinds):
            c = cost[d, b]
            if c == np.inf:
                continue
            for i in range(size):
                v = begin[i]
                if v == np.inf:
                    continue
                fits = True
                for axis in range(axes):
                    if at[axis, i] + after_off[d, b, axis] >= sizes[axis]:
                        fits = False
                        break
                j = i + shift_off[d, b]
                if fits and v + c < next_w[b, 0, j]:
                    next_w[b, 0, j] = v + c
        if d == 0:
            continue
        for a in range(kinds):
            for r in range(runs):
                if capped and r + 1 >= runs:
                    continue
                into = r + 1 if r + 1 < runs else runs - 1
                for i in range(size):
                    v = before_w[a, r, i]
                    if v == np.inf or at[0, i] < low[d]:
                        continue
                    for axis in range(axes):
                        room[axis] = sizes[axis] - 1 - at[axis, i]
                    for b in range(kinds):
                        c = cost[d, b]
                        if c == np.inf or not follows[d - 1, a, b]:
                            continue
                        moves += 1
                        fits = True
                        for axis in range(axes):
                            if after_work[d, b, axis] > room[axis]:
                                fits = False
                                break
                        j = i + shift_work[d, b]
                        if fits and v + c < next_w[b, into, j]:
                            next_w[b, into, j] = v + c
    return moves
