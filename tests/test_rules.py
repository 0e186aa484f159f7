"""The rule tests live in tests/rules, one module per rule family; this keeps them complete."""

from __future__ import annotations

from pathlib import Path

from scheduler.constraints import RULES

RULE_TESTS = Path(__file__).parent / "rules"


def test_every_rule_family_has_its_hand_worked_tests():
    # Each rule's module scheduler/constraints/<family>.py has tests/rules/test_<family>.py.
    families = {type(rule).__module__.rsplit(".", 1)[-1] for rule in RULES}
    missing = sorted(f for f in families if not (RULE_TESTS / f"test_{f}.py").is_file())
    assert not missing, f"rules without tests in tests/rules: {missing}"
