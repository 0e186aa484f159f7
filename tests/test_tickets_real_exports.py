"""The importer on real-shaped exports (issue 28): one test per defect found outside the fixtures.

Each test fails on the importer before the fix: deleted / spam / merged tickets, copies across
pages (newest wins whatever the file order), unfinished cursors, fabricated due times, null and
unknown statuses, empty exports, side files (groups, users, agents), wrong JSON types.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.domain import Problem
from scheduler.errors import TeamFolderError
from scheduler.load import load_team
from scheduler.solvers.assignment import assign
from scheduler.tickets.desk import make_desk, sla_watch
from scheduler.tickets.policy import TicketPolicy, read_ticket_policy
from scheduler.tickets.read import TicketLoad, load_tickets

HELPDESK = Path(__file__).resolve().parents[1] / "fixtures" / "helpdesk"


@pytest.fixture(scope="module")
def team() -> tuple[Problem, TicketPolicy]:
    problem = load_team(HELPDESK)
    return problem, read_ticket_policy(HELPDESK, problem)


def write(folder: Path, name: str, doc: object) -> Path:
    path = folder / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def zd(number: int, updated: str = "2026-11-30T08:00:00Z", **more: object) -> dict[str, object]:
    ticket: dict[str, object] = {"id": number, "created_at": "2026-11-30T07:00:00Z",
                                 "updated_at": updated, "status": "open", "priority": "normal",
                                 "via": {"channel": "email"}}
    ticket.update(more)
    return ticket


def fd(number: int, **more: object) -> dict[str, object]:
    ticket: dict[str, object] = {"id": number, "created_at": "2026-11-30T07:00:00Z",
                                 "updated_at": "2026-11-30T08:00:00Z", "status": 2,
                                 "priority": 2, "source": 1, "fr_due_by": "2026-11-30T11:00:00Z",
                                 "due_by": "2026-12-01T11:00:00Z"}
    ticket.update(more)
    return ticket


def load(paths: list[Path] | Path, team: tuple[Problem, TicketPolicy],
         fmt: str | None = None) -> TicketLoad:
    return load_tickets(paths, *team, fmt)  # type: ignore[arg-type]


def problems_of(call) -> list[str]:  # type: ignore[no-untyped-def]
    with pytest.raises(TeamFolderError) as caught:
        call()
    return [str(p) for p in caught.value.problems]


def warnings_of(result: TicketLoad) -> str:
    return "\n".join(str(w) for w in result.warnings)


def test_a_deleted_ticket_is_skipped_and_counted_not_an_error(tmp_path, team) -> None:
    page = write(tmp_path, "p.json", {"tickets": [zd(1), zd(2, status="deleted")]})
    result = load(page, team, "zendesk")
    assert [t.id for t in result.tickets] == ["1"]
    assert result.skipped["deleted"] == 1


def test_a_newer_deleted_copy_removes_the_ticket_whatever_the_page_order(tmp_path, team) -> None:
    a = write(tmp_path, "a.json", {"tickets": [zd(5, "2026-11-30T09:00:00Z", status="deleted")]})
    b = write(tmp_path, "b.json", {"tickets": [zd(5, "2026-11-30T08:00:00Z")]})
    result = load([a, b], team, "zendesk")
    assert result.tickets == () and result.skipped["deleted"] == 1


def test_spam_deleted_and_merged_are_skipped_per_reason(tmp_path, team) -> None:
    fresh = write(tmp_path, "f.json", [fd(1), fd(2, spam=True), fd(3, deleted=True)])
    result = load(fresh, team, "freshdesk")
    assert [t.id for t in result.tickets] == ["1"]
    assert (result.skipped["spam"], result.skipped["deleted"]) == (1, 1)
    merged = write(tmp_path, "z.json", {"tickets": [zd(7, status="closed",
                                                       tags=["closed_by_merge"]), zd(8)]})
    result = load(merged, team, "zendesk")
    assert [t.id for t in result.tickets] == ["8"] and result.skipped["merged"] == 1


def test_the_newest_copy_wins_whatever_the_file_order(tmp_path, team) -> None:
    newer = zd(9, "2026-11-30T10:00:00Z", status="solved")
    older = zd(9, "2026-11-30T08:00:00Z", priority="urgent")
    stale = zd(10, "2026-11-30T07:30:00Z", priority="low")
    fresh = zd(10, "2026-11-30T09:30:00Z", priority="high")
    a = write(tmp_path, "page-1.json", {"tickets": [newer, fresh]})
    z = write(tmp_path, "page-2.json", {"tickets": [older, stale]})  # read last, but older
    for order in ([a, z], [z, a]):
        result = load(order, team, "zendesk")
        assert [(t.id, t.priority) for t in result.tickets] == [("10", "high")]
        assert result.skipped["status solved"] == 1
        assert result.skipped["older copy of a ticket"] == 2


def test_generated_timestamp_orders_copies_before_updated_at(tmp_path, team) -> None:
    one = zd(3, "2026-11-30T10:00:00Z", priority="low", generated_timestamp=100)
    two = zd(3, "2026-11-30T09:00:00Z", priority="urgent", generated_timestamp=200)
    result = load([write(tmp_path, "b.json", {"tickets": [two]}),
                   write(tmp_path, "a.json", {"tickets": [one]})], team, "zendesk")
    assert [t.priority for t in result.tickets] == ["urgent"]


def test_an_unfinished_cursor_is_a_warning(tmp_path, team) -> None:
    page = write(tmp_path, "p.json", {"tickets": [zd(1)], "after_cursor": "abc",
                                      "end_of_stream": False})
    assert "the export is unfinished" in warnings_of(load(page, team, "zendesk"))
    last = write(tmp_path, "q.json", {"tickets": [zd(2)], "end_of_stream": True})
    assert "unfinished" not in warnings_of(load([page, last], team, "zendesk"))


def test_a_replied_ticket_without_a_running_target_has_no_due_time(tmp_path, team) -> None:
    pending = zd(11, status="pending", metric_set={"replies": 1})
    no_priority = zd(12, priority=None)
    open_ = dict(zd(13), slas={"policy_metrics": [
        {"metric": "first_reply_time", "stage": "achieved", "breach_at": "2026-11-30T07:30:00Z"},
        {"metric": "next_reply_time", "stage": "paused", "breach_at": "2026-11-30T07:40:00Z"}]})
    policy = team[1].model_copy(update={"open_statuses": ("new", "open", "pending")})
    path = write(tmp_path, "p.json", {"tickets": [pending, no_priority, open_]})
    result = load_tickets(path, team[0], policy, "zendesk")
    assert {t.id: (t.priority, t.due) for t in result.tickets} == {
        "11": ("normal", None), "12": ("normal", None), "13": ("normal", None)}
    at = result.tickets[0].created
    agents = ()
    desk = make_desk(result.tickets, agents, at, 60, policy)
    watch = sla_watch(desk, assign(desk).outcome, 30)
    assert {w.status for w in watch} == {"no SLA"}


def test_a_null_status_is_reported_not_read_as_open(tmp_path, team) -> None:
    result = load(write(tmp_path, "p.json", {"tickets": [zd(1, status=None), zd(2)]}), team,
                  "zendesk")
    assert [t.id for t in result.tickets] == ["2"]
    assert result.skipped["no status"] == 1
    assert "ticket 1: the status is null" in warnings_of(result)


def test_an_unknown_status_is_named_with_the_fix(tmp_path, team) -> None:
    result = load(write(tmp_path, "f.json", [fd(1, status=7), fd(2)]), team, "freshdesk")
    assert [t.id for t in result.tickets] == ["2"]
    text = warnings_of(result)
    assert "status status_7" in text and "add status_7 to tickets.open_statuses" in text


def test_hold_in_open_statuses_means_on_hold(tmp_path, team) -> None:
    policy = TicketPolicy.model_validate({"open_statuses": ["new", "open", "hold"],
                                          "routing": [{"queue": "email"}]})
    assert policy.open_statuses == ("new", "open", "on_hold")
    path = write(tmp_path, "p.json", {"tickets": [zd(1, status="hold")]})
    assert [t.id for t in load_tickets(path, team[0], policy, "zendesk").tickets] == ["1"]


def test_an_empty_export_is_a_warning_and_both_shapes_agree(tmp_path, team) -> None:
    for name, doc in (("bare.json", []), ("object.json", {"tickets": []})):
        result = load(write(tmp_path, name, doc), team, "zendesk")
        assert result.tickets == ()
        assert "the export holds no ticket" in warnings_of(result)


def test_side_files_are_read_not_taken_for_tickets(tmp_path, team) -> None:
    groups = write(tmp_path, "groups.json", {"groups": [{"id": 777, "name": "Billing"}]})
    users = write(tmp_path, "users.json", {"users": [
        {"id": 4242, "name": "Kim", "email": "KIM@example.com", "role": "agent"}]})
    page = write(tmp_path, "p.json", {"tickets": [zd(1, group_id=777, assignee_id=4242)]})
    problem, policy = team
    by_name = policy.model_copy(update={"routing": (
        policy.routing[0].model_copy(update={"group": "billing", "queue": "billing"}),
        *policy.routing[1:])})
    result = load_tickets([groups, users, page], problem, by_name, "zendesk")
    [ticket] = result.tickets
    assert (ticket.queue, ticket.assignee) == ("billing", "kim")  # group name; e-mail


def test_freshdesk_groups_and_agents_lists_are_not_tickets(tmp_path, team) -> None:
    groups = write(tmp_path, "groups.json", [{"id": 5, "name": "Billing", "agent_ids": [1]}])
    agents = write(tmp_path, "agents.json", [{"id": 9, "contact": {"email": "lea@example.com"}}])
    page = write(tmp_path, "t.json", [fd(1, responder_id=9)])
    result = load([groups, agents, page], team, "freshdesk")
    assert [(t.id, t.assignee) for t in result.tickets] == [("1", "lea")]


def test_a_file_of_another_kind_is_refused_by_name(tmp_path, team) -> None:
    path = write(tmp_path, "orgs.json", {"organizations": [{"id": 1, "name": "ACME"}]})
    found = problems_of(lambda: load(path, team, "zendesk"))
    assert found == [
        "orgs.json: this file holds organizations, not tickets. Fix: pass a ticket export "
        "(Zendesk {\"tickets\": [...]}, a Freshdesk list of tickets) or the groups, users or "
        "agents files beside it"]


@pytest.mark.parametrize(("kind", "field", "value", "message"), [
    ("zendesk", "via", -1, "via must say the channel"),
    ("zendesk", "via", [], "via must say the channel"),
    ("zendesk", "via", None, "via must say the channel"),
    ("zendesk", "group_id", -1, "an id is a whole number from 1"),
    ("zendesk", "id", "\x00", "not an id"),
    ("freshdesk", "source", 1e308, "source must be a whole-number code"),
    ("freshdesk", "tags", {}, "tags must be a list of words"),
])
def test_wrong_json_types_are_problems(tmp_path, team, kind, field, value, message) -> None:
    ticket = (zd(1) if kind == "zendesk" else fd(1)) | {field: value}
    doc = {"tickets": [ticket]} if kind == "zendesk" else [ticket]
    found = problems_of(lambda: load(write(tmp_path, "t.json", doc), team, kind))
    assert len(found) == 1 and message in found[0] and f"tickets[0].{field}" in found[0]


copies = st.lists(st.tuples(st.integers(1, 4), st.integers(0, 50),
                            st.sampled_from(["open", "new", "solved", "deleted", "pending"])),
                  min_size=1, max_size=12)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=copies, pages=st.integers(1, 4), seed=st.randoms(use_true_random=False))
def test_pages_in_any_order_give_the_same_tickets(team, records, pages, seed) -> None:
    """Hypothesis: copies of a few tickets at distinct times, split into pages in any order:
    the import is the newest copy of each ticket, whatever the page order."""
    seen: dict[int, set[int]] = {}
    unique = [(i, m, s) for i, m, s in records if m not in seen.setdefault(i, set())
              and not seen[i].add(m)]  # type: ignore[func-returns-value]
    newest = {}
    for number, minute, status in unique:
        if number not in newest or newest[number][0] < minute:
            newest[number] = (minute, status)
    want = sorted(str(n) for n, (_, s) in newest.items() if s in ("open", "new"))
    docs = [[] for _ in range(pages)]
    for index, (number, minute, status) in enumerate(unique):
        docs[index % pages].append(zd(number, f"2026-11-30T08:{minute:02d}:00Z", status=status))
    with tempfile.TemporaryDirectory() as folder:
        paths = [write(Path(folder), f"p{i}.json", {"tickets": d}) for i, d in enumerate(docs)]
        seed.shuffle(paths)
        result = load(paths, team, "zendesk")
    assert sorted(t.id for t in result.tickets) == want
    assert sum(result.skipped.values()) + len(result.tickets) == len(unique)


def big_csv(rows: int, bad_row: int | None = None) -> str:
    header = ("ticket_id,created_at,status,priority,type,channel,group_id,assignee_id,tags,"
              "first_response_due_at,due_at,effort_minutes,responded,tier,cf_product\n")
    lines = []
    for i in range(rows):
        created = f"2026-11-{28 + i % 3:02d} {i % 24:02d}:0{i % 6}"
        created = "2026-11-3O 08:00" if i == bad_row else created
        lines.append(f"{i + 1},{created},{('open', 'new', 'hold', 'solved')[i % 4]},"
                     f"{('', 'low', 'urgent')[i % 3]},{('', 'problem')[i % 2]},"
                     f"{('email', 'chat', 'web')[i % 3]},{('', '360001')[i % 2]},"
                     f"{('', '9001', 'kim')[i % 3]},{('', 'vip', 'a; b')[i % 3]},"
                     f"{'2026-11-30T10:00Z' if i % 5 else ''},"
                     f"{'2026-12-01 10:00' if i % 7 else ''},"
                     f"{'' if i % 4 else '7.5'},{('yes', 'no', '')[i % 3]},{'' if i % 9 else 2},"
                     f"{'invoices' if i % 11 == 0 else ''}")
    return header + "\n".join(lines) + "\n"


def test_a_large_csv_is_read_column_wise_with_the_same_result(tmp_path, team, monkeypatch) -> None:
    from scheduler.tickets import columns as ticket_columns

    path = tmp_path / "big.csv"
    path.write_text(big_csv(1200), encoding="utf-8")
    fast = load(path, team)
    calls = []
    real = ticket_columns.read_ticket_columns
    monkeypatch.setattr("scheduler.tickets.read.read_ticket_columns",
                        lambda *a: calls.append(1) or None)
    slow = load(path, team)
    assert calls and real(path, team[0].clock.zone, *_statuses()) is not None
    assert fast.tickets == slow.tickets and fast.skipped == slow.skipped
    assert len(fast.tickets) == 600  # new and open; hold and solved left out


def _statuses() -> tuple[object, ...]:
    from scheduler.tickets.policy import PRIORITIES
    from scheduler.tickets.read import CSV_OPTIONAL, CSV_REQUIRED, STATUS_NAMES

    return STATUS_NAMES, PRIORITIES, CSV_REQUIRED + CSV_OPTIONAL


def test_a_large_csv_with_one_bad_cell_names_its_row(tmp_path, team) -> None:
    path = tmp_path / "big.csv"
    path.write_text(big_csv(1200, bad_row=700), encoding="utf-8")
    found = problems_of(lambda: load(path, team))
    assert len(found) == 1 and found[0].startswith("big.csv, row 702, column created_at")
