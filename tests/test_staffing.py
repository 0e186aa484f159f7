"""Staffing: Erlang formulas against published cases, and forecast → requirements by hand."""

from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.staffing import (
    agents_for_target,
    apply_shrinkage,
    average_speed_of_answer,
    erlang_a,
    erlang_b,
    erlang_c,
    projected_service,
    requirements_from_frame,
    service_level,
    smooth_workload,
)

REFERENCE_FILE = Path(__file__).resolve().parent / "data" / "erlang-reference-cases.json"


@pytest.fixture(scope="module")
def cases() -> dict[str, Any]:
    data = json.loads(REFERENCE_FILE.read_text())
    return {case["id"]: case for group in ("erlang_c", "erlang_a") for case in data[group]}


def assert_printed(ours: float, published: float) -> None:
    """Equal to the number of decimals printed (plus double rounding, 1e-15)."""
    text = repr(published)
    decimals = len(text.split(".")[1]) if "." in text and "e" not in text else 0
    assert abs(float(ours) - published) <= 0.5 * 10.0**-decimals + 1e-15, (ours, published)


def test_cch1_worked_example(cases: dict[str, Any]) -> None:
    case = cases["CCH-1"]
    i, p = case["inputs"], case["published"]
    traffic = i["calls"] * i["aht_s"] / i["interval_s"]
    n = int(agents_for_target(traffic, i["aht_s"], i["target_answer_s"], i["target_sl"],
                              i["max_occupancy"]))
    pw = erlang_c(traffic, n)
    assert_printed(traffic, p["A"])
    assert n == p["N"]
    assert_printed(pw, p["Pw"])
    assert_printed(service_level(traffic, n, i["aht_s"], i["target_answer_s"]), p["SL"])
    assert_printed(average_speed_of_answer(traffic, n, i["aht_s"]), p["ASA_s"])
    assert_printed(1 - pw, p["immediate_answer"])
    assert_printed(traffic / n, p["occupancy"])
    assert int(apply_shrinkage(n, i["shrinkage"])) == p["N_after_shrinkage"]
    for agents, pw_n, sl_n, asa_n in case["iteration_table_published"]:
        assert_printed(erlang_c(traffic, agents), pw_n)
        assert_printed(service_level(traffic, agents, i["aht_s"], i["target_answer_s"]), sl_n)
        assert_printed(average_speed_of_answer(traffic, agents, i["aht_s"]), asa_n)
        assert service_level(traffic, agents, i["aht_s"], i["target_answer_s"]) < 0.8 or (
            agents == p["N"]
        )


def test_cch2_higher_target_and_occupancy_cap(cases: dict[str, Any]) -> None:
    i, p = cases["CCH-2"]["inputs"], cases["CCH-2"]["published"]
    traffic = i["calls"] * i["aht_s"] / i["interval_s"]
    n = int(agents_for_target(traffic, i["aht_s"], i["target_answer_s"], i["target_sl"],
                              i["max_occupancy"]))
    assert n == p["N"]
    assert int(apply_shrinkage(n, i["shrinkage"])) == p["N_after_shrinkage"]
    assert_printed(service_level(traffic, n, i["aht_s"], i["target_answer_s"]), p["SL"])
    assert_printed(traffic / n, p["occupancy"])
    assert_printed(erlang_c(traffic, n), p["Pw"])
    # The note: at 80% the service level alone needs 14, but a 70% occupancy cap needs 15.
    capped = int(agents_for_target(traffic, i["aht_s"], i["target_answer_s"], 0.8, 0.7))
    assert capped == 15
    assert int(apply_shrinkage(capped, i["shrinkage"])) == 22
    assert int(agents_for_target(traffic, i["aht_s"], i["target_answer_s"], 0.8, 1.0)) == 14
    # pyworkforce's 0.33-minute target: 0.88785 vs 0.88835 at 20 s, both 0.888.
    assert_printed(service_level(traffic, 14, i["aht_s"], 19.8), 0.88785)


def test_cct1_large_erlang_c_and_b(cases: dict[str, Any]) -> None:
    case = cases["CCT-1"]
    a, n = case["inputs"]["A"], case["inputs"]["N"]
    assert_printed(erlang_c(a, n), case["published"]["Pw"])
    assert_printed(erlang_c(a, n), case["computed_extra"]["Pw"])
    assert_printed(erlang_b(a, n), case["computed_extra"]["erlang_b"])


def test_erlang_b_table(cases: dict[str, Any]) -> None:
    case = cases["ERLB-TABLE"]
    for group in ("published", "computed_extra"):
        for key, value in case[group].items():
            a, n = (float(x) for x in key[2:-1].split(","))
            assert_printed(erlang_b(a, n), value)


def test_low_load(cases: dict[str, Any]) -> None:
    i, p, extra = (cases["LOWLOAD-1"][k] for k in ("inputs", "published", "computed_extra"))
    traffic = i["calls"] * i["aht_s"] / i["interval_s"]
    n = int(agents_for_target(traffic, i["aht_s"], i["target_answer_s"], i["target_sl"]))
    assert_printed(traffic, p["A"])
    assert n == p["N"]
    assert_printed(service_level(traffic, n, i["aht_s"], i["target_answer_s"]), p["SL"])
    assert_printed(service_level(traffic, n, i["aht_s"], i["target_answer_s"]), extra["SL"])
    assert_printed(erlang_c(traffic, n), extra["Pw"])
    assert_printed(average_speed_of_answer(traffic, n, i["aht_s"]), extra["ASA_s"])


def test_erlang_a(cases: dict[str, Any]) -> None:
    case = cases["PYWF-A-1"]
    i = case["inputs"]
    traffic = i["calls"] * i["aht_min"] / i["interval_min"]
    aht_s, patience_s = i["aht_min"] * 60, i["mean_patience_min"] * 60

    def check(n: int, expected: dict[str, float]) -> None:
        got = erlang_a(traffic, n, aht_s, patience_s, i["target_answer_s"])
        assert_printed(got.pw, expected["Pw"])
        assert_printed(got.p_abandon, expected["P_abandon"])
        if "occupancy" in expected:
            assert_printed(got.occupancy, expected["occupancy"])
        sl = expected.get("SL", expected.get("SL_answered_within_t_over_all_arrivals"))
        assert sl is not None
        assert_printed(got.service_level, sl)

    check(i["N"], case["published"])
    asa = erlang_a(traffic, i["N"], aht_s, patience_s, i["target_answer_s"]).asa_s
    assert_printed(asa / 60, case["published"]["ASA_min_all_arrivals"])
    for key, expected in case["computed_neighbours"].items():
        check(int(key[1:]), expected)


# --- hand-worked rules ---------------------------------------------------------------------


def exact_erlang_b(traffic: int, agents: int) -> float:
    inverse = Fraction(1)
    for k in range(1, agents + 1):
        inverse = 1 + inverse * k / Fraction(traffic)
    return float(1 / inverse)


@pytest.mark.parametrize(("traffic", "agents"), [
    (2000, 2050), (2000, 1500), (10_000, 5_000), (5_000, 4_000), (900, 1), (3, 40),
])
def test_erlang_b_is_stable_for_thousands_of_agents(traffic: int, agents: int) -> None:
    assert erlang_b(traffic, agents) == pytest.approx(exact_erlang_b(traffic, agents), rel=1e-12)


def test_edges_of_the_formulas() -> None:
    assert erlang_b(0, 0) == 1.0 and erlang_b(0, 3) == 0.0 and erlang_b(3, 0) == 1.0
    assert erlang_c(5, [3, 5]).tolist() == [1.0, 1.0]  # N <= A: everyone waits
    assert service_level(5, 5, 180, 20) == 0.0
    assert average_speed_of_answer(5, 4, 180) == math.inf
    assert erlang_c(0, 2) == 0.0 and service_level(0, 2, 180, 20) == 1.0
    assert agents_for_target(0, 180, 20, 0.8, 0.85) == 0
    assert agents_for_target([[1.0], [10.0]], 180, [20, 60], 0.8, 0.85).shape == (2, 2)
    with pytest.raises(ValueError, match="never reached"):
        agents_for_target(10, 180, 20, 1.0)


def test_shrinkage_rounding() -> None:
    assert 21 / (1 - 0.3) > 30  # 30.000000000000004: the float trap the slack exists for
    assert apply_shrinkage(21, 0.3).item() == 30
    assert apply_shrinkage([14, 15, 0, 7, 1], 0.3).tolist() == [20, 22, 0, 10, 2]
    assert apply_shrinkage(17, 0.15).item() == 20
    assert apply_shrinkage(10, 0.0).item() == 10


@settings(max_examples=200, deadline=None)
@given(
    traffic=st.floats(0.01, 300),
    aht=st.floats(30, 1200),
    answer=st.floats(0, 300),
    target=st.floats(0.05, 0.99),
    occupancy=st.floats(0.5, 1.0),
)
def test_agents_for_target_is_the_smallest(
    traffic: float, aht: float, answer: float, target: float, occupancy: float
) -> None:
    n = int(agents_for_target(traffic, aht, answer, target, occupancy))
    assert service_level(traffic, n, aht, answer) >= target - 1e-12
    assert traffic / n <= occupancy + 1e-9
    fewer = n - 1
    assert (
        fewer <= traffic
        or traffic / fewer > occupancy
        or service_level(traffic, fewer, aht, answer) < target
    )


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(0, 80), min_size=1, max_size=30))
def test_vectorised_equals_one_by_one(traffic: list[float]) -> None:
    together = agents_for_target(traffic, 240, 20, 0.8, 0.85)
    alone = [int(agents_for_target(a, 240, 20, 0.8, 0.85)) for a in traffic]
    assert together.tolist() == alone


# --- domain level --------------------------------------------------------------------------


def queue(qid: str, channel: str, **extra: Any) -> SimpleNamespace:
    fields = dict(id=qid, channel=channel, service_level=0.8, answer_within_s=20.0,
                  concurrency=1, first_response_minutes=0, shrinkage=None, max_occupancy=None)
    return SimpleNamespace(**(fields | extra))


def problem(*queues: SimpleNamespace, interval_minutes: int = 30) -> SimpleNamespace:
    return SimpleNamespace(interval_minutes=interval_minutes, shrinkage=0.3, max_occupancy=0.85,
                           queues=queues)


def frame(queue_id: str, volumes: list[float], aht_s: float) -> pd.DataFrame:
    return pd.DataFrame({"interval": range(len(volumes)), "queue": queue_id,
                         "volume": [float(v) for v in volumes], "aht_s": aht_s})


def test_phone_requirements_match_the_worked_example() -> None:
    out = requirements_from_frame(frame("phone", [100, 0], 180), problem(queue("phone", "phone")))
    assert list(out.columns) == ["interval", "queue", "volume", "aht_s", "traffic", "base_agents",
                                 "agents", "service_level", "asa_s", "occupancy"]
    busy, quiet = out.iloc[0], out.iloc[1]
    assert (busy.traffic, busy.base_agents, busy.agents) == (10.0, 14, 20)
    assert busy.service_level == pytest.approx(0.88835, abs=5e-6)
    assert busy.asa_s == pytest.approx(7.8359, abs=5e-5)
    assert busy.occupancy == pytest.approx(10 / 14)
    assert (quiet.base_agents, quiet.agents, quiet.service_level, quiet.asa_s,
            quiet.occupancy) == (0, 0, 1.0, 0.0, 0.0)


def test_queue_overrides_bind() -> None:
    capped = queue("phone", "phone", max_occupancy=0.7, shrinkage=0.5)
    out = requirements_from_frame(frame("phone", [100], 180), problem(capped)).iloc[0]
    assert (out.base_agents, out.agents) == (15, 30)  # occupancy cap, then 15 / 0.5


def test_chat_concurrency_halves_traffic() -> None:
    chat = queue("chat", "chat", concurrency=2)
    out = requirements_from_frame(frame("chat", [200], 180), problem(chat)).iloc[0]
    assert out.traffic == 10.0  # 200 chats * 180 s / 1800 s / 2 at once
    assert (out.base_agents, out.agents) == (14, 20)


def test_email_without_delay_is_the_workload() -> None:
    mail = queue("mail", "email", first_response_minutes=0)
    out = requirements_from_frame(frame("mail", [30, 0, 60, 10], 600), problem(mail))
    workload = np.array([30, 0, 60, 10]) * 600 / 1800  # 10, 0, 20, 3.33 agent-intervals
    assert out.traffic.tolist() == pytest.approx(workload.tolist())
    assert out.base_agents.tolist() == [12, 0, 24, 4]  # ceil(work / 0.85)
    assert out.agents.tolist() == [18, 0, 35, 6]
    assert out.service_level.tolist() == [1.0] * 4 and out.asa_s.isna().all()


def test_email_smoothing_spreads_work_within_the_first_response_window() -> None:
    work = np.array([12.0, 0, 0, 0, 6, 0])
    # 90 minutes at 30-minute intervals: work may wait 3 intervals, so it spreads over 4.
    # Interval 4's window runs past the end and wraps to the start (the horizon repeats).
    spread = smooth_workload(np.arange(6), work, 3)
    assert spread.tolist() == pytest.approx([4.5, 4.5, 3, 3, 1.5, 1.5])
    assert spread.sum() == pytest.approx(work.sum())
    # Every interval's work is done by its deadline: cumulative capacity keeps up.
    due = np.concatenate([np.zeros(3), np.cumsum(work)])[:6]  # work due by each interval's end
    assert np.all(np.cumsum(spread) >= due - 1e-12)
    assert smooth_workload(np.arange(6), work, 0).tolist() == work.tolist()
    # Intervals missing from the frame get nothing: the work goes to those present.
    gappy = smooth_workload([0, 1, 5], [4.0, 4.0, 4.0], 3, horizon=6)
    assert gappy.tolist() == pytest.approx([2 + 4 / 3, 2 + 4 + 4 / 3, 4 / 3])
    with pytest.raises(ValueError, match="once"):
        smooth_workload([0, 0], [1.0, 1.0], 1)


def test_email_agent_time_covers_the_workload() -> None:
    rng = np.random.default_rng(1)
    volumes = rng.poisson(20, 96).astype(float).tolist()
    mail = queue("mail", "email", first_response_minutes=240)
    out = requirements_from_frame(frame("mail", volumes, 300), problem(mail, interval_minutes=15))
    workload = np.array(volumes) * 300 / 900
    assert (out.base_agents * 0.85).sum() >= workload.sum()
    assert out.base_agents.max() <= math.ceil(workload.max() / 0.85)
    spread = smooth_workload(np.arange(96), workload, 240 // 15)
    assert np.all(out.base_agents * 0.85 >= spread - 1e-9)


def test_zero_volume_live_interval_needs_nobody_and_bad_input_is_refused() -> None:
    both = problem(queue("phone", "phone"), queue("chat", "chat", concurrency=3))
    data = pd.concat([frame("phone", [0, 0], 240), frame("chat", [0, 5], 240)])
    out = requirements_from_frame(data, both)
    # 5 chats * 240 s / 1800 s / 3 = 0.22 Erlangs: one agent answers 79.2% in 20 s, two do it.
    assert out.base_agents.tolist() == [0, 0, 0, 2]
    assert out.agents.tolist() == [0, 0, 0, 3]
    with pytest.raises(ValueError, match="not in the problem"):
        requirements_from_frame(frame("sms", [1], 60), both)
    with pytest.raises(ValueError, match="finite numbers"):
        requirements_from_frame(frame("phone", [-1], 60), both)
    with pytest.raises(ValueError, match="more than one row"):
        requirements_from_frame(pd.concat([frame("phone", [1], 60)] * 2), both)


def test_projected_service_inverts_requirements() -> None:
    both = problem(queue("phone", "phone"), queue("mail", "email", first_response_minutes=0))
    data = pd.concat([frame("phone", [100, 100, 0], 180), frame("mail", [30, 30, 0], 600)])
    data["scheduled"] = [20, 10, 0, 18, 10, 0]  # 20 * 0.7 = 14 available; 10 → 7
    out = projected_service(data, both)
    assert out.available.tolist() == [14, 7, 0, 12, 7, 0]
    phone, short, quiet, mail, thin, idle = (out.iloc[k] for k in range(6))
    assert phone.service_level == pytest.approx(0.88835, abs=5e-6)
    assert phone.asa_s == pytest.approx(7.8359, abs=5e-5)
    assert (short.service_level, short.asa_s, short.occupancy) == (0.0, math.inf, 1.0)
    assert (quiet.service_level, quiet.asa_s, quiet.occupancy) == (1.0, 0.0, 0.0)
    assert (mail.service_level, mail.occupancy) == (1.0, pytest.approx(10 / 12))
    assert (thin.service_level, thin.occupancy) == (pytest.approx(0.7), 1.0)
    assert (idle.service_level, idle.occupancy) == (1.0, 0.0)
    required = requirements_from_frame(data.drop(columns="scheduled"), both)
    again = projected_service(required.assign(scheduled=required.agents), both)
    assert (again.available >= required.base_agents).all()
    assert (again.service_level >= 0.8).all()
