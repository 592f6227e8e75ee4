"""Regression: two owners' sessions that happen to be equal must both be attachable to the shared machine.

Broke because Session.__eq__ compares by value (to_dict) while transitions identifies models with `in` and
`list.remove`: Machine.add_model skips a session equal to one already attached (no stage set, no trigger
bound), and remove_model can take the other owner's session off the machine. It also makes add_model cost
one to_dict pair per attached model (quadratic when many are attached at once).
"""

from __future__ import annotations

from dialogs.machine import Stage, machine
from dialogs.session import Session


def test_equal_sessions_are_attached_and_detached_separately() -> None:
    shared = machine()
    alice, bob = Session(), Session()  # two new owners: same (default) state, different objects
    try:
        shared.add_model(alice, initial=Stage.IDLE)
        shared.add_model(bob, initial=Stage.IDLE)
        assert any(m is alice for m in shared.models)
        assert any(m is bob for m in shared.models), "bob's session was not attached"
        shared.remove_model(alice)
        assert not any(m is alice for m in shared.models)
        assert any(m is bob for m in shared.models), "removing alice took bob's session off the machine"
        shared.remove_model(bob)
    finally:
        shared.models[:] = [m for m in shared.models if m is not alice and m is not bob]
    assert shared.models == []
