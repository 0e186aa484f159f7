"""One target syntax everywhere (the false "✓" of a target naming no queue), what "meets the
target" means per interval, day and week, and differences told apart from solver noise: all
on hand-computed cases."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from scheduler.errors import TeamFolderError
from scheduler.load import load_team
from scheduler.whatif.changes import ChangeError
from scheduler.whatif.compare import long, wide, within_noise
from scheduler.whatif.headcount import Headcount, Probe, search_headcount, verdict
from scheduler.whatif.parse import hire, parse_change
from scheduler.whatif.run import Outcome, SolveOptions, Task
from scheduler.whatif.scenarios import read_scenarios
from scheduler.whatif.targets import SERVICE_COLUMNS, missed_units, read_targets, unit_text

SMALL = load_team("fixtures/small")


@pytest.mark.parametrize("text", ["chat:80/60", "chat 80/60", "target chat:80/60",
                                  "target chat 80/60"])
def test_every_form_of_a_target_reads_the_same(text: str) -> None:
    targeted, queues = read_targets([text], SMALL)
    assert queues == ("chat",)
    chat = targeted.queue_index["chat"]
    assert (chat.service_level, chat.answer_within_s) == (0.8, 60)
    assert str(parse_change(f"target {text.removeprefix('target ')}", SMALL)) == \
        "target chat 80/60"


def test_a_scenario_file_takes_the_same_target_syntax(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("scenarios:\n  - name: Faster chat\n    changes:\n"
                    "      - target chat:90/30\n      - target phone 70/20\n", encoding="utf-8")
    problem = read_scenarios(path, SMALL)[0].apply(SMALL)
    assert problem.queue_index["chat"].service_level == 0.9
    assert problem.queue_index["phone"].answer_within_s == 20


@pytest.mark.parametrize(("text", "message"), [
    ("chats:80/60", "'chats' is not a queue"),
    ("chat:80-60", "not a service target"),
    ("chat", "the target is missing"),
    ("chat 80/60 phone", "unexpected 'phone'"),
])
def test_an_unknown_queue_or_a_malformed_target_is_refused(text: str, message: str) -> None:
    with pytest.raises(TeamFolderError) as caught:
        read_targets([text], SMALL)
    problem = caught.value.problems[0]
    assert message in problem.message and problem.file == "--target" and problem.fix


def test_the_search_refuses_a_queue_the_team_does_not_have() -> None:
    # today's main split "chat 80/60" on ':' and checked a queue with no intervals: "✓"
    def never(tasks: object) -> list[Outcome]:
        raise AssertionError("no solve for a target that names no queue")

    with pytest.raises(ChangeError, match="'chat 80/60' is not a queue"):
        search_headcount(SMALL, hire("skills=chat", SMALL), ["chat 80/60"],
                         options=SolveOptions(work_limit=0.1), run=never)


def frame(rows: list[tuple[str, int, int, float, float, bool]]) -> pd.DataFrame:
    """(queue, interval, day, volume, service level, late); targets 80 %, one week."""
    return pd.DataFrame([{"queue": q, "interval": i, "day": d, "week": 0, "volume": v,
                          "service_level": s, "target": 0.8 if s == s else s, "late": late}
                         for q, i, d, v, s, late in rows], columns=SERVICE_COLUMNS)


NAN = float("nan")
SERVICE = frame([
    ("chat", 0, 0, 10.0, 0.9, False), ("chat", 1, 0, 1.0, 0.5, False),  # day 0: 9.5/11 = 86 %
    ("chat", 48, 1, 2.0, 0.75, False),                                    # day 1: 75 %
    ("chat", 49, 1, 0.0, 0.0, False),                                     # no contacts
    ("mail", 50, 1, 3.0, NAN, True),                                      # answered late
])


def test_interval_day_and_week_by_hand() -> None:
    # week: (9 + 0.5 + 1.5) / 13 = 84.6 % meets; the late e-mail misses in every reading
    assert missed_units(SERVICE, "interval") == (("chat", 1), ("chat", 48), ("mail", 50))
    assert missed_units(SERVICE, "day") == (("chat", 1), ("mail", 1))
    assert missed_units(SERVICE, "week") == (("mail", 0),)
    assert missed_units(SERVICE, "day", ["chat"]) == (("chat", 1),)
    with pytest.raises(ChangeError, match="'month' is not a criterion"):
        missed_units(SERVICE, "month")


def test_units_in_words() -> None:
    assert unit_text(SMALL, "interval", 20) == "Mon 10:00"
    assert unit_text(SMALL, "day", 1) == "Tue 01 Dec"
    assert unit_text(SMALL, "week", 0) == "week of 30 Nov"


def test_a_day_that_meets_on_the_whole_is_not_a_miss_for_the_search() -> None:
    outcome = Outcome("+0 hires", "OPTIMAL", headline=object(), service=SERVICE.iloc[:2])

    def solved(tasks: list[Task]) -> list[Outcome]:
        return [outcome for _ in tasks]

    chat = hire("skills=chat; hours=0-24", SMALL)
    by_day = search_headcount(SMALL, chat, ["chat"], options=SolveOptions(), run=solved,
                              criterion="day", limit=3)
    by_interval = search_headcount(SMALL, chat, ["chat"], options=SolveOptions(), run=solved,
                                   criterion="interval", limit=3)
    assert by_day.hires == 0 and by_day.criterion == "day"
    assert by_interval.hires is None and by_interval.best.missed == (("chat", 1),)


def test_a_difference_within_the_two_gaps_is_solver_noise() -> None:
    # 74 % -> 76.7 %: +2.7 points; gaps 63 % and 45 % leave far more room than that
    assert within_noise(2.7, 76.7, 74.0, 0.45, 0.63)
    assert not within_noise(2.7, 76.7, 74.0, 0.01, 0.02)  # 0.77 + 1.48 < 2.7
    assert within_noise(-2.0, 98.0, 100.0, 0.0, 0.02)     # exactly the baseline's 2 %
    assert not within_noise(0.0, 5.0, 5.0, 0.5, 0.5)      # no difference, nothing to mark
    assert not within_noise(3.0, 8.0, 5.0, NAN, 0.5)      # no gap known: cannot tell


def test_the_wide_table_marks_noise_and_carried_rosters() -> None:
    table = pd.DataFrame([
        {"scenario": "baseline", "status": "FEASIBLE", "gap": 0.5, "carried_from": "",
         "reason": "", "figure": "penalty", "value": 100.0, "delta": 0.0, "noise": False},
        {"scenario": "more", "status": "FEASIBLE", "gap": 0.1, "carried_from": "baseline",
         "reason": "", "figure": "penalty", "value": 90.0, "delta": -10.0, "noise": True}])
    grid = wide(table)
    assert grid.loc["penalty", "more"] == "90 (≈-10)"
    assert grid.loc["status", "more"] == "feasible, roster of baseline"
    assert grid.loc["gap", "baseline"] == "50.0%"
    assert long(table).loc["more", "penalty"] == "90 (≈-10)"


def test_the_answer_says_its_criterion_and_when_it_rests_on_a_large_gap() -> None:
    def probe(hires: int, gap: float, missed: tuple[tuple[str, int], ...]) -> Probe:
        return Probe(hires, Outcome(f"+{hires} hires", "FEASIBLE", headline=object(), gap=gap),
                     missed)

    sure = Headcount(2, 0, (probe(0, 0.3, (("chat", 1),)), probe(1, 0.01, (("chat", 1),)),
                            probe(2, 0.02, ())), criterion="day")
    ok, text = verdict(sure, ["chat"], 8, 1.0)
    assert ok and text.startswith("✓ 2 hires meet every target of chat (service level per "
                                  "day") and "1 does not" in text and "Note" not in text
    shaky = Headcount(2, 0, (probe(1, 0.63, (("chat", 1),)), probe(2, 0.02, ())))
    ok, text = verdict(shaky, ["chat"], 8, 1.0)
    assert shaky.largest_gap == 0.63 and "gap up to 63% (above 5%)" in text
    assert "--work-limit 4 or more" in text
    none = Headcount(None, 0, (probe(0, 0.0, (("chat", 1),)),), "hires stop helping",
                     "interval")
    ok, text = verdict(none, ["chat"], 8, 1.0)
    assert not ok and text == ("No number of hires up to 8 meets every target of chat in "
                               "every interval: hires stop helping")
