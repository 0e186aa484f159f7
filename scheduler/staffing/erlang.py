"""Erlang B, C and A, service level, shrinkage and e-mail workload: the staffing formulas.

Live queues (phone, chat) are staffed with Erlang C: the smallest number of agents that meets
the queue's service-level target (a fraction of contacts answered within ``answer_within_s``)
without pushing occupancy above the cap. Chat divides traffic by the concurrency (an agent
holds several conversations at once). E-mail and tickets are asynchronous: they need workload
hours, spread over the first-response window (see :func:`smooth_workload`). Every result is
then grossed up for shrinkage (breaks, meetings, training, absence).

Formulas, with traffic ``A`` in Erlangs, ``N`` agents, handle time ``AHT``, target time ``t``:

- Erlang B: ``B = P(N; A) / F(N; A)`` with the Poisson pmf ``P`` and cdf ``F`` (no factorials);
- Erlang C (probability of waiting): ``Pw = N B / (N - A (1 - B))``, 1 when ``N <= A``;
- service level ``SL = 1 - Pw exp(-(N - A) t / AHT)``, 0 when ``N <= A``;
- average speed of answer over all contacts ``ASA = Pw AHT / (N - A)``, inf when ``N <= A``;
- occupancy ``A / N``; scheduled agents ``ceil(N / (1 - shrinkage))``.

All functions are pure and vectorised over numpy arrays (they broadcast like numpy ufuncs).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from scipy.special import betainc, gammainc, gammaincc, gammaln, xlog1py

__all__ = [
    "ErlangA",
    "agents_for_target",
    "apply_shrinkage",
    "average_speed_of_answer",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "live_service",
    "service_level",
    "smooth_workload",
]

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

RATIO_SLACK = 1e-9  # slack for ceil/floor of ratios whole on paper (21 / (1 - 0.3) = 30.000...04)
_SL_TOL = 1e-12  # slack when comparing a computed service level with its target
_TINY_CDF = 1e-280  # below this the Poisson cdf has lost precision: use the series instead


def _arrays(*values: npt.ArrayLike) -> list[Floats]:
    return [np.asarray(v, dtype=np.float64) for v in np.broadcast_arrays(*values)]


def _poisson_log_pmf(k: Floats, mean: Floats) -> Floats:
    """``log(mean^k e^-mean / k!)`` to about 1e-15, for k > 0 and mean > 0 (Loader, 2000).

    The naive ``k log(mean) - mean - lgamma(k + 1)`` subtracts numbers of size ``k log k`` and
    loses digits as ``k`` grows; the saddle-point form keeps only small terms.
    """
    big = k >= 15
    kk = np.where(big, k, 15.0)
    k2 = 1.0 / (kk * kk)
    series = (1 / 12 - k2 * (1 / 360 - k2 * (1 / 1260 - k2 * (1 / 1680 - k2 / 1188)))) / kk
    ks = np.where(big, 1.0, k)
    direct = gammaln(ks + 1.0) - (ks + 0.5) * np.log(ks) + ks - 0.5 * np.log(2 * np.pi)
    stirling_error = np.where(big, series, direct)  # log k! - log of Stirling's formula
    d = np.minimum((k - mean) / mean, 1.0)
    deviance = np.where(  # k log(k / mean) + mean - k, without cancellation near k = mean
        k < 2.0 * mean,
        mean * (xlog1py(1.0 + d, d) - d),
        k * (np.log(k) - np.log(mean)) + mean - k,
    )
    return np.asarray(-stirling_error - deviance - 0.5 * np.log(2 * np.pi * k), np.float64)


def erlang_b(traffic: npt.ArrayLike, agents: npt.ArrayLike) -> Floats:
    """Erlang B blocking probability of ``agents`` servers offered ``traffic`` Erlangs.

    Parameters
    ----------
    traffic
        Offered load ``A`` in Erlangs (>= 0).
    agents
        Number of servers ``N`` (>= 0; non-integer values use the gamma-function extension).

    Returns
    -------
    numpy.ndarray
        ``B(N, A)`` in [0, 1], broadcast over the inputs. Computed as the ratio of the Poisson
        pmf (saddle-point form, no factorials) to the Poisson cdf (``gammaincc``): accurate to
        about 1e-15 and stable for thousands of agents. Where the cdf underflows (``N`` far
        below ``A``) the terminating series ``1 / B = sum_j N! / ((N - j)! A^j)`` is summed.
    """
    a, n = _arrays(traffic, agents)
    with np.errstate(divide="ignore", invalid="ignore", under="ignore", over="ignore"):
        cdf = gammaincc(n + 1.0, a)
        b = np.exp(_poisson_log_pmf(n, a)) / cdf
        b = np.where(n == 0, 1.0, np.where(a == 0, 0.0, b))
        far = (a > 0) & (n > 0) & ~(cdf > _TINY_CDF)
        if far.any():
            b[far] = 1.0 / _inverse_b_series(a[far], n[far])
    return np.clip(b, 0.0, 1.0)


def _inverse_b_series(a: Floats, n: Floats) -> Floats:
    """``1 / B(N, A)`` as a sum of terms that shrink by at most ``N / A`` (for ``N < A``)."""
    term = np.ones_like(a)
    total = np.ones_like(a)
    j = 0.0
    while True:
        term = term * np.maximum(n - j, 0.0) / a
        total += term
        j += 1.0
        if np.all(term <= 1e-17 * total):
            return total


def erlang_c(traffic: npt.ArrayLike, agents: npt.ArrayLike) -> Floats:
    """Erlang C probability that a contact waits (``Pw``).

    Parameters
    ----------
    traffic
        Offered load ``A`` in Erlangs (>= 0).
    agents
        Number of agents ``N``.

    Returns
    -------
    numpy.ndarray
        ``Pw = N B / (N - A (1 - B))`` in [0, 1]; exactly 1 when ``N <= A`` (the queue grows
        without bound), and 0 when there is no traffic and at least one agent.
    """
    a, n = _arrays(traffic, agents)
    stable = n > a
    b = erlang_b(np.where(stable, a, 0.0), np.where(stable, n, 1.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        pw = n * b / (n - a * (1.0 - b))
    return np.where(stable, np.clip(pw, 0.0, 1.0), 1.0)


def service_level(
    traffic: npt.ArrayLike,
    agents: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    target_answer_s: npt.ArrayLike,
) -> Floats:
    """Fraction of contacts answered within ``target_answer_s`` seconds (Erlang C).

    Parameters
    ----------
    traffic
        Offered load ``A`` in Erlangs.
    agents
        Number of agents ``N``.
    aht_s
        Average handle time in seconds (> 0).
    target_answer_s
        Answer-time target ``t`` in seconds (>= 0).

    Returns
    -------
    numpy.ndarray
        ``1 - Pw exp(-(N - A) t / AHT)``; 0 when ``N <= A``.
    """
    a, n, aht, t = _arrays(traffic, agents, aht_s, target_answer_s)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        sl = 1.0 - erlang_c(a, n) * np.exp(-(n - a) * t / aht)
    return np.where(n > a, np.clip(sl, 0.0, 1.0), 0.0)


def average_speed_of_answer(
    traffic: npt.ArrayLike, agents: npt.ArrayLike, aht_s: npt.ArrayLike
) -> Floats:
    """Average speed of answer in seconds, averaged over all contacts (Erlang C).

    Parameters
    ----------
    traffic
        Offered load ``A`` in Erlangs.
    agents
        Number of agents ``N``.
    aht_s
        Average handle time in seconds.

    Returns
    -------
    numpy.ndarray
        ``Pw AHT / (N - A)``; ``inf`` when ``N <= A``.
    """
    a, n, aht = _arrays(traffic, agents, aht_s)
    with np.errstate(divide="ignore", invalid="ignore"):
        asa = erlang_c(a, n) * aht / (n - a)
    return np.where(n > a, asa, np.inf)


def agents_for_target(
    traffic: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    target_answer_s: npt.ArrayLike,
    target_sl: npt.ArrayLike,
    max_occupancy: npt.ArrayLike = 1.0,
) -> Ints:
    """Smallest number of agents meeting a service-level target and an occupancy cap.

    Parameters
    ----------
    traffic
        Offered load ``A`` in Erlangs (>= 0).
    aht_s
        Average handle time in seconds (> 0 where there is traffic).
    target_answer_s
        Answer-time target in seconds.
    target_sl
        Target fraction answered within ``target_answer_s``, in [0, 1).
    max_occupancy
        Highest allowed occupancy ``A / N``, in (0, 1].

    Returns
    -------
    numpy.ndarray
        Integer ``N``: the smallest ``N > A`` with ``SL(N) >= target_sl`` and
        ``A / N <= max_occupancy``; 0 where ``traffic == 0``. Exact: the search starts at
        ``max(floor(A) + 1, ceil(A / max_occupancy))``, gallops (steps 1, 2, 4, ...) on the rows
        still short of the target, then bisects the last step (the service level rises with N).

    Raises
    ------
    ValueError
        If a target is outside [0, 1) or an occupancy cap outside (0, 1].
    """
    arrays = _arrays(traffic, aht_s, target_answer_s, target_sl, max_occupancy)
    shape = arrays[0].shape
    a, aht, t, sl, occ = (x.ravel() for x in arrays)
    if np.any((sl < 0) | (sl >= 1)):
        raise ValueError("service-level targets must be in [0, 1): 100% is never reached")
    if np.any((occ <= 0) | (occ > 1)):
        raise ValueError("max_occupancy must be in (0, 1]")
    if not np.all(np.isfinite(a) & (a >= 0)):
        raise ValueError("traffic must be finite and >= 0")
    live = a > 0
    start = np.maximum(np.floor(a) + 1.0, np.ceil(a / occ - RATIO_SLACK))

    def meets(rows: npt.NDArray[np.intp], n: Floats) -> npt.NDArray[np.bool_]:
        return service_level(a[rows], n, aht[rows], t[rows]) >= sl[rows] - _SL_TOL

    rows = np.flatnonzero(live)
    hi = start[rows]
    lo = hi - 1.0  # invariant: the answer is in (lo, hi] once ``hi`` meets the target
    short = np.flatnonzero(~meets(rows, hi))
    step = 1.0
    while short.size:
        if step > 2.0**60:
            raise ValueError("service level not reachable: are the inputs finite, aht_s > 0?")
        lo[short] = hi[short]
        hi[short] += step
        step *= 2.0
        short = short[~meets(rows[short], hi[short])]
    gap = np.flatnonzero(hi - lo > 1)
    while gap.size:
        mid = np.floor((lo[gap] + hi[gap]) / 2.0)
        ok = meets(rows[gap], mid)
        hi[gap[ok]] = mid[ok]
        lo[gap[~ok]] = mid[~ok]
        gap = gap[hi[gap] - lo[gap] > 1]
    n = np.zeros(a.size, dtype=np.int64)
    n[live] = hi.astype(np.int64)
    return n.reshape(shape)


class ErlangA(NamedTuple):
    """Measures of an Erlang A (M/M/N+M) queue, one array per measure.

    Attributes
    ----------
    pw
        Probability that a contact waits.
    p_abandon
        Probability that a contact hangs up before being answered.
    asa_s
        Mean wait in seconds over all contacts (answered and abandoned).
    service_level
        Fraction of all contacts answered within the target time.
    occupancy
        Fraction of agent time spent on contacts (answered traffic / N).
    """

    pw: Floats
    p_abandon: Floats
    asa_s: Floats
    service_level: Floats
    occupancy: Floats


def erlang_a(
    traffic: npt.ArrayLike,
    agents: npt.ArrayLike,
    aht_s: npt.ArrayLike,
    patience_s: npt.ArrayLike,
    target_answer_s: npt.ArrayLike,
) -> ErlangA:
    """Erlang A: Erlang C with callers who hang up after an exponential patience.

    Parameters
    ----------
    traffic
        Offered load ``A`` in Erlangs.
    agents
        Number of agents ``N`` (>= 1 where there is traffic).
    aht_s
        Average handle time in seconds (> 0).
    patience_s
        Mean patience in seconds (> 0).
    target_answer_s
        Answer-time target in seconds.

    Returns
    -------
    ErlangA
        With ``x = N patience / AHT``, ``y = A patience / AHT``, ``E`` the Erlang B and
        ``J = 1 + sum_j y^j / prod_k (x + k)``: ``Pw = J E / (1 + (J - 1) E)``,
        ``P(abandon) = (1 / rho + (1 - 1 / rho) J) / (1 / E - 1 + J)`` with ``rho = A / N``,
        ASA = ``P(abandon) * patience`` (Little's law), occupancy = ``A (1 - P(abandon)) / N``;
        a contact with ``j`` waiting ahead is answered within ``t`` with probability
        ``x / (x + j + 1) I(1 - exp(-t / patience); j + 1, x + 1)`` (``I`` the incomplete beta).
    """
    a, n, aht, patience, t = _arrays(traffic, agents, aht_s, patience_s, target_answer_s)
    x, y = n * patience / aht, a * patience / aht
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        lower = gammainc(x, y)
        log_j = np.log(x) + y - x * np.log(y) + gammaln(x) + np.log(lower)
        # J >= 1, so 1 / J stays finite; where the incomplete gamma underflows (y << x)
        # the series is 1 + y / (x + 1) to double precision.
        inv_j = np.where(lower > _TINY_CDF, np.exp(-log_j), 1.0 / (1.0 + y / (x + 1.0)))
        inv_j = np.clip(np.nan_to_num(inv_j, nan=1.0), 0.0, 1.0)
        rest = 1.0 / erlang_b(a, n) - 1.0
        pw = 1.0 / (1.0 + rest * inv_j)
        p_ab = (inv_j * n / a + 1.0 - n / a) / (rest * inv_j + 1.0)
        term = inv_j / (rest * inv_j + 1.0)  # P(all busy, nobody waiting)
    z = -np.expm1(-t / patience)
    answered = 1.0 - pw
    j = 0.0
    while True:
        answered = answered + np.nan_to_num(term * x / (x + j + 1.0) * betainc(j + 1.0, x + 1.0, z))
        j += 1.0
        term = term * y / (x + j)
        if np.all((j > y - x) & ~(term > 1e-17)):
            break
    idle, none = a == 0, n == 0
    pw = np.where(idle, 0.0, np.where(none, 1.0, pw))
    p_ab = np.where(idle, 0.0, np.where(none, 1.0, p_ab))
    return ErlangA(
        pw=pw,
        p_abandon=p_ab,
        asa_s=p_ab * patience,
        service_level=np.where(idle, 1.0, np.where(none, 0.0, np.clip(answered, 0.0, 1.0))),
        occupancy=np.where(idle | none, 0.0, a * (1.0 - p_ab) / np.where(none, 1.0, n)),
    )


def apply_shrinkage(agents: npt.ArrayLike, shrinkage: npt.ArrayLike) -> Ints:
    """Agents to schedule so that ``agents`` remain after shrinkage.

    Parameters
    ----------
    agents
        Agents needed on the phones / chats / inbox (productive agents).
    shrinkage
        Fraction of scheduled time lost to breaks, meetings, absence, in [0, 1).

    Returns
    -------
    numpy.ndarray
        ``ceil(N / (1 - shrinkage))`` as integers, with a tiny slack so that a ratio that is a
        whole number on paper stays whole (14 / 0.7 gives 20, not 21).
    """
    n, s = _arrays(agents, shrinkage)
    if np.any((s < 0) | (s >= 1)):
        raise ValueError("shrinkage must be in [0, 1)")
    return np.ceil(n / (1.0 - s) - RATIO_SLACK).clip(min=0).astype(np.int64)


def smooth_workload(
    interval: npt.ArrayLike,
    workload: npt.ArrayLike,
    delay_intervals: int,
    horizon: int | None = None,
) -> Floats:
    """Spread asynchronous work over the intervals in which it may still be done in time.

    Work arriving in interval ``i`` with a first-response target of ``k`` intervals may be
    handled anywhere in ``i .. i + k``; it is spread evenly over those of the ``k + 1``
    intervals that are present. Each contact is then answered within its window (even
    earliest-deadline-first would keep up), the total equals the total workload, and ``k = 0``
    gives the workload itself. It smooths peaks, though not always to the lowest possible peak.

    The horizon is treated as repeating: windows that run past its end wrap around to its
    start. That stands in for the carry-over from the previous plan, which the forecast does
    not show, and avoids piling the last intervals' work onto the final minutes.

    Parameters
    ----------
    interval
        Interval indices (integers in ``[0, horizon)``, each at most once), for a single queue.
    workload
        Work arriving in each interval, in agent-intervals (Erlangs).
    delay_intervals
        ``k``: whole intervals the work may wait (first-response minutes // interval minutes).
    horizon
        Number of intervals in the horizon; default the largest interval + 1.

    Returns
    -------
    numpy.ndarray
        Agent-intervals of work to do in each given interval, aligned with ``interval``.
    """
    iv = np.asarray(interval, dtype=np.int64)
    work = np.asarray(workload, dtype=np.float64)
    if iv.size == 0:
        return np.zeros(0)
    size = int(iv.max()) + 1 if horizon is None else int(horizon)
    if iv.min() < 0 or iv.max() >= size or np.unique(iv).size != iv.size:
        raise ValueError("intervals must lie in the horizon and appear once per queue")
    k = min(max(int(delay_intervals), 0), size - 1)
    present = np.bincount(iv, minlength=size)
    ahead = np.concatenate(([0], np.cumsum(np.concatenate((present, present[:k])))))
    window = ahead[iv + k + 1] - ahead[iv]  # present intervals among i .. i + k (cyclic)
    share = np.bincount(iv, weights=work / window, minlength=size)
    wrapped = np.concatenate((share[size - k:], share))  # share[(i - k) mod size], ...
    spread = np.convolve(wrapped, np.ones(k + 1), mode="valid")  # non-negative sums: 0 stays 0
    return np.asarray(spread[iv], dtype=np.float64)


def live_service(
    traffic: Floats, agents: npt.ArrayLike, aht: Floats, answer_s: Floats
) -> tuple[Floats, Floats]:
    """Service level and ASA from one Erlang C evaluation (rows without traffic: 1 and 0)."""
    n = np.asarray(agents, dtype=np.float64)
    stable = n > traffic
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        pw = erlang_c(traffic, n)
        sl = np.where(stable, 1.0 - pw * np.exp(-(n - traffic) * answer_s / aht), 0.0)
        asa = np.where(stable, pw * aht / (n - traffic), np.inf)
    idle = traffic == 0
    return np.where(idle, 1.0, np.clip(sl, 0.0, 1.0)), np.where(idle, 0.0, asa)


