"""Weekly support metrics from the ticket history, per queue, group and channel.

For each week (team time zone, Monday to Monday) and each member of a dimension (``all``,
``queue``, ``group``, ``channel``), :func:`weekly_metrics` computes:

- ``created``, ``solved``: tickets created / solved in the week;
- ``resolution_rate``: share of the week's created tickets solved before the week ended;
- ``backlog_start``, ``backlog_end`` and by age (``_under_1d``, ``_1_3d``, ``_3_7d``,
  ``_over_7d``): tickets created before that moment and not yet solved;
- ``first_reply_median`` / ``_p90`` (tickets created in the week that had a first reply) and
  ``resolution_median`` / ``_p90`` (tickets solved in the week), in minutes, calendar time, and
  ``_business`` ones where the history has business minutes; percentiles interpolate linearly
  between the closest ranks;
- ``one_touch_rate``: share of the week's solved tickets solved with exactly one reply;
- ``reopened``: tickets solved in the week that were reopened at least once;
- ``sla_<metric>_achieved`` / ``_breached`` / ``_rate`` for tickets created in the week.

Every figure has the previous week's value and the change beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from scheduler.errors import Problems
from scheduler.metrics.history import SLA_PREFIX, sla_metrics
from scheduler.metrics.weeks import Week, monday_of, weeks_back

DIMENSIONS = ("all", "queue", "group", "channel")
NONE = "(none)"
AGE_BUCKETS = (("under_1d", 0.0, 1.0), ("1_3d", 1.0, 3.0), ("3_7d", 3.0, 7.0),
               ("over_7d", 7.0, float("inf")))
FIGURE_COLUMNS = ("week", "dimension", "member", "figure", "value", "previous", "change")


@dataclass(frozen=True)
class WeeklyMetrics:
    """The weekly report's figures.

    Attributes
    ----------
    weeks
        The weeks shown, oldest first; the last is the week asked for.
    figures
        Long table: ``week, dimension, member, figure, value, previous, change``.
    agents
        Tickets solved per agent: ``week, agent, solved, previous, change``.
    volume
        Tickets created in the last week by local ``weekday`` (0 = Monday) and ``hour``.
    daily
        Tickets created in the last week per ``queue`` and local ``date``.
    times
        The last week's tickets with ``queue``, ``first_reply_minutes`` and
        ``resolution_minutes`` (for the distributions).
    """

    weeks: tuple[Week, ...]
    figures: pd.DataFrame
    agents: pd.DataFrame
    volume: pd.DataFrame
    daily: pd.DataFrame
    times: pd.DataFrame

    def value(self, figure: str, *, week: str | None = None, dimension: str = "all",
              member: str = "all") -> float:
        """One figure (NaN when it has no value), by default for the last week, all tickets."""
        label = week or self.weeks[-1].label
        f = self.figures
        rows = f[(f["week"] == label) & (f["dimension"] == dimension) & (f["member"] == member)
                 & (f["figure"] == figure)]
        return float(rows["value"].iloc[0]) if len(rows) else float("nan")


def figure_names(history: pd.DataFrame) -> list[str]:
    """The figures computed for this history, in report order."""
    names = ["created", "solved", "resolution_rate"]
    for when in ("start", "end"):
        names += [f"backlog_{when}"] + [f"backlog_{when}_{b}" for b, _, _ in AGE_BUCKETS]
    for kind in ("first_reply", "resolution"):
        names += [f"{kind}_median", f"{kind}_p90"]
        if history[f"{kind}_business_minutes"].notna().any():
            names += [f"{kind}_business_median", f"{kind}_business_p90"]
    names += ["one_touch_rate", "reopened"]
    for metric in sla_metrics(history):
        names += [f"sla_{metric}_achieved", f"sla_{metric}_breached", f"sla_{metric}_rate"]
    return names


def choose_weeks(history: pd.DataFrame, monday: object, count: int, zone: ZoneInfo,
                 problems: Problems) -> list[Week]:
    """The ``count`` weeks ending with the week of ``monday`` (default: the week of the newest
    ticket); a problem when that week is outside the history."""
    if history.empty:
        problems.add("--tickets", "the export holds no ticket to measure",
                     "export the tickets of the weeks to report on")
        return []
    first, last = history["created"].min(), history["created"].max()
    solved = history["solved"].max()
    if pd.notna(solved):
        last = max(last, solved)
    chosen = monday if monday is not None else monday_of(last, zone)
    weeks = weeks_back(chosen, count, zone)  # type: ignore[arg-type]
    if weeks[-1].end <= first or weeks[-1].start > last:
        span = f"{first.tz_convert(zone):%Y-%m-%d} to {last.tz_convert(zone):%Y-%m-%d}"
        problems.add("--week", f"week {weeks[-1].label} is outside the history ({span})",
                     "choose a week the export covers", value=weeks[-1].label)
        return []
    return weeks


def weekly_metrics(history: pd.DataFrame, weeks: Sequence[Week], zone: ZoneInfo) -> WeeklyMetrics:
    """Every figure for ``weeks`` (and the week before the first, for its change).

    Parameters
    ----------
    history
        A frame from :func:`scheduler.metrics.history.normalise_history`.
    weeks
        Consecutive weeks, oldest first (:func:`choose_weeks`).
    zone
        The team's time zone (weeks, days and hours are local).
    """
    frame = history.copy()
    for column in ("queue", "group", "channel"):
        frame[column] = frame[column].replace("", NONE)
    frame["all"] = "all"
    before = weeks_back(weeks[0].monday, 2, zone)[0]
    shown = [before, *weeks]
    names = figure_names(history)
    columns = _Columns(frame)
    parts = [_week_figures(columns, week, names) for week in shown]
    figures = _with_change(pd.concat(parts, ignore_index=True),
                           ["dimension", "member", "figure"], "value", shown)
    agents = _with_change(pd.concat([_agents(frame, w) for w in shown], ignore_index=True),
                          ["agent"], "solved", shown)
    last = weeks[-1]
    return WeeklyMetrics(tuple(weeks), figures, agents, *_last_week(frame, last, zone))


class _Columns:
    """The history as NumPy arrays, and each dimension's members as integer codes."""

    def __init__(self, frame: pd.DataFrame):
        self.created = frame["created"].to_numpy(dtype="datetime64[ns]")
        solved = frame["solved"].dt.tz_convert(None).to_numpy(dtype="datetime64[ns]")
        self.solved = solved
        self.has_solved = ~np.isnat(solved)
        self.values = {c: frame[c].to_numpy(dtype=float) for c in frame.columns
                       if c.endswith("_minutes") or c in ("replies", "reopens")}
        self.sla = {c[len(SLA_PREFIX):]: frame[c].to_numpy(dtype=str) for c in frame.columns
                    if c.startswith(SLA_PREFIX)}
        self.keys: dict[str, tuple[np.ndarray, list[str]]] = {}
        for dimension in DIMENSIONS:
            codes, members = pd.factorize(frame[dimension], sort=True)
            self.keys[dimension] = (codes, [str(m) for m in members])

    def between(self, times: np.ndarray, week: Week) -> np.ndarray:
        """Which times fall in the week."""
        start, end = _moment(week.start), _moment(week.end)
        return (times >= start) & (times < end)


def _moment(stamp: pd.Timestamp) -> np.datetime64:
    return stamp.tz_convert("UTC").tz_localize(None).to_datetime64()


def _with_change(table: pd.DataFrame, keys: list[str], value: str,
                 shown: list[Week]) -> pd.DataFrame:
    order = {w.label: i for i, w in enumerate(shown)}
    table = table.assign(_order=table["week"].map(order))
    previous = table.assign(_order=table["_order"] + 1)[keys + ["_order", value]]
    merged = table.merge(previous.rename(columns={value: "previous"}), how="left",
                         on=keys + ["_order"])
    merged["change"] = merged[value] - merged["previous"]
    merged = merged[merged["week"] != shown[0].label]
    return merged.drop(columns="_order").reset_index(drop=True)


def _week_figures(c: _Columns, week: Week, names: list[str]) -> pd.DataFrame:
    created = c.between(c.created, week)
    solved = c.has_solved & c.between(c.solved, week)
    rows = []
    for dimension in DIMENSIONS:
        codes, members = c.keys[dimension]
        table: dict[str, np.ndarray] = {}
        count = _counter(codes, len(members))
        _counts(table, c, count, created, solved, week)
        _times(table, c, codes, len(members), created, solved)
        _sla(table, c, count, created)
        frame = pd.DataFrame(table, index=pd.Index(members, name="member"))
        long = frame.reindex(columns=names).reset_index().melt(
            id_vars="member", var_name="figure", value_name="value")
        long.insert(0, "dimension", dimension)
        rows.append(long)
    out = pd.concat(rows, ignore_index=True)
    out.insert(0, "week", week.label)
    return out


def _counter(codes: np.ndarray, size: int) -> Any:
    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(codes[mask], minlength=size).astype(float)
    return count


def _share(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(whole > 0, part / np.where(whole > 0, whole, 1), np.nan)


def _counts(table: dict[str, np.ndarray], c: _Columns, count: Any, created: np.ndarray,
            solved: np.ndarray, week: Week) -> None:
    table["created"] = count(created)
    table["solved"] = count(solved)
    end = _moment(week.end)
    done = created & c.has_solved & (c.solved < end)
    table["resolution_rate"] = _share(count(done), table["created"])
    for when, stamp in (("start", week.start), ("end", week.end)):
        moment = _moment(stamp)
        waiting = (c.created < moment) & ~(c.has_solved & (c.solved < moment))
        table[f"backlog_{when}"] = count(waiting)
        age = (moment - c.created).astype("timedelta64[s]").astype(float) / 86400
        for bucket, low, high in AGE_BUCKETS:
            table[f"backlog_{when}_{bucket}"] = count(waiting & (age >= low) & (age < high))
    replies = c.values["replies"]
    known = solved & ~np.isnan(replies)
    table["one_touch_rate"] = _share(count(known & (replies == 1)), count(known))
    table["reopened"] = count(solved & (np.nan_to_num(c.values["reopens"]) > 0))


def _times(table: dict[str, np.ndarray], c: _Columns, codes: np.ndarray, size: int,
           created: np.ndarray, solved: np.ndarray) -> None:
    for kind, mask in (("first_reply", created), ("resolution", solved)):
        for suffix, column in (("", f"{kind}_minutes"), ("_business", f"{kind}_business_minutes")):
            values = c.values[column]
            keep = mask & ~np.isnan(values)
            series = pd.Series(values[keep]).groupby(codes[keep])
            for name, q in (("median", 0.5), ("p90", 0.9)):
                table[f"{kind}{suffix}_{name}"] = series.quantile(q).reindex(
                    range(size)).to_numpy(dtype=float)


def _sla(table: dict[str, np.ndarray], c: _Columns, count: Any, created: np.ndarray) -> None:
    for metric, outcome in c.sla.items():
        achieved = count(created & (outcome == "achieved"))
        breached = count(created & (outcome == "breached"))
        table[f"sla_{metric}_achieved"] = achieved
        table[f"sla_{metric}_breached"] = breached
        table[f"sla_{metric}_rate"] = _share(achieved, achieved + breached)


def _agents(frame: pd.DataFrame, week: Week) -> pd.DataFrame:
    solved = frame["solved"].between(week.start, week.end, inclusive="left")
    agent = frame["agent"].replace("", "(unassigned)")
    counts = solved.groupby(agent).sum().astype(float)
    return pd.DataFrame({"week": week.label, "agent": counts.index, "solved": counts.values})


def _last_week(frame: pd.DataFrame, week: Week,
               zone: ZoneInfo) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    mine = frame[frame["created"].between(week.start, week.end, inclusive="left")]
    local = mine["created"].dt.tz_convert(zone)
    grid = pd.MultiIndex.from_product([range(7), range(24)], names=["weekday", "hour"])
    volume = (local.groupby([local.dt.day_of_week.rename("weekday"), local.dt.hour.rename("hour")])
              .size().reindex(grid, fill_value=0).rename("created").reset_index())
    days = pd.date_range(week.monday, periods=7, freq="D").date
    daily = (mine.groupby([mine["queue"], local.dt.date.rename("date")]).size()
             .rename("created").reset_index())
    index = pd.MultiIndex.from_product([sorted(frame["queue"].unique()), days],
                                       names=["queue", "date"])
    daily = daily.set_index(["queue", "date"]).reindex(index, fill_value=0).reset_index()
    solved = frame[frame["solved"].between(week.start, week.end, inclusive="left")]
    times = pd.concat([
        mine[["queue", "first_reply_minutes"]].assign(resolution_minutes=np.nan),
        solved[["queue", "resolution_minutes"]].assign(first_reply_minutes=np.nan)],
        ignore_index=True)
    return volume, daily, times
