"""What an officer sees: severity, the action a hit asks for, hits left out by limit."""

from __future__ import annotations

import hotlist


def test_alarm_action_and_omitted_hits_are_shown(hl: hotlist.Hotlist) -> None:
    r = hl.check(document="L898902C3", country="UTO", limit=1)
    assert r.alarm and r.omitted == 1
    for shown in (str(r), r._repr_html_()):
        assert "HIT (ALARM): 1 record(s) and 1 more (raise limit=)" in shown
        assert "ACTION:" in shown and r.hits[0].action.split()[0] in shown
    possible = hl.check(document="L898902C4", country="UTO")  # one edit away
    assert possible.hit and not possible.alarm
    assert str(possible).startswith("HIT:") and "possible" in str(possible)
