"""Two searches share time by measured progress: the arm that improved faster lately runs next."""

from __future__ import annotations

import pytest

from gaugeopt.core.arms import Arm, choose


def test_choose_follows_the_measured_rates() -> None:
    lns, restarts = Arm("lns"), Arm("restarts", [(3.0, 90)])
    assert choose([lns, restarts], window=3.0) is lns  # untried: measured first
    lns.rounds.append((2.0, 10))
    assert choose([lns, restarts], window=3.0) is restarts  # 30/s against 5/s
    restarts.rounds += [(1.0, 0), (1.0, 0), (1.0, 0)]
    assert restarts.rate(3.0) == 0.0 and restarts.rate(4.0) == pytest.approx(15.0)
    assert choose([lns, restarts], window=3.0) is lns  # the restarts stalled
    lns.rounds += [(2.0, 0), (2.0, 0)]
    assert choose([lns, restarts], window=3.0) is restarts  # both stalled: 90/6 s against 10/6 s
    lns.rounds[0] = (2.0, 900)
    assert choose([lns, restarts], window=3.0) is lns
    never, still = Arm("lns", [(2.0, 0)], last=5), Arm("restarts", [(1.0, 0)], last=3)
    assert choose([never, still], window=3.0) is still  # neither ever improved: take turns
    still.last = 6
    assert choose([never, still], window=3.0) is never


def test_three_arms_untried_first_then_rates_then_turns() -> None:
    a, b, c = Arm("a", [(1.0, 0)], last=0), Arm("b"), Arm("c")
    assert choose([a, b, c], window=1.0) is b  # the first untried, in order
    b.rounds.append((1.0, 5))
    b.last = 1
    assert choose([a, b, c], window=1.0) is c
    c.rounds.append((1.0, 5))
    c.last = 2
    assert choose([a, b, c], window=1.0) is c  # a tie goes to the later arm
    b.rounds.append((1.0, 0))
    c.rounds.append((1.0, 0))
    a.rounds.append((1.0, 0))
    assert choose([a, b, c], window=1.0) is c  # all stalled: the all-time rates, tie later
    b.rounds[0] = c.rounds[0] = (1.0, 0)
    assert choose([a, b, c], window=1.0) is a  # none ever improved: least recently run
