"""Forecast → requirements: agents needed per interval and queue.

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

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.special import betainc, gammainc, gammaincc, gammaln, xlog1py

if TYPE_CHECKING:
    from scheduler.domain import Problem

__all__ = [
    "ErlangA",
    "agents_for_target",
    "apply_shrinkage",
    "average_speed_of_answer",
    "erlang_a",
    "erlang_b",
    "coverage_frame",
    "erlang_c",
    "forecast_frame",
    "headcounts",
    "no_requirements",
    "projected_service",
    "requirements",
    "requirements_from_frame",
    "service_level",
    "smooth_workload",
]

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

_EPS = 1e-9  # slack for ceil/floor of ratios whole on paper (21 / (1 - 0.3) = 30.000...04)
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
    start = np.maximum(np.floor(a) + 1.0, np.ceil(a / occ - _EPS))

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
    return np.ceil(n / (1.0 - s) - _EPS).clip(min=0).astype(np.int64)


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


def _live_service(
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


_CHANNELS = ("phone", "chat", "email")


@dataclass(frozen=True)
class _Rows:
    """Per-row arrays of a forecast frame joined with its queue's parameters."""

    interval: Ints
    volume: Floats
    aht: Floats
    traffic: Floats  # Erlangs: chat divided by concurrency; e-mail the arriving workload
    work: Floats  # traffic, except e-mail: workload smoothed over the first-response window
    is_async: npt.NDArray[np.bool_]
    target_sl: Floats
    answer_s: Floats
    max_occupancy: Floats
    shrinkage: Floats


def _rows(frame: pd.DataFrame, problem: Problem) -> _Rows:
    """Validate ``frame`` and join each row with its queue's staffing parameters."""
    missing = {"interval", "queue", "volume", "aht_s"} - set(frame.columns)
    if missing:
        raise ValueError(f"forecast frame lacks column(s) {', '.join(sorted(missing))}")
    if frame.duplicated(["interval", "queue"]).any():
        raise ValueError("forecast frame has more than one row for an interval and queue")
    codes, names = pd.factorize(frame["queue"])
    index = {q.id: q for q in problem.queues}
    unknown = [str(name) for name in names if name not in index]
    if unknown:
        raise ValueError(f"forecast names queue(s) {', '.join(unknown)}, not in the problem")
    queues = [index[str(name)] for name in names]
    channels = [str(q.channel) for q in queues]
    if not set(channels) <= set(_CHANNELS):
        raise ValueError(f"queue channels must be one of {', '.join(_CHANNELS)}")
    channel = np.array(channels, dtype=object)[codes]

    def per_row(values: list[float]) -> Floats:
        return np.asarray(values, dtype=np.float64)[codes]

    interval = frame["interval"].to_numpy(dtype=np.int64)
    volume = frame["volume"].to_numpy(dtype=np.float64)
    aht = frame["aht_s"].to_numpy(dtype=np.float64)
    if not (np.all(np.isfinite(volume) & (volume >= 0)) and np.all(np.isfinite(aht) & (aht >= 0))):
        raise ValueError("forecast volume and aht_s must be finite numbers >= 0")
    workload = volume * aht / (problem.interval_minutes * 60.0)
    is_async = channel == "email"
    concurrency = per_row([max(q.concurrency, 1) for q in queues])
    traffic = np.where(channel == "chat", workload / concurrency, workload)
    work = traffic.copy()
    horizon = int(interval.max()) + 1 if interval.size else 0
    for code in np.unique(codes[is_async]):
        mine = np.flatnonzero(codes == code)
        delay = queues[code].first_response_minutes // problem.interval_minutes
        work[mine] = smooth_workload(interval[mine], workload[mine], delay, horizon)
    return _Rows(
        interval=interval, volume=volume, aht=aht, traffic=traffic, work=work,
        is_async=is_async,
        target_sl=per_row([q.service_level for q in queues]),
        answer_s=per_row([q.answer_within_s for q in queues]),
        max_occupancy=per_row([problem.max_occupancy if q.max_occupancy is None
                               else q.max_occupancy for q in queues]),
        shrinkage=per_row([problem.shrinkage if q.shrinkage is None else q.shrinkage
                           for q in queues]),
    )


def requirements_from_frame(frame: pd.DataFrame, problem: Problem) -> pd.DataFrame:
    """Agents needed per interval and queue for a forecast frame.

    Parameters
    ----------
    frame
        Columns ``interval`` (index from the horizon start), ``queue`` (queue id), ``volume``
        (contacts arriving in the interval) and ``aht_s`` (average handle time, seconds); one
        row per interval and queue.
    problem
        Supplies ``interval_minutes``, team ``shrinkage`` and ``max_occupancy``, and the queues
        (channel, targets, concurrency, first-response time, per-queue overrides).

    Returns
    -------
    pandas.DataFrame
        In the order of ``frame``: ``interval``, ``queue``, ``volume``, ``aht_s``, ``traffic``
        (Erlangs; chat traffic divided by concurrency; for e-mail the arriving workload),
        ``base_agents`` (productive agents), ``agents`` (to schedule, after shrinkage),
        ``service_level``, ``asa_s`` and ``occupancy`` projected at ``base_agents``.

    Notes
    -----
    Phone and chat: :func:`agents_for_target` with the queue's targets and occupancy cap. An
    interval without traffic needs 0 agents and reports service level 1, ASA 0, occupancy 0.
    E-mail: the workload is spread over the first-response window (:func:`smooth_workload`,
    ``k = first_response_minutes // interval_minutes``), then ``ceil(work / max_occupancy)``;
    so a quiet interval may still need agents for earlier mail. Its ``service_level`` is 1
    (the plan answers every mail in time), ``asa_s`` is NaN, ``occupancy`` is work / agents.

    Raises
    ------
    ValueError
        On missing columns, unknown queues or duplicate (interval, queue) rows.
    """
    r = _rows(frame, problem)
    traffic, aht, answer_s, work, occ_cap = r.traffic, r.aht, r.answer_s, r.work, r.max_occupancy
    is_async = r.is_async

    live = np.flatnonzero(~is_async)
    base = np.zeros(traffic.size, dtype=np.int64)
    base[live] = agents_for_target(
        traffic[live], aht[live], answer_s[live], r.target_sl[live], occ_cap[live]
    )
    base[is_async] = np.ceil(work[is_async] / occ_cap[is_async] - _EPS).clip(min=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        occupancy = np.where(base > 0, work / base, 0.0)
    sl, asa = np.ones(traffic.size), np.full(traffic.size, np.nan)
    sl[live], asa[live] = _live_service(traffic[live], base[live], aht[live], answer_s[live])
    return pd.DataFrame(
        {
            "interval": r.interval,
            "queue": frame["queue"].to_numpy(),
            "volume": r.volume,
            "aht_s": aht,
            "traffic": traffic,
            "base_agents": base,
            "agents": apply_shrinkage(base, r.shrinkage),
            "service_level": sl,
            "asa_s": asa,
            "occupancy": occupancy,
        }
    )


REQUIREMENT_COLUMNS = ("interval", "queue", "agents")


def forecast_frame(problem: Problem) -> pd.DataFrame:
    """The forecast as a tidy frame, one row per interval and queue.

    Returns
    -------
    pandas.DataFrame
        Columns ``interval`` (int, 0-based planning interval: minute from the horizon start
        // ``interval_minutes``), ``queue`` (str), ``volume`` (float, contacts arriving) and
        ``aht_s`` (float, average handling time in seconds), sorted by interval, then queue.
    """
    clock, step, rows = problem.clock, problem.interval_minutes, problem.forecast
    frame = pd.DataFrame({
        "interval": pd.Series([clock.minute(r.start) // step for r in rows], dtype="int64"),
        "queue": pd.Series([r.queue for r in rows], dtype=str),
        "volume": pd.Series([r.volume for r in rows], dtype="float64"),
        "aht_s": pd.Series([r.aht_s for r in rows], dtype="float64"),
    })
    return frame.sort_values(["interval", "queue"], kind="stable").reset_index(drop=True)


def no_requirements() -> pd.DataFrame:
    """Requirements of a team that plans without a forecast: no rows, the usual columns."""
    return pd.DataFrame({"interval": pd.Series(dtype="int64"), "queue": pd.Series(dtype="object"),
                         "agents": pd.Series(dtype="int64")})


def requirements(problem: Problem) -> pd.DataFrame:
    """The staffing stage: agents needed per interval and queue, from the forecast and from
    coverage.csv's headcounts.

    Every later step (the roster's solve, ``check``, the exports) takes this frame as an
    argument; nothing reads requirements from the problem itself.

    Parameters
    ----------
    problem
        The validated problem.

    Returns
    -------
    pandas.DataFrame
        See :func:`requirements_from_frame`; :func:`no_requirements` when the team has no queues
        or no forecast. A team with coverage rows gets those too (:func:`coverage_frame`);
        then every row also has ``source`` (``forecast`` or ``coverage``), ``max_agents``,
        ``min_weight`` and ``max_weight`` (nullable integers: no cap / hard). The coverage
        rule reads the forecast's rows, the headcount rule the coverage rows.
    """
    needs = (no_requirements() if not problem.queues or not problem.forecast
             else requirements_from_frame(forecast_frame(problem), problem))
    if not problem.coverage:
        return needs
    missing = pd.Series(pd.NA, index=needs.index, dtype="Int64")
    needs = needs.assign(source="forecast", max_agents=missing, min_weight=missing,
                         max_weight=missing)
    frame = pd.concat([needs, coverage_frame(problem)], ignore_index=True)
    return frame.astype({c: "Int64" for c in COVERAGE_LIMITS})


COVERAGE_LIMITS = ("max_agents", "min_weight", "max_weight")


def coverage_frame(problem: Problem) -> pd.DataFrame:
    """Headcount requirements of coverage.csv, one row per interval and queue (or ``any``).

    Returns
    -------
    pandas.DataFrame
        ``interval``, ``queue``, ``agents`` (minimum on duty), ``max_agents`` (None: no cap),
        ``min_weight`` and ``max_weight`` (per agent per interval; None: hard) and ``source``
        (``coverage``), sorted by interval and queue. Where rows overlap, the largest minimum,
        the smallest maximum and the largest weights hold. Intervals outside the horizon drop.
    """
    from scheduler.support_day import local_minute, span_intervals

    rows = []
    n = problem.clock.n_intervals
    for row in problem.coverage:
        start = local_minute(problem, row.day, row.start_minute)
        end = local_minute(problem, row.day, row.end_minute)
        rows += [(i, row.queue, row.min_agents, row.max_agents, row.min_weight, row.max_weight)
                 for i in span_intervals(problem, start, end) if 0 <= i < n]
    frame = pd.DataFrame(rows, columns=["interval", "queue", "agents", *COVERAGE_LIMITS])
    types: dict[str, Any] = {"interval": "int64", "queue": object, "agents": "int64"}
    frame = frame.astype(types | {c: "Int64" for c in COVERAGE_LIMITS})
    frame = frame.groupby(["interval", "queue"], as_index=False, sort=True).agg(
        agents=("agents", "max"), max_agents=("max_agents", "min"),
        min_weight=("min_weight", "max"), max_weight=("max_weight", "max"))
    return frame.astype({c: "Int64" for c in COVERAGE_LIMITS}).assign(source="coverage")


def headcounts(table: dict[int, dict[str, int]]) -> pd.DataFrame:
    """Requirements written by hand: ``{interval: {queue: agents}}`` as the stage's frame.

    For tests and what-if changes that state the need directly instead of through a forecast.
    """
    rows = [(interval, queue, agents) for interval, needs in sorted(table.items())
            for queue, agents in needs.items()]
    if not rows:
        return no_requirements()
    return pd.DataFrame(rows, columns=list(REQUIREMENT_COLUMNS)).astype(
        {"interval": "int64", "agents": "int64"})


def projected_service(frame_with_agents: pd.DataFrame, problem: Problem) -> pd.DataFrame:
    """Service that scheduled agents give: the inverse of :func:`requirements_from_frame`.

    Parameters
    ----------
    frame_with_agents
        Columns ``interval``, ``queue``, ``volume``, ``aht_s`` and ``scheduled`` (agents
        scheduled on the queue in the interval).
    problem
        As for :func:`requirements_from_frame`.

    Returns
    -------
    pandas.DataFrame
        A copy of the input with ``available`` (``floor(scheduled * (1 - shrinkage))``),
        ``service_level``, ``asa_s`` and ``occupancy``. Live queues use Erlang C at the available
        agents (service level 0, ASA inf when they do not exceed the traffic; occupancy capped at
        1). E-mail: occupancy = smoothed workload / available (capped at 1), service level =
        ``min(1, available / smoothed workload)``, ASA NaN. No traffic gives service level 1,
        ASA 0 and occupancy 0.
    """
    if "scheduled" not in frame_with_agents.columns:
        raise ValueError("the frame needs a 'scheduled' column (agents per interval and queue)")
    r = _rows(frame_with_agents, problem)
    traffic, aht, answer_s, work, is_async = r.traffic, r.aht, r.answer_s, r.work, r.is_async
    scheduled = frame_with_agents["scheduled"].to_numpy(dtype=np.float64)
    available = np.floor(scheduled * (1.0 - r.shrinkage) + _EPS).clip(min=0).astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        occupancy = np.where(work > 0, np.minimum(work / available, 1.0), 0.0)
        sl = np.where(work > 0, np.minimum(available / work, 1.0), 1.0)
    asa = np.full(work.size, np.nan)
    live = np.flatnonzero(~is_async)
    sl[live], asa[live] = _live_service(traffic[live], available[live], aht[live], answer_s[live])
    out = frame_with_agents.copy()
    out["available"] = available
    out["service_level"] = sl
    out["asa_s"] = asa
    out["occupancy"] = occupancy
    return out
