"""Ticket readers on tiny hand-written exports: every field mapping, pagination, bad input.

The Zendesk and Freshdesk payloads follow their public API documentation (Tickets API,
incremental export pages with ``after_cursor``/``end_of_stream``, ``include=slas`` and
``include=metric_sets``; Freshdesk's integer codes, ``fr_due_by``/``due_by``, ``stats``).
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scheduler.domain import Problem
from scheduler.errors import TeamFolderError
from scheduler.load import load_team
from scheduler.tickets import TicketLoad, load_tickets
from scheduler.tickets.policy import TicketPolicy, read_ticket_policy

HELPDESK = Path(__file__).resolve().parents[1] / "fixtures" / "helpdesk"
HEADER = ("ticket_id,created_at,status,priority,type,channel,group_id,assignee_id,tags,"
          "first_response_due_at,due_at,effort_minutes,responded,cf_product\n")


@pytest.fixture(scope="module")
def team() -> tuple[Problem, TicketPolicy]:
    problem = load_team(HELPDESK)
    return problem, read_ticket_policy(HELPDESK, problem)


def read(tmp_path: Path, name: str, content: str | object, team: tuple[Problem, TicketPolicy],
         fmt: str | None = None) -> TicketLoad:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content),
                    encoding="utf-8")
    return load_tickets(path, *team, fmt)  # type: ignore[arg-type]


def problems_of(call) -> list[str]:
    with pytest.raises(TeamFolderError) as caught:
        call()
    return [str(p) for p in caught.value.problems]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


# --------------------------------------------------------------------------------------------
# CSV


def test_csv_maps_every_field(tmp_path, team) -> None:
    rows = [
        "1,2026-11-30 08:00,open,urgent,incident,email,,,,2026-11-30 09:00,,,,",
        "2,2026-11-30 08:00,new,low,,web,360001,9002,,,,,,",
        "3,2026-11-30T07:00Z,open,normal,problem,email,,kim,vip;x,,2026-11-30 18:00,,yes,",
        "4,2026-11-30 08:00,open,high,,email,,,,2026-11-30 10:00,2026-11-30 17:00,7.2,no,invoices",
        "5,2026-11-30 08:00,open,,,chat,,,,,,,,",
    ]
    load = read(tmp_path, "t.csv", HEADER + "\n".join(rows) + "\n", team)
    by_id = {t.id: t for t in load.tickets}
    assert [t.id for t in load.tickets] == ["1", "2", "3", "4", "5"]
    one, two, three, four, five = (by_id[str(i)] for i in range(1, 6))
    assert (one.queue, one.tier, one.priority, one.effort_minutes) == ("email", 1, "urgent", 18)
    assert one.due == utc("2026-11-30T09:00+01:00") and one.due_kind == "first_response"
    assert (two.queue, two.tier, two.assignee) == ("billing", 2, "jonas")  # group rule; id map
    assert two.effort_minutes == 15  # billing 20 × low 0.75
    # no due given: no SLA target runs, and none is made up
    assert two.due is None
    assert (three.queue, three.tier, three.assignee) == ("email", 2, "kim")  # vip tag rule
    assert three.effort_minutes == 24  # problem type × 2
    assert three.created == utc("2026-11-30T07:00+00:00")
    assert three.due_kind == "resolution"  # responded: the resolution target applies
    assert (four.queue, four.effort_minutes, four.due_kind) == ("billing", 8, "first_response")
    assert (five.queue, five.priority) == ("chat", "normal")


def test_csv_skips_closed_statuses_and_counts_them(tmp_path, team) -> None:
    rows = ["1,2026-11-30 08:00,solved,,,,,,,,,,,", "2,2026-11-30 08:00,pending,,,,,,,,,,,",
            "3,2026-11-30 08:00,hold,,,,,,,,,,,", "4,2026-11-30 08:00,,,,,,,,,,,,"]
    load = read(tmp_path, "t.csv", HEADER + "\n".join(rows) + "\n", team)
    assert [t.id for t in load.tickets] == ["4"]
    assert load.skipped == {"status solved": 1, "status pending": 1, "status on_hold": 1}


def test_csv_warns_per_ticket_for_an_assignee_off_the_team(tmp_path, team) -> None:
    load = read(tmp_path, "t.csv", HEADER + "1,2026-11-30 08:00,,,,,,777,,,,,,\n", team)
    assert load.tickets[0].assignee is None
    assert len(load.warnings) == 1
    assert "t.csv, row 2" in str(load.warnings[0]) and "777" in str(load.warnings[0])


def test_csv_bad_cells_name_file_row_and_column(tmp_path, team) -> None:
    rows = ["1,2026-11-30 25:00,,,,,,,,,,,,", "2,2026-11-30 08:00,,critical,,,,,,,,,,",
            "3,2026-11-30 08:00,,,,,,,,,,-5,,", "3,2026-11-30 08:00,,,,,,,,,,,,",
            "3,2026-11-30 08:00,,,,,,,,,,,,", ",2026-11-30 08:00,,,,,,,,,,,,"]
    found = problems_of(lambda: read(tmp_path, "t.csv", HEADER + "\n".join(rows) + "\n", team))
    assert any(p.startswith("t.csv, row 2, column created_at") for p in found)
    assert any(p.startswith("t.csv, row 3, column priority") for p in found)
    assert any(p.startswith("t.csv, row 4, column effort_minutes") for p in found)
    assert any(p.startswith("t.csv, row 6, column ticket_id") and "twice" in p for p in found)
    assert any(p.startswith("t.csv, row 7, column ticket_id") for p in found)


def test_csv_missing_column_and_unknown_queue(tmp_path, team) -> None:
    found = problems_of(lambda: read(tmp_path, "t.csv", "ticket_id\n1\n", team))
    assert found == [f for f in found if "created_at" in f] and found
    found = problems_of(lambda: read(tmp_path, "u.csv", "ticket_id,created_at,queue\n"
                                     "1,2026-11-30 08:00,fax\n", team))
    assert found[0].startswith("u.csv, row 2, column queue") and "fax" in found[0]


def test_csv_ticket_no_rule_matches_is_counted(tmp_path, team) -> None:
    problem, policy = team
    strict = policy.model_copy(update={"routing": policy.routing[:1]})
    path = tmp_path / "t.csv"
    path.write_text(HEADER + "1,2026-11-30 08:00,,,,email,,,,,,,,\n", encoding="utf-8")
    load = load_tickets(path, problem, strict)
    assert load.tickets == () and load.skipped == {"no routing rule matches": 1}
    assert "no routing rule matches" in str(load.warnings[0])


# --------------------------------------------------------------------------------------------
# Zendesk

ZENDESK_PAGE_1 = {
    "tickets": [
        {"id": 35436, "created_at": "2026-11-30T07:30:00Z", "updated_at": "2026-11-30T07:40:00Z",
         "status": "open", "priority": "high", "type": "incident",
         "via": {"channel": "email"}, "group_id": 98738, "assignee_id": 9001,
         "tags": ["enterprise"], "custom_fields": [{"id": 27642, "value": "745"}],
         "slas": {"policy_metrics": [
             {"breach_at": "2026-11-30T08:30:00Z", "stage": "active",
              "metric": "first_reply_time", "hours": 1, "minutes": 0, "days": 0}]}},
        {"id": 35437, "created_at": "2026-11-30T08:00:00", "status": "new", "priority": None,
         "type": None, "via": {"channel": "web"}, "group_id": None, "assignee_id": None,
         "tags": [], "custom_fields": [], "due_at": None},
    ],
    "after_cursor": "MTU3", "end_of_stream": False,
}
ZENDESK_PAGE_2 = {
    "tickets": [
        {"id": 35436, "created_at": "2026-11-30T07:30:00Z", "status": "open",
         "updated_at": "2026-11-30T08:10:00Z", "priority": "urgent", "via": {"channel": 4},
         "group_id": 360001,
         "slas": {"policy_metrics": [
             {"breach_at": "2026-11-30T08:30:00Z", "stage": "achieved",
              "metric": "first_reply_time"},
             {"breach_at": "2026-11-30T11:00:00Z", "stage": "active",
              "metric": "next_reply_time"}]}},
        {"id": 35438, "created_at": "2026-11-30T08:10:00+01:00", "status": "solved",
         "priority": "low", "via": {"channel": "chat"}},
    ],
    "metric_sets": [{"ticket_id": 35436, "replies": 2,
                     "reply_time_in_minutes": {"calendar": 30, "business": 30}}],
    "end_of_stream": True,
}


def test_zendesk_maps_fields_and_reads_paginated_files(tmp_path, team) -> None:
    pages = tmp_path / "export"
    pages.mkdir()
    (pages / "page-1.json").write_text(json.dumps(ZENDESK_PAGE_1), encoding="utf-8")
    (pages / "page-2.json").write_text(json.dumps(ZENDESK_PAGE_2), encoding="utf-8")
    load = load_tickets(pages, *team, "zendesk")
    by_id = {t.id: t for t in load.tickets}
    assert sorted(by_id) == ["35436", "35437"]
    later = by_id["35436"]  # page 2 wins: urgent, billing group, replied → next reply target
    assert (later.priority, later.queue, later.tier) == ("urgent", "billing", 2)
    assert later.due == utc("2026-11-30T11:00:00+00:00") and later.due_kind == "resolution"
    assert later.assignee is None  # page 2 has no assignee
    plain = by_id["35437"]
    assert (plain.priority, plain.queue) == ("normal", "email")  # null priority
    assert plain.created == datetime(2026, 11, 30, 8, tzinfo=team[0].clock.zone)  # no zone
    assert load.skipped == {"status solved": 1, "older copy of a ticket": 1}
    texts = [str(w) for w in load.warnings]
    assert any("tickets[1].created_at" in t and "without a time zone" in t for t in texts)


def test_zendesk_one_file_first_reply_sla_and_assignee(tmp_path, team) -> None:
    load = read(tmp_path, "one.json", {"tickets": ZENDESK_PAGE_1["tickets"][:1]}, team)
    only = load.tickets[0]
    assert (only.id, only.priority, only.queue, only.assignee) == ("35436", "high", "email",
                                                                   "ines")
    assert only.due == utc("2026-11-30T08:30:00+00:00") and only.due_kind == "first_response"
    single = read(tmp_path, "single.json", {"ticket": ZENDESK_PAGE_1["tickets"][0]}, team)
    assert single.tickets[0].id == "35436"


def test_zendesk_custom_field_rule(tmp_path, team) -> None:
    problem, policy = team
    from scheduler.tickets.policy import RoutingRule

    custom = policy.model_copy(update={"routing": (
        RoutingRule(field="27642", value="745", queue="billing"), *policy.routing)})
    path = tmp_path / "z.json"
    path.write_text(json.dumps({"tickets": ZENDESK_PAGE_1["tickets"][:1]}), encoding="utf-8")
    assert load_tickets(path, problem, custom, "zendesk").tickets[0].queue == "billing"


def test_zendesk_bad_tickets_name_the_json_path(tmp_path, team) -> None:
    doc = {"tickets": [{"id": 1, "status": "open"},
                       {"id": 2, "created_at": "yesterday"},
                       {"id": 3, "created_at": "2026-11-30T08:00:00Z", "priority": "critical"},
                       {"id": True, "created_at": "2026-11-30T08:00:00Z"}, "junk"]}
    found = problems_of(lambda: read(tmp_path, "bad.json", doc, team, "zendesk"))
    assert any("key tickets[0].created_at" in p and "missing" in p for p in found)
    assert any("key tickets[1].created_at" in p and "not a timestamp" in p for p in found)
    assert any("key tickets[2].priority" in p and "critical" in p for p in found)
    assert any("key tickets[3].id" in p for p in found)
    assert any("key tickets[4]" in p for p in found)
    assert all(p.startswith("bad.json") for p in found)


def test_not_json_and_no_tickets(tmp_path, team) -> None:
    found = problems_of(lambda: read(tmp_path, "cut.json", '{"tickets": [', team, "zendesk"))
    assert found[0].startswith("cut.json, row 1") and "not valid JSON" in found[0]
    found = problems_of(lambda: read(tmp_path, "empty.json", {"count": 0}, team, "zendesk"))
    assert "holds an object without tickets, not tickets" in found[0]


# --------------------------------------------------------------------------------------------
# Freshdesk

FRESHDESK = [
    {"id": 20, "created_at": "2026-11-30T07:00:00Z", "updated_at": "2026-11-30T07:10:00Z",
     "status": 2, "priority": 4, "source": 1, "type": "Problem", "group_id": None,
     "responder_id": 9005, "tags": [], "custom_fields": {"cf_product": "invoices"},
     "fr_due_by": "2026-11-30T09:00:00Z", "due_by": "2026-12-01T07:00:00Z",
     "fr_escalated": False, "is_escalated": False},
    {"id": 21, "created_at": "2026-11-30T07:30:00Z", "status": 2, "priority": 1, "source": 7,
     "type": None, "group_id": 5000, "responder_id": None, "custom_fields": {},
     "fr_due_by": "2026-11-30T08:30:00Z", "due_by": "2026-11-30T15:00:00Z",
     "stats": {"first_responded_at": "2026-11-30T07:35:00Z"}},
    {"id": 22, "created_at": "2026-11-30T07:30:00Z", "status": 3, "priority": 2, "source": 2,
     "fr_due_by": "2026-11-30T08:30:00Z", "due_by": "2026-11-30T15:00:00Z"},
    {"id": 23, "created_at": "2026-11-30T07:30:00Z", "status": 6, "priority": 2, "source": 2,
     "fr_due_by": "2026-11-30T08:30:00Z", "due_by": "2026-11-30T15:00:00Z"},
]


def test_freshdesk_maps_integer_codes_and_due_times(tmp_path, team) -> None:
    load = read(tmp_path, "fd.json", FRESHDESK, team)  # format guessed from fr_due_by
    by_id = {t.id: t for t in load.tickets}
    assert sorted(by_id) == ["20", "21"]
    first = by_id["20"]
    assert (first.priority, first.queue, first.assignee) == ("urgent", "billing", "omar")
    assert first.due == utc("2026-11-30T09:00:00+00:00") and first.due_kind == "first_response"
    assert first.effort_minutes == 60  # billing 20 × urgent 1.5 × type Problem 2
    second = by_id["21"]
    assert (second.priority, second.queue) == ("low", "chat")  # source 7 = chat
    assert second.due == utc("2026-11-30T15:00:00+00:00") and second.due_kind == "resolution"
    assert load.skipped == {"status pending": 1, "status status_6": 1}


def test_freshdesk_custom_status_can_be_open(tmp_path, team) -> None:
    problem, policy = team
    opened = policy.model_copy(update={"open_statuses": ("open", "status_6")})
    path = tmp_path / "fd.json"
    path.write_text(json.dumps({"tickets": FRESHDESK}), encoding="utf-8")
    assert [t.id for t in load_tickets(path, problem, opened, "freshdesk").tickets] == [
        "20", "21", "23"]


def test_freshdesk_bad_codes_name_the_json_path(tmp_path, team) -> None:
    doc = [{"id": 1, "created_at": "2026-11-30T07:00:00Z", "priority": 9, "status": 2},
           {"id": 2, "created_at": "2026-11-30T07:00:00Z", "status": "open?"},
           {"id": 3, "created_at": "2026-11-30T07:00:00Z", "tags": "vip", "fr_due_by": 5}]
    found = problems_of(lambda: read(tmp_path, "fd.json", doc, team, "freshdesk"))
    assert any("key tickets[0].priority" in p for p in found)
    assert any("key tickets[1].status" in p for p in found)
    assert any("key tickets[2].tags" in p for p in found)
    assert any("key tickets[2].fr_due_by" in p for p in found)


# --------------------------------------------------------------------------------------------
# team.yaml tickets:


def test_policy_problems_name_the_key_and_line(tmp_path) -> None:
    folder = tmp_path / "team"
    shutil.copytree(HELPDESK, folder)
    text = (folder / "team.yaml").read_text(encoding="utf-8")
    text = text.replace("queue: chat}", "queue: fax}").replace("ines: 2, omar: 2",
                                                                "ines: 2, zoe: 2")
    text = text.replace("at_risk_minutes: 30", "at_risk_minutes: -1")
    (folder / "team.yaml").write_text(text, encoding="utf-8")
    problem = load_team(folder)
    found = problems_of(lambda: read_ticket_policy(folder, problem))
    assert any("key tickets.at_risk_minutes" in p for p in found)
    text = text.replace("at_risk_minutes: -1", "at_risk_minutes: 30")
    (folder / "team.yaml").write_text(text, encoding="utf-8")
    found = problems_of(lambda: read_ticket_policy(folder, problem))
    assert any("key tickets.routing[3].queue" in p and "fax" in p for p in found)
    assert any("key tickets.agent_tiers.zoe" in p for p in found)
    assert all("row" in p for p in found)


def test_no_tickets_section_gives_the_defaults(team) -> None:
    small = Path(__file__).resolve().parents[1] / "fixtures" / "small"
    policy = read_ticket_policy(small, load_team(small))
    assert policy.routing == () and policy.weight("urgent") == 1000
