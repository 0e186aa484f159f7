"""Reading the history: counts per interval, the ticket CSV, JSON exports, and bad input."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.errors import Problems
from scheduler.forecast.history import read_counts, read_history, read_ticket_table
from scheduler.forecast.settings import ForecastSettings
from scheduler.tickets.policy import RoutingRule, TicketPolicy

QUEUES = ("phone", "chat", "email")
ZONE = "Europe/Berlin"
POLICY = TicketPolicy(routing=(RoutingRule(group="77", queue="phone"),
                               RoutingRule(channel="chat", queue="chat"),
                               RoutingRule(tag="vip", queue="phone"),
                               RoutingRule(channel="email", queue="email")))


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_counts_per_interval_become_events(tmp_path: Path) -> None:
    path = write(tmp_path / "counts.csv", "interval_start,queue,contacts,handle_seconds\n"
                 "2026-11-02 09:00,phone,12,300\n"
                 "2026-11-02T09:30+01:00,chat,3,\n")
    problems = Problems()
    events = read_counts(path, QUEUES, ZONE, problems)
    assert not problems.items
    assert events["local"].tolist() == [pd.Timestamp("2026-11-02 09:00"),
                                         pd.Timestamp("2026-11-02 09:30")]
    assert events["contacts"].tolist() == [12, 3]
    assert events["handle_s"].tolist() == [3600, 0]  # 12 × 300 s; chat has none
    assert events["handled"].tolist() == [12, 0]


def test_a_time_with_an_offset_is_read_in_the_team_zone(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "interval_start,queue,contacts\n"
                 "2026-11-02T08:00Z,phone,1\n")
    events = read_counts(path, QUEUES, ZONE, Problems())
    assert events["local"].tolist() == [pd.Timestamp("2026-11-02 09:00")]  # CET = UTC+1


def test_bad_counts_name_row_and_column(tmp_path: Path) -> None:
    path = write(tmp_path / "counts.csv", "interval_start,queue,contacts\n"
                 "2026-11-02 09:00,phone,12\n"
                 "yesterday,phone,3\n"
                 "2026-11-02 10:00,sales,3\n"
                 "2026-11-02 10:30,chat,-2\n")
    problems = Problems()
    events = read_counts(path, QUEUES, ZONE, problems)
    found = {(p.row, p.column) for p in problems.items}
    assert found == {(3, "interval_start"), (4, "queue"), (5, "contacts")}
    assert all(p.file == "counts.csv" and p.fix for p in problems.items)
    assert events["contacts"].tolist() == [12]


def test_tickets_are_routed_and_what_is_not_demand_is_left_out(tmp_path: Path) -> None:
    path = write(tmp_path / "tickets.csv",
                 "ticket_id,created_at,status,channel,group_id,tags,cf_time_spent\n"
                 "1,2026-11-02 09:10,closed,email,77,,120\n"      # group 77 → phone
                 "2,2026-11-02 09:20,solved,chat,,,60\n"          # chat
                 "3,2026-11-02 09:40,open,web,,vip;x,\n"          # tag vip → phone
                 "4,2026-11-02 09:50,deleted,chat,,,\n"           # not demand
                 "5,2026-11-02 10:00,spam,chat,,,\n"              # not demand
                 "6,2026-11-02 10:05,closed,chat,,closed_by_merge,\n"  # merged
                 "7,2026-11-02 10:10,closed,web,,,\n")            # no rule matches
    problems, skipped = Problems(), Counter[str]()
    settings = ForecastSettings(handle_time_field="cf_time_spent", handle_time_unit="minutes")
    events = read_ticket_table(path, QUEUES, ZONE, POLICY, settings, problems, skipped)
    assert not problems.items
    assert events["queue"].tolist() == ["phone", "chat", "phone"]
    assert events["handle_s"].tolist() == [7200, 3600, 0]
    assert skipped == Counter({"deleted": 1, "spam": 1, "merged": 1,
                               "no routing rule matches": 1})


def test_a_zendesk_export_is_read_through_the_ticket_importer(tmp_path: Path) -> None:
    tickets = [{"id": 1, "created_at": "2026-11-02T08:10:00Z", "status": "closed",
                "via": {"channel": "chat"}, "tags": []},
               {"id": 2, "created_at": "2026-11-02T08:20:00Z", "status": "solved",
                "via": {"channel": "email"}, "tags": ["closed_by_merge"]},
               {"id": 3, "created_at": "2026-11-02T08:30:00Z", "status": "deleted",
                "via": {"channel": "chat"}, "tags": []}]
    path = write(tmp_path / "export.json", json.dumps({"tickets": tickets}))
    problems = Problems()
    events = read_history([path], QUEUES, ZONE, POLICY, ForecastSettings(), problems)
    assert not problems.items
    assert events.table["queue"].tolist() == ["chat"]
    assert events.table["local"].tolist() == [pd.Timestamp("2026-11-02 09:10")]
    assert events.skipped == Counter({"merged": 1, "deleted": 1})
    assert events.files == [("export.json", "zendesk")]


def test_an_export_of_the_wrong_kind_is_a_problem(tmp_path: Path) -> None:
    path = write(tmp_path / "agents.csv", "agent,name,skills\nana,Ana,phone\n")
    problems = Problems()
    events = read_history([path], QUEUES, ZONE, POLICY, ForecastSettings(), problems)
    [problem] = problems.items
    assert problem.file == "agents.csv" and "neither a ticket export" in problem.message
    assert "interval_start, queue, contacts" in problem.message and problem.fix
    assert events.table.empty


COUNTS = st.one_of(st.integers(0, 50).map(lambda n: (str(n), float(n))),
                   st.sampled_from([("3.5", 3.5), (" 7 ", 7.0), ("-2", None), ("", None),
                                    ("x", None), ("nan", None), ("-0.5", None)]))
TIMES = st.one_of(
    st.datetimes(min_value=pd.Timestamp("2026-01-01").to_pydatetime(),
                 max_value=pd.Timestamp("2026-12-31").to_pydatetime()).map(
        lambda d: (f"{d:%Y-%m-%d %H:%M}", True)),
    st.sampled_from([("", False), ("2026-13-01 10:00", False), ("10:00", False),
                     ("2026-11-02T09:00+01:00", True), ("soon", False)]))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(TIMES, st.sampled_from([*QUEUES, "sales", ""]), COUNTS),
                     max_size=10))
def test_the_counts_reader_keeps_exactly_the_good_rows(
        tmp_path: Path, rows: list[tuple[tuple[str, bool], str, tuple[str, float | None]]]
) -> None:
    path = tmp_path / "h.csv"
    lines = ["interval_start,queue,contacts"] + [f"{t},{q},{c}" for (t, _), q, (c, _) in rows]
    path.write_text("\n".join(lines) + "\n")
    problems = Problems()
    events = read_counts(path, QUEUES, ZONE, problems)
    bad_rows = {p.row for p in problems.items}
    good = [number for (_, when_ok), queue, (_, number) in rows
            if when_ok and queue in QUEUES and number is not None]
    expected_bad = {line for line, ((_, when_ok), queue, (_, number)) in enumerate(rows, 2)
                    if not (when_ok and queue in QUEUES and number is not None)}
    assert bad_rows == expected_bad
    assert sorted(events["contacts"].tolist()) == sorted(good)
    assert all(p.file == "h.csv" and p.column and p.fix for p in problems.items)
