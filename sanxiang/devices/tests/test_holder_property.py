"""``device_holder`` against a simple model, for random sequences of issue and return.

The model is a list of ``(holder, start, end)`` periods kept by hand: an issue
opens a period when none is open (else the action must refuse and change
nothing), a return closes the open one (else the action must refuse). After
the sequence, the holder at every interesting moment (each operation's time,
just before it, just after it, and random moments) must be the model's.
"""

from __future__ import annotations

import datetime as dt

import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from sanxiang.cases.tests.test_general_procedure import at
from sanxiang.devices import actions
from sanxiang.devices.models import DeviceAssignment
from sanxiang.devices.selectors import device_holder
from sanxiang.lib.exceptions import ValidationFailed
from sanxiang.testing import BureauTestCase

HOLDERS = ("officer", "officer2", "auxiliary", "unit_head")
START = at("2026-05-01", 8)
operation = st.one_of(
    st.tuples(st.just("assign"), st.sampled_from(HOLDERS), st.integers(min_value=0, max_value=600)),
    st.tuples(st.just("return"), st.just(""), st.integers(min_value=0, max_value=600)),
)


def model_holder(periods: list[tuple[str, dt.datetime, dt.datetime | None]], moment: dt.datetime) -> str | None:
    for holder, start, end in periods:
        if start <= moment and (end is None or moment < end):
            return holder
    return None


@time_machine.travel(at("2026-06-01"), tick=True)
class HolderPropertyTests(HypothesisTestCase, BureauTestCase):
    """Hypothesis's Django ``TestCase`` rolls every example back, so each starts with no device."""

    @settings(max_examples=40, deadline=None)
    @given(
        operations=st.lists(operation, max_size=25),
        probes=st.lists(st.integers(min_value=-60, max_value=25 * 600 + 60), max_size=10),
    )
    def test_device_holder_agrees_with_the_model(self, operations, probes):
        b = self.b
        device = actions.device_register(actor=b.sysadmin, serial="PROP-1", device_type="body_camera", unit=b.squad1)
        periods: list[tuple[str, dt.datetime, dt.datetime | None]] = []
        moments: list[dt.datetime] = []
        moment = START
        for kind, name, minutes in operations:
            moment += dt.timedelta(minutes=minutes)
            moments += [moment - dt.timedelta(seconds=1), moment, moment + dt.timedelta(seconds=1)]
            is_open = bool(periods) and periods[-1][2] is None
            if kind == "assign":
                if is_open:
                    with self.assertRaises(ValidationFailed):
                        actions.device_assign(actor=b.sysadmin, device=device, holder=getattr(b, name), at=moment)
                else:
                    actions.device_assign(actor=b.sysadmin, device=device, holder=getattr(b, name), at=moment)
                    periods.append((name, moment, None))
            elif is_open:
                actions.device_return(actor=b.sysadmin, device=device, at=moment)
                periods[-1] = (periods[-1][0], periods[-1][1], moment)
            else:
                with self.assertRaises(ValidationFailed):
                    actions.device_return(actor=b.sysadmin, device=device, at=moment)
        self.assertEqual(DeviceAssignment.objects.filter(device=device).count(), len(periods))
        moments += [START + dt.timedelta(minutes=m) for m in probes]
        for probe in moments:
            expected = model_holder(periods, probe)
            actual = device_holder("PROP-1", probe)
            self.assertEqual(
                actual.username if actual else None, getattr(b, expected).username if expected else None, probe
            )
