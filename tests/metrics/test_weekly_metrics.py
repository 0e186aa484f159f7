"""Every figure of the weekly metrics against an independent computation on a generated history.

fixtures/history.py simulates 12 weeks of the fixtures/helpdesk desk as Zendesk incremental
pages (out of order, with deleted and merged tickets and stale copies); its ``truth`` is what
really happened. The metrics read the pages through the importer; this test recomputes each
figure from the truth in plain Python (no pandas) and compares them all.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from fixtures.export_history import History, Truth
from scheduler.metrics.weekly import WeeklyMetrics
from tests.metrics.conftest import Generated

ZONE = ZoneInfo("Europe/Berlin")
GROUP_NAMES = {"360001": "Billing", "360002": "Support", "360003": "Chat team"}
AGENTS = {"9001": "ines", "9002": "jonas", "9003": "kim", "9004": "lea", "9005": "omar"}


def queue_of(t: Truth) -> str:
    """fixtures/helpdesk routing: billing group, then chat channel, else e-mail."""
    return "billing" if t.group == "360001" else "chat" if t.channel == "chat" else "email"


def member(t: Truth, dimension: str) -> str:
    return {"all": "all", "queue": queue_of(t), "group": GROUP_NAMES[t.group],
            "channel": t.channel}[dimension]


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (NumPy's default), by hand."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def expected(truth: list[Truth], start: datetime, end: datetime) -> dict[tuple[str, str, str],
                                                                          float]:
    """Every figure of one week from the truth: (dimension, member, figure) → value."""
    found: dict[tuple[str, str, str], float] = {}
    for dimension in ("all", "queue", "group", "channel"):
        groups: dict[str, list[Truth]] = defaultdict(list)
        for t in truth:
            groups[member(t, dimension)].append(t)
        for name, mine in groups.items():
            for figure, value in week_figures(mine, start, end).items():
                found[(dimension, name, figure)] = value
    return found


def share(part: int, whole: int) -> float:
    return part / whole if whole else float("nan")


def week_figures(mine: list[Truth], start: datetime, end: datetime) -> dict[str, float]:
    created = [t for t in mine if start <= t.created < end]
    solved = [t for t in mine if t.solved is not None and start <= t.solved < end]
    out = {"created": len(created), "solved": len(solved),
           "resolution_rate": share(sum(1 for t in created if t.solved and t.solved < end),
                                    len(created))}
    for when, moment in (("start", start), ("end", end)):
        waiting = [t for t in mine if t.created < moment
                   and (t.solved is None or t.solved >= moment)]
        out[f"backlog_{when}"] = len(waiting)
        ages = Counter()
        for t in waiting:
            days = (moment - t.created) / timedelta(days=1)
            ages["under_1d" if days < 1 else "1_3d" if days < 3 else "3_7d" if days < 7
                 else "over_7d"] += 1
        for bucket in ("under_1d", "1_3d", "3_7d", "over_7d"):
            out[f"backlog_{when}_{bucket}"] = ages[bucket]
    replies = [float(t.first_reply_minutes) for t in created if t.first_reply_minutes is not None]
    business = [float(t.first_reply_business) for t in created
                if t.first_reply_business is not None]
    spent = [t.resolution_minutes for t in solved if t.resolution_minutes is not None]
    for name, values in (("first_reply", replies), ("first_reply_business", business),
                         ("resolution", spent)):
        out[f"{name}_median"] = percentile(values, 0.5)
        out[f"{name}_p90"] = percentile(values, 0.9)
    out["one_touch_rate"] = share(sum(1 for t in solved if t.replies == 1), len(solved))
    out["reopened"] = sum(1 for t in solved if t.reopens > 0)
    for metric in ("first_reply_time", "requester_wait_time"):
        achieved = sum(1 for t in created if t.sla.get(metric) == "achieved")
        breached = sum(1 for t in created if t.sla.get(metric) == "breached")
        out[f"sla_{metric}_achieved"] = achieved
        out[f"sla_{metric}_breached"] = breached
        out[f"sla_{metric}_rate"] = share(achieved, achieved + breached)
    return out


@pytest.fixture(scope="module")
def run(generated: Generated) -> tuple[History, WeeklyMetrics]:
    history = generated.history
    assert generated.skipped == {"deleted": history.deleted, "merged": history.merged,
                                 "older copy of a ticket": history.stale + history.deleted}
    return history, generated.metrics


def test_the_generator_makes_what_real_exports_hold(run) -> None:
    history, _ = run
    assert history.deleted > 10 and history.merged > 10 and history.stale > 50
    names = list(history.pages)
    assert sorted(names) != names  # file names are not in the order of the pages
    assert any(t.reopens for t in history.truth)
    assert any(t.sla.get("first_reply_time") == "breached" for t in history.truth)


def test_every_figure_equals_an_independent_computation(run) -> None:
    history, metrics = run
    assert len(metrics.weeks) == 12
    compared = 0
    previous: dict[tuple[str, str, str], float] = {}
    before = metrics.weeks[0]
    first = expected(history.truth, before.start - timedelta(weeks=1), before.start)
    for week in metrics.weeks:
        want = expected(history.truth, week.start.to_pydatetime(), week.end.to_pydatetime())
        rows = metrics.figures[metrics.figures["week"] == week.label]
        got = {(d, m, f): (v, p) for d, m, f, v, p in zip(
            rows["dimension"], rows["member"], rows["figure"], rows["value"], rows["previous"],
            strict=True)}
        for key, value in want.items():
            if key not in got:  # a member with no ticket at all in the history is not listed
                assert value == 0 or value != value, key
                continue
            assert got[key][0] == pytest.approx(value, nan_ok=True), (week.label, key)
            earlier = (previous or first).get(key, float("nan") if "rate" in key[2]
                                              or "median" in key[2] or "p90" in key[2] else 0)
            assert got[key][1] == pytest.approx(earlier, nan_ok=True), (week.label, key)
            compared += 1
        previous = want
    assert compared > 12 * 200


def test_solved_per_agent_and_last_week_views(run) -> None:
    history, metrics = run
    week = metrics.weeks[-1]
    start, end = week.start.to_pydatetime(), week.end.to_pydatetime()
    solved = Counter(AGENTS[t.assignee] if t.assignee else "(unassigned)"
                     for t in history.truth if t.solved and start <= t.solved < end)
    rows = metrics.agents[metrics.agents["week"] == week.label]
    assert {a: int(s) for a, s in zip(rows["agent"], rows["solved"], strict=True) if s} == solved
    created = [t for t in history.truth if start <= t.created < end]
    hours = Counter((t.created.astimezone(ZONE).weekday(), t.created.astimezone(ZONE).hour)
                    for t in created)
    grid = {(d, h): c for d, h, c in zip(metrics.volume["weekday"], metrics.volume["hour"],
                                          metrics.volume["created"], strict=True)}
    assert {k: v for k, v in grid.items() if v} == dict(hours)
    days = Counter((queue_of(t), t.created.astimezone(ZONE).date()) for t in created)
    daily = {(q, d): c for q, d, c in zip(metrics.daily["queue"], metrics.daily["date"],
                                          metrics.daily["created"], strict=True)}
    assert {k: v for k, v in daily.items() if v} == dict(days)
