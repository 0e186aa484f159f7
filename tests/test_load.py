"""The team-folder loader: fixtures/small loads as expected; every broken folder is reported
with the right file, row and column; DST and time-zone rules; optional files; read_roster."""

from __future__ import annotations

import pickle
import shutil
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from scheduler.domain import Problem, Shift, ShiftRequest, Window
from scheduler.errors import InputProblem, TeamFolderError
from scheduler.load import load_team, read_roster
from scheduler.settings import Level
from scheduler.staffing import forecast_frame

BERLIN, LONDON = ZoneInfo("Europe/Berlin"), ZoneInfo("Europe/London")
FORECAST_HEAD = "interval_start,queue,volume,aht_s\n"


def variant(tmp_path: Path, small: Path, files: dict[str, str | None] | None = None,
            team: dict[str, str] | None = None) -> Path:
    """A copy of fixtures/small: ``files`` replaced (None deletes), team.yaml text replaced."""
    folder = tmp_path / "team"
    shutil.copytree(small, folder)
    for name, text in (files or {}).items():
        if text is None:
            (folder / name).unlink()
        else:
            (folder / name).write_text(text, encoding="utf-8")
    if team:
        source = (folder / "team.yaml").read_text(encoding="utf-8")
        for old, new in team.items():
            assert old in source, old
            source = source.replace(old, new)
        (folder / "team.yaml").write_text(source, encoding="utf-8")
    return folder


def problems_of(folder: Path) -> list[InputProblem]:
    with pytest.raises(TeamFolderError) as info:
        load_team(folder)
    return info.value.problems


def where(problems: list[InputProblem]) -> set[tuple[str, int | None, str | None]]:
    return {(p.file, p.row, p.column) for p in problems}


# --------------------------------------------------------------------------- fixtures/small


def test_small_counts(small_problem: Problem) -> None:
    p = small_problem
    assert (p.team, p.time_zone, p.start, p.days, p.interval_minutes) == (
        "Small Support", "Europe/Berlin", date(2026, 11, 30), 3, 30)
    assert [q.id for q in p.queues] == ["phone", "chat"]
    assert [t.id for t in p.templates] == ["E", "L"]
    assert len(p.agents) == 5
    assert len(p.forecast) == 3 * 29 * 2
    assert len(p.time_off) == 2
    assert len(p.history) == 10
    assert p.reference == () and p.locked == () and p.shift_cover == ()
    assert p.clock.n_intervals == 144


def test_small_templates_queues_and_rules(small_problem: Problem) -> None:
    early, late = small_problem.templates
    assert (early.start, early.paid_minutes, early.break_minutes) == (time(7), 480, 30)
    assert (late.start, late.paid_minutes, late.length_minutes) == (time(13), 480, 510)
    chat = small_problem.queue_index["chat"]
    assert (chat.channel, chat.concurrency, chat.answer_within_s) == ("chat", 2, 60)
    rules = small_problem.rules
    assert rules.rest.forbidden_successions == (("L", "E"),)
    assert rules.preferences.weight == 5 and rules.fairness.late_templates == ("L",)


def test_small_agents(small_problem: Problem) -> None:
    agents = small_problem.agent_index
    assert agents["chloe"].time_zone == "Europe/London" and agents["chloe"].name == "Chloé Martin"
    assert agents["ana"].time_zone is None
    assert agents["ana"].skills == ("phone", "chat")
    dana = agents["dana"]
    assert dana.availability == tuple(Window(weekday=d, start_minute=390, end_minute=960)
                                      for d in range(5))
    assert (dana.contract.min_minutes, dana.contract.max_minutes) == (0, 16 * 60)
    emil = agents["emil"].contract
    assert (emil.period, emil.max_shifts, emil.min_minutes) == ("horizon", {"L": 2}, 480)
    assert agents["ben"].contract.max_days_per_week is None


def test_small_time_off_is_aware(small_problem: Problem) -> None:
    dana, ben = small_problem.time_off
    assert dana.start == datetime(2026, 12, 1, tzinfo=BERLIN)
    assert dana.end == datetime(2026, 12, 2, tzinfo=BERLIN)  # an end date is inclusive
    assert dana.start.tzinfo == BERLIN and dana.status == "approved"
    assert (ben.start, ben.end) == (datetime(2026, 12, 2, 13, tzinfo=BERLIN),
                                    datetime(2026, 12, 2, 18, tzinfo=BERLIN))
    assert ben.status == "pending" and ben.note == "school play"


def test_small_preferences_become_off_requests(small_problem: Problem) -> None:
    requests = set(small_problem.requests)
    off = {(r.agent, r.day, r.template) for r in requests}
    # ana prefers E → off-requests for L on every day; ben avoids wed (day 2, any shift);
    # emil avoids L → off-requests for L on every day
    assert off == {("ana", d, "L") for d in range(3)} | {("ben", 2, None)} | {
        ("emil", d, "L") for d in range(3)}
    assert all(not r.on and r.weight == 5 for r in requests)


def test_small_history(small_problem: Problem) -> None:
    assert Shift(agent="ben", day=-1, template="L") in small_problem.history
    assert Shift(agent="ana", day=-3, template="E") in small_problem.history
    assert all(s.day < 0 for s in small_problem.history)


def test_forecast_frame(small_problem: Problem) -> None:
    frame = forecast_frame(small_problem)
    assert list(frame.columns) == ["interval", "queue", "volume", "aht_s"]
    assert len(frame) == 174
    assert str(frame["interval"].dtype) == "int64"
    assert frame["volume"].dtype == float and frame["aht_s"].dtype == float
    first = frame.iloc[0]
    assert (first["interval"], first["queue"], first["volume"], first["aht_s"]) == (
        14, "chat", 0.3, 540.0)  # 2026-11-30 07:00 Berlin = interval 14
    assert frame.iloc[1]["queue"] == "phone"
    assert frame["interval"].is_monotonic_increasing
    assert frame["interval"].max() == 2 * 48 + 42  # Wednesday 21:00
    row = small_problem.forecast[0]
    assert row.start == datetime(2026, 11, 30, 7, tzinfo=BERLIN)


def test_forecast_frame_of_empty_forecast(small_problem: Problem) -> None:
    frame = forecast_frame(small_problem.model_copy(update={"forecast": ()}))
    assert frame.empty and list(frame.columns) == ["interval", "queue", "volume", "aht_s"]


# --------------------------------------------------------------------------- broken folders


BROKEN = {
    "unknown_queue_skill": {("agents.csv", 3, "skills")},
    "time_off_unknown_agent": {("time_off.csv", 3, "agent")},
    "bad_time_zone": {("team.yaml", 3, "time_zone")},
    "bad_date": {("time_off.csv", 3, "start")},
    "forecast_outside_horizon": {("forecast.csv", 3, "interval_start")},
    "forecast_dst_gap": {("forecast.csv", 3, "interval_start")},
    "negative_volume": {("forecast.csv", 3, "volume")},
    "missing_agents": {("agents.csv", None, None)},
    "missing_column": {("time_off.csv", 1, "end")},
    "yaml_syntax": {("team.yaml", 6, None)},
    "unknown_rule_key": {("team.yaml", 16, "rules.rest.min_rest_hour")},
    "min_above_max": {("agents.csv", 5, "min_hours")},
    "duplicate_agent": {("agents.csv", 7, "id")},
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_folder_names_file_row_and_column(data_dir: Path, name: str) -> None:
    problems = problems_of(data_dir / "broken" / name)
    assert where(problems) == BROKEN[name]
    assert all(p.message and p.fix for p in problems)


def test_broken_messages_are_specific(data_dir: Path) -> None:
    broken = data_dir / "broken"
    (skill,) = problems_of(broken / "unknown_queue_skill")
    assert skill.value == "fax" and "chat, phone" in skill.fix
    (zone,) = problems_of(broken / "bad_time_zone")
    assert zone.value == "Europe/Berln" and "IANA" in zone.fix
    (gap,) = problems_of(broken / "forecast_dst_gap")
    assert gap.value == "2027-03-28 02:30" and "does not exist" in gap.message
    (rule,) = problems_of(broken / "unknown_rule_key")
    assert "min_rest_hours" in rule.fix
    (dup,) = problems_of(broken / "duplicate_agent")
    assert "row 3" in dup.message
    (missing,) = problems_of(broken / "missing_agents")
    assert "missing" in missing.message


def test_many_errors_are_all_reported(data_dir: Path) -> None:
    problems = problems_of(data_dir / "broken" / "many_errors")
    assert where(problems) == {
        ("team.yaml", 11, "queues[1].channel"),
        ("agents.csv", 3, "skills"),
        ("agents.csv", 5, "min_hours"),
        ("time_off.csv", 2, "agent"),
        ("forecast.csv", 2, "volume"),
        ("forecast.csv", 3, "aht_s"),
    }
    text = str(TeamFolderError(problems, "many_errors"))
    assert text.startswith("6 problems in team folder many_errors:")
    assert "agents.csv, row 5, column min_hours (value '20')" in text


def test_team_folder_error_pickles() -> None:
    error = TeamFolderError([InputProblem("agents.csv", 2, "id", "", "id is empty", "fill in id")],
                            "team")
    copy = pickle.loads(pickle.dumps(error))
    assert copy.problems == error.problems and str(copy) == str(error)


def test_missing_folder(tmp_path: Path) -> None:
    (problem,) = problems_of(tmp_path / "nowhere")
    assert problem.file == "." and "does not exist" in problem.message


def test_missing_team_yaml_still_checks_agents(tmp_path: Path, small_folder: Path) -> None:
    bad_agents = (small_folder / "agents.csv").read_text().replace(",8,24,", ",8,x,", 1)
    folder = variant(tmp_path, small_folder, {"team.yaml": None, "agents.csv": bad_agents})
    assert where(problems_of(folder)) == {("team.yaml", None, None),
                                          ("agents.csv", 2, "max_hours")}


def test_input_problem_text() -> None:
    problem = InputProblem("agents.csv", 4, "skills", "phnoe", "queue phnoe is unknown",
                           "use one of: chat, phone")
    assert str(problem) == ("agents.csv, row 4, column skills (value 'phnoe'): queue phnoe is "
                            "unknown. Fix: use one of: chat, phone")
    assert InputProblem("team.yaml", 3, "queues[0].id", None, "m", "f").where() == (
        "team.yaml, row 3, key queues[0].id")


# --------------------------------------------------------------------------- team.yaml details


def test_yaml_keeps_times_and_off_as_text(tmp_path: Path, small_folder: Path) -> None:
    folder = variant(tmp_path, small_folder, team={
        'start: "13:00"': "start: 13:00",
        "preferences: {weight: 5}": "preferences: {weight: 5, level: off}"})
    problem = load_team(folder)
    assert problem.template_index["L"].start == time(13)
    assert problem.rules.preferences.level == Level.OFF


def test_yaml_problems_have_key_paths_and_lines(tmp_path: Path, small_folder: Path) -> None:
    folder = variant(tmp_path, small_folder, team={
        "interval_minutes: 30": "interval_minutes: 20",
        "paid_hours: 8, break_minutes: 30}\n  - {id: L": "paid_hours: 8.01, break_minutes: 30}"
        "\n  - {id: L",
        "late_templates: [L]}\n": "late_templates: [L]}\ncolour: blue\n",
        "forbidden_successions: [[L, E]]": "forbidden_successions: [[L, N]]"})
    problems = problems_of(folder)
    assert where(problems) == {
        ("team.yaml", 6, "interval_minutes"),
        ("team.yaml", 13, "shift_templates[0].paid_hours"),
        ("team.yaml", 20, "colour"),
        ("team.yaml", 16, "rules.rest.forbidden_successions[0][1]"),
    }


def test_yaml_unknown_template_and_queue_keys(tmp_path: Path, small_folder: Path) -> None:
    folder = variant(tmp_path, small_folder, team={"break_minutes: 30}\n  - {id: L":
                                                   "break_minute: 30}\n  - {id: L",
                                                   "priority: 2": "prio: 2"})
    problems = problems_of(folder)
    assert where(problems) == {("team.yaml", 13, "shift_templates[0].break_minute"),
                               ("team.yaml", 10, "queues[0].prio")}
    assert all("break_minutes" in p.fix or "priority" in p.fix for p in problems)


def test_yaml_duplicate_key(tmp_path: Path, small_folder: Path) -> None:
    folder = variant(tmp_path, small_folder, team={"days: 3\n": "days: 3\ndays: 4\n"})
    assert ("team.yaml", 6, "days") in where(problems_of(folder))


def test_template_weekdays(tmp_path: Path, small_folder: Path) -> None:
    folder = variant(tmp_path, small_folder, team={
        'start: "13:00", paid_hours: 8, break_minutes: 30}':
        'start: "13:00", paid_hours: 8, break_minutes: 30, weekdays: [mon, tue]}'})
    problem = load_team(folder)
    assert problem.template_index["L"].weekdays == (0, 1)
    # ana prefers E: on Wednesday L is not offered, so there is nothing to ask off
    assert {(r.day, r.template) for r in problem.requests if r.agent == "ana"} == {
        (0, "L"), (1, "L")}


# --------------------------------------------------------------------------- CSV details


def test_avoid_a_weekday(tmp_path: Path, small_folder: Path) -> None:
    agents = (small_folder / "agents.csv").read_text().replace(",,,wed\n", ",,,sat;L\n")
    folder = variant(tmp_path, small_folder, {"agents.csv": agents},
                     team={"days: 3": "days: 7"})
    ben = [r for r in load_team(folder).requests if r.agent == "ben"]
    assert ShiftRequest(agent="ben", day=5, template=None, on=False, weight=5) in ben
    assert {(r.day, r.template) for r in ben} == {(d, "L") for d in range(7)} | {(5, None)}


def test_time_off_in_agent_zone_and_with_offset(tmp_path: Path, small_folder: Path) -> None:
    folder = variant(tmp_path, small_folder, {"time_off.csv": (
        "agent,start,end\n"
        "chloe,2026-11-30 09:00,2026-11-30 12:00\n"
        "ana,2026-12-01T08:00+00:00,2026-12-01\n")})
    chloe, ana = load_team(folder).time_off
    assert chloe.start.tzinfo == LONDON and chloe.start.hour == 9
    assert chloe.start == datetime(2026, 11, 30, 10, tzinfo=BERLIN)
    assert ana.start == datetime(2026, 12, 1, 9, tzinfo=BERLIN)
    assert ana.end == datetime(2026, 12, 2, tzinfo=BERLIN)


def test_time_off_ending_before_start(tmp_path: Path, small_folder: Path) -> None:
    folder = variant(tmp_path, small_folder, {"time_off.csv": (
        "agent,start,end,status\nana,2026-12-02,2026-12-01,approved\n"
        "ben,2026-12-01,2026-12-01,maybe\n")})
    assert where(problems_of(folder)) == {("time_off.csv", 2, "end"),
                                          ("time_off.csv", 3, "status")}


def test_forecast_fall_back_hour_takes_first_then_second(tmp_path: Path,
                                                         small_folder: Path) -> None:
    # 2026-10-25 Europe/Berlin: clocks go back at 03:00 CEST to 02:00 CET (a 25-hour day)
    rows = ["01:30", "02:00", "02:30", "02:00", "02:30", "03:00"]
    text = FORECAST_HEAD + "".join(f"2026-10-25 {t},{q},1,200\n" for t in rows
                                   for q in ("phone", "chat"))
    folder = variant(tmp_path, small_folder, {"forecast.csv": text, "time_off.csv": None,
                                              "last_roster.csv": None},
                     team={"start: 2026-11-30": "start: 2026-10-25", "days: 3": "days: 1"})
    problem = load_team(folder)
    assert problem.clock.n_intervals == 50
    frame = forecast_frame(problem)
    assert frame["interval"].tolist() == [i for i in (3, 4, 5, 6, 7, 8) for _ in (0, 1)]
    second = [r for r in problem.forecast if r.queue == "phone"][3]
    assert second.start.fold == 1 and second.start.utcoffset() == timedelta(hours=1)


def test_forecast_third_ambiguous_time_is_a_duplicate(tmp_path: Path,
                                                      small_folder: Path) -> None:
    text = FORECAST_HEAD + "2026-10-25 02:00,phone,1,200\n" * 3
    folder = variant(tmp_path, small_folder, {"forecast.csv": text, "time_off.csv": None,
                                              "last_roster.csv": None},
                     team={"start: 2026-11-30": "start: 2026-10-25", "days: 3": "days: 1"})
    (problem,) = problems_of(folder)
    assert (problem.row, problem.column) == (4, "interval_start")
    assert "already has a row" in problem.message


def test_forecast_offsets_boundaries_and_duplicates(tmp_path: Path, small_folder: Path) -> None:
    text = FORECAST_HEAD + (
        "2026-11-30T08:00+01:00,phone,1,200\n"    # fine: same as 08:00 local
        "2026-11-30 08:00,phone,1,200\n"          # duplicate of the row above
        "2026-11-30 08:10,phone,1,200\n"          # not on a boundary
        "2026-11-30,phone,1,200\n"                # no time of day
        "2026-11-30 09:00,fax,1,200\n"            # unknown queue
        "2026-11-30 09:00,chat,1e999,200\n")      # not a finite number
    folder = variant(tmp_path, small_folder, {"forecast.csv": text})
    assert where(problems_of(folder)) == {
        ("forecast.csv", 3, "interval_start"), ("forecast.csv", 4, "interval_start"),
        ("forecast.csv", 5, "interval_start"), ("forecast.csv", 6, "queue"),
        ("forecast.csv", 7, "volume")}


def test_agents_cells(tmp_path: Path, small_folder: Path) -> None:
    agents = ("id,skills,min_hours,max_hours,hours_period,max_shifts,availability,prefers,"
              "avoids,max_days_per_week,time_zone\n"
              "a1,phone,7.33,,,,,,,,\n"                  # not whole minutes
              "a2,phone,,,month,,,,,,\n"                 # bad period
              "a3,phone,,,,X=1,,,,,\n"                   # unknown template
              "a4,phone,,,,,mon 15:00-09:00,,,,\n"       # window ends before it starts
              "a5,phone,,,,,,N,,,\n"                     # unknown preferred template
              "a6,phone,,,,,,,someday,,\n"               # neither template nor weekday
              "a7,phone,,,,,,,,8,\n"                     # more than 7 days a week
              "a 8,phone,,,,,,,,,\n"                     # space in id
              "a9,phone,,,,,,,,,Mars/Olympus\n")         # unknown zone
    folder = variant(tmp_path, small_folder, {"agents.csv": agents, "time_off.csv": None,
                                              "last_roster.csv": None})
    assert where(problems_of(folder)) == {
        ("agents.csv", 2, "min_hours"), ("agents.csv", 3, "hours_period"),
        ("agents.csv", 4, "max_shifts"), ("agents.csv", 5, "availability"),
        ("agents.csv", 6, "prefers"), ("agents.csv", 7, "avoids"),
        ("agents.csv", 8, "max_days_per_week"), ("agents.csv", 9, "id"),
        ("agents.csv", 10, "time_zone")}


def test_csv_structure_problems(tmp_path: Path, small_folder: Path) -> None:
    folder = variant(tmp_path, small_folder, {
        "agents.csv": (small_folder / "agents.csv").read_text() + "\nzed,Zed,a,b,,,,,,,,,extra\n",
        "time_off.csv": "agent;start;end\nana;2026-12-01;2026-12-01\n",
        "last_roster.csv": "agent,date,shift,colour\n",
    })
    assert where(problems_of(folder)) == {
        ("agents.csv", 8, None),            # more values than columns (a blank line before)
        ("time_off.csv", 1, "agent"), ("time_off.csv", 1, "start"), ("time_off.csv", 1, "end"),
        ("last_roster.csv", 1, "colour")}


def test_not_utf8_and_empty_files(tmp_path: Path, small_folder: Path) -> None:
    folder = variant(tmp_path, small_folder, {"time_off.csv": "", "last_roster.csv": None})
    (folder / "last_roster.csv").write_bytes(b"agent,date,shift\nJos\xe9,2026-11-29,E\n")
    problems = problems_of(folder)
    assert where(problems) == {("time_off.csv", None, None), ("last_roster.csv", 2, None)}


def test_comment_columns_are_ignored(tmp_path: Path, small_folder: Path) -> None:
    agents = (small_folder / "agents.csv").read_text().splitlines()
    agents = [agents[0] + ",# notes"] + [line + ",anything" for line in agents[1:]]
    folder = variant(tmp_path, small_folder, {"agents.csv": "\n".join(agents) + "\n"})
    assert len(load_team(folder).agents) == 5


# --------------------------------------------------------------------------- optional files


def test_optional_files(tmp_path: Path, small_folder: Path) -> None:
    folder = variant(tmp_path, small_folder, {
        "requests.csv": "agent,date,shift,want,weight\nana,2026-12-01,E,on,3\n"
                        "ben,2026-11-30,any,off,\n",
        "cover.csv": "date,shift,required,under_weight,over_weight\n2026-11-30,E,2,50,\n"
                     "2026-12-01,L,1,,4\n",
        "published_roster.csv": "agent,date,shift,locked\nana,2026-11-30,E,yes\n"
                                "ben,2026-12-01,L,\nemil,2026-12-01,off,\n"
                                "ben,2026-12-07,E,yes\n",
    })
    problem = load_team(folder)
    assert ShiftRequest(agent="ana", day=1, template="E", on=True, weight=3) in problem.requests
    assert ShiftRequest(agent="ben", day=0, template=None, on=False, weight=5) in problem.requests
    assert [(c.day, c.template, c.required, c.under_weight, c.over_weight)
            for c in problem.shift_cover] == [(0, "E", 2, 50, 0), (1, "L", 1, 100, 4)]
    assert problem.reference == (Shift(agent="ana", day=0, template="E"),
                                 Shift(agent="ben", day=1, template="L"))
    assert problem.locked == (Shift(agent="ana", day=0, template="E"),)


def test_optional_files_problems(tmp_path: Path, small_folder: Path) -> None:
    folder = variant(tmp_path, small_folder, {
        "requests.csv": "agent,date,shift,want\nana,2026-12-09,E,on\nzoe,2026-12-01,E,on\n"
                        "ana,2026-12-01,N,maybe\n",
        "cover.csv": "date,shift,required\n2026-11-30,E,-1\n2026-11-30,E,2\n2026-11-30,E,3\n",
        "published_roster.csv": "agent,date,shift,locked\nana,2026-11-30,E,perhaps\n",
        "last_roster.csv": "agent,date,shift\nana,2026-11-29,E\nana,2026-11-29,L\n",
    })
    assert where(problems_of(folder)) == {
        ("requests.csv", 2, "date"), ("requests.csv", 3, "agent"),
        ("requests.csv", 4, "shift"), ("requests.csv", 4, "want"),
        ("cover.csv", 2, "required"), ("cover.csv", 3, "shift"), ("cover.csv", 4, "shift"),
        ("published_roster.csv", 2, "locked"),
        ("last_roster.csv", 3, "date")}


# --------------------------------------------------------------------------- read_roster


def test_read_roster(tmp_path: Path, small_problem: Problem) -> None:
    path = tmp_path / "roster.csv"
    path.write_text("agent,date,shift,start,end\nben,2026-12-01,L,13:00,21:30\n"
                    "ana,2026-11-30,E,07:00,15:30\nchloe,2026-11-30,off,,\n")
    roster = read_roster(path, small_problem)
    assert roster.shifts == (Shift(agent="ana", day=0, template="E"),
                             Shift(agent="ben", day=1, template="L"))


def test_read_roster_problems(tmp_path: Path, small_problem: Problem) -> None:
    path = tmp_path / "roster.csv"
    path.write_text("agent,date,shift\nzoe,2026-12-01,L\nana,2026-12-05,E\nana,2026-11-30,X\n"
                    "ben,2026-12-01,E\nben,2026-12-01,L\n")
    with pytest.raises(TeamFolderError) as info:
        read_roster(path, small_problem)
    assert where(info.value.problems) == {
        ("roster.csv", 2, "agent"), ("roster.csv", 3, "date"), ("roster.csv", 4, "shift"),
        ("roster.csv", 6, "date")}
    with pytest.raises(TeamFolderError):
        read_roster(tmp_path / "missing.csv", small_problem)


def test_domain_cross_check_is_mapped_to_files(small_problem: Problem) -> None:
    """The domain's cross checks stay a safety net behind the readers' own checks."""
    from scheduler.errors import Problems
    from scheduler.load.team import assemble_problem

    fields = {name: getattr(small_problem, name) for name in Problem.model_fields}
    fields["history"] = (Shift(agent="zoe", day=-1, template="E"),)
    fields["forecast"] = (small_problem.forecast[0].model_copy(update={"queue": "fax"}),)
    problems = Problems()
    with pytest.raises(TeamFolderError) as info:
        assemble_problem(fields, problems, "team")
    assert {p.file for p in info.value.problems} == {"last_roster.csv", "forecast.csv"}
