"""An infeasible set of hard rules is explained by the rules that conflict, in words."""

from __future__ import annotations

from scheduler.settings import ContractSettings, TimeOffSettings
from scheduler.solvers.roster import solve
from scheduler.staffing import requirements

from .helpers import agent, only, problem, time_off


def test_time_off_against_contract_minimum():
    # Ana is off days 0-3 of five but must work three shifts (24 h): at most one is possible.
    # Bo has no conflict and must not be named.
    prob = problem(agent("ana", min_minutes=3 * 480, period="horizon"), "bo", days=5,
                   time_off=(time_off("ana", 0, 3),),
                   rules=only(time_off=TimeOffSettings(), contract=ContractSettings()))
    result = solve(prob, requirements(prob), time_limit=10, workers=1)
    assert result.report.status == "INFEASIBLE"
    assert result.roster is None
    conflict = result.report.conflict
    reasons = conflict[1:]
    assert len(reasons) == 2, conflict
    assert any(r.startswith("Ana: approved time off Mon 01 Jan") and r.endswith("(time_off)")
               for r in reasons), conflict
    assert any(r.startswith("Ana: contract") and r.endswith("(contract)") for r in reasons), \
        conflict
    assert not any("Bo" in r for r in reasons)
