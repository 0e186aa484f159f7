"""Whatever a ticket export holds, the readers return tickets or raise TeamFolderError.

Hypothesis writes random cells into the normalised CSV and random JSON (of the right shape and
of any shape) as Zendesk and Freshdesk exports, and checks that no other exception escapes, that
every problem names the file, and that what is read is what was written where it was valid.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.domain import Problem
from scheduler.errors import TeamFolderError
from scheduler.load import load_team
from scheduler.tickets import CSV_OPTIONAL, CSV_REQUIRED, load_tickets
from scheduler.tickets.policy import TicketPolicy, read_ticket_policy

HELPDESK = Path(__file__).resolve().parents[1] / "fixtures" / "helpdesk"
RUN = settings(max_examples=60, deadline=None,
               suppress_health_check=[HealthCheck.function_scoped_fixture])
COLUMNS = (*CSV_REQUIRED, *CSV_OPTIONAL, "cf_product")
TOKENS = ["", " ", "1", "-3", "0", "1e309", "nan", "2026-11-30 08:00", "2026-11-30T08:00Z",
          "2026-03-29 02:30", "2026-02-30 08:00", "urgent", "high", "low", "critical", "open",
          "solved", "hold", "email", "chat", "360001", "9001", "kim", "zoe", "vip;x", "yes",
          "no", "billing", "fax", "2", "x" * 200, "ü", "\x00", '"', ","]
cells = st.one_of(st.sampled_from(TOKENS), st.text(max_size=20))
json_leaf = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(),
                      st.text(max_size=20), st.sampled_from(TOKENS))
json_any: st.SearchStrategy[Any] = st.recursive(
    json_leaf, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                       st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=10)
KEYS = ["id", "created_at", "updated_at", "status", "priority", "type", "via", "group_id",
        "assignee_id", "responder_id", "tags", "custom_fields", "slas", "due_at", "fr_due_by",
        "due_by", "source", "stats", "subject"]
ticket_like = st.dictionaries(st.sampled_from(KEYS), json_any, max_size=8)


@pytest.fixture(scope="module")
def team() -> tuple[Problem, TicketPolicy]:
    problem = load_team(HELPDESK)
    return problem, read_ticket_policy(HELPDESK, problem)


def _read(team: tuple[Problem, TicketPolicy], name: str, text: str, fmt: str | None) -> Any:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            return load_tickets(path, *team, fmt)  # type: ignore[arg-type]
        except TeamFolderError as exc:
            assert exc.problems
            for problem in exc.problems:
                assert problem.file == name and problem.message
                assert "internal error" not in problem.message, problem
            return exc


@RUN
@given(rows=st.lists(st.lists(cells, min_size=len(COLUMNS), max_size=len(COLUMNS)),
                     min_size=1, max_size=4))
def test_csv_reader_never_raises_anything_else(team, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    result = _read(team, "t.csv", buffer.getvalue(), "csv")
    if not isinstance(result, TeamFolderError):
        ids = {r[0].strip() for r in rows}
        assert {t.id for t in result.tickets} <= ids
        for ticket in result.tickets:
            assert ticket.created.tzinfo is not None and ticket.effort_minutes >= 1
            assert ticket.queue in team[0].queue_index


@RUN
@given(ids=st.lists(st.integers(1, 10**9), min_size=1, max_size=5),
       minutes=st.integers(-10**5, 10**5))
def test_csv_valid_rows_round_trip(team, ids: list[int], minutes: int) -> None:
    rows = ["ticket_id,created_at,effort_minutes,priority"]
    unique = list(dict.fromkeys(ids))
    rows += [f"{i},2026-11-30 08:00,{abs(minutes) % 500 + 1},high" for i in unique]
    result = _read(team, "t.csv", "\n".join(rows) + "\n", "csv")
    assert [t.id for t in result.tickets] == [str(i) for i in unique]
    assert all(t.effort_minutes == abs(minutes) % 500 + 1 for t in result.tickets)


@RUN
@given(doc=st.one_of(json_any, st.fixed_dictionaries({"tickets": st.lists(ticket_like,
                                                                          max_size=4)}),
                     st.lists(ticket_like, max_size=4)),
       fmt=st.sampled_from(["zendesk", "freshdesk"]))
def test_json_readers_never_raise_anything_else(team, doc: Any, fmt: str) -> None:
    result = _read(team, "export.json", json.dumps(doc), fmt)
    if not isinstance(result, TeamFolderError):
        for ticket in result.tickets:
            assert ticket.created.tzinfo is not None


@RUN
@given(text=st.text(max_size=60))
def test_json_readers_on_any_text(team, text: str) -> None:
    _read(team, "export.json", text, "zendesk")
