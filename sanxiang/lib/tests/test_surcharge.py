"""The late-payment surcharge (APL Art. 72 (一), 73 para 3): table tests and properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanxiang.lib.surcharge import Surcharge, late_payment_surcharge, surcharge_days

D = dt.date
DUE = D(2026, 6, 16)  # last day of the 15-day payment period

TABLE = [
    # (fine in fen, on, paused ranges, expected amount, days, capped)
    (10_000, D(2026, 6, 1), [], 0, 0, False),  # before the period ends
    (10_000, DUE, [], 0, 0, False),  # the last day of the period is still in time
    (10_000, D(2026, 6, 17), [], 300, 1, False),  # first day late
    (10_000, D(2026, 6, 26), [], 3_000, 10, False),
    (10_000, D(2026, 7, 19), [], 9_900, 33, False),
    (10_000, D(2026, 7, 20), [], 10_000, 34, True),  # 102 % would exceed the fine: capped
    (10_000, D(2027, 6, 16), [], 10_000, 365, True),
    (333, D(2026, 6, 17), [], 9, 1, False),  # 9.99 fen rounds down
    (1, D(2026, 7, 19), [], 0, 33, False),  # 0.99 fen rounds down
    (1, D(2026, 7, 20), [], 1, 34, True),
    (0, D(2026, 7, 20), [], 0, 34, False),
    # 复议 pending from 20 to 24 June (5 days): not counted.
    (10_000, D(2026, 6, 26), [(D(2026, 6, 20), D(2026, 6, 24))], 1_500, 5, False),
    # Overlapping ranges count once.
    (10_000, D(2026, 6, 26), [(D(2026, 6, 21), D(2026, 6, 24)), (D(2026, 6, 20), D(2026, 6, 22))], 1_500, 5, False),
    # Adjacent ranges (复议 then 诉讼) join.
    (10_000, D(2026, 6, 26), [(D(2026, 6, 20), D(2026, 6, 21)), (D(2026, 6, 22), D(2026, 6, 24))], 1_500, 5, False),
    # A range starting inside the payment period only removes the late days it covers.
    (10_000, D(2026, 6, 26), [(D(2026, 6, 1), D(2026, 6, 18))], 2_400, 8, False),
    # A litigation still pending (range beyond ``on``).
    (10_000, D(2026, 6, 26), [(D(2026, 6, 20), D(2026, 12, 31))], 900, 3, False),
    # A one-day range.
    (10_000, D(2026, 6, 26), [(D(2026, 6, 26), D(2026, 6, 26))], 2_700, 9, False),
    # A range entirely outside the late days changes nothing.
    (10_000, D(2026, 6, 26), [(D(2026, 5, 1), D(2026, 5, 31)), (D(2026, 7, 1), D(2026, 7, 9))], 3_000, 10, False),
]


@pytest.mark.parametrize(("fine", "on", "paused", "amount", "days", "capped"), TABLE)
def test_it_computes_the_surcharge(fine, on, paused, amount, days, capped):
    result = late_payment_surcharge(fine_fen=fine, payment_due=DUE, on=on, paused=paused)
    assert result == Surcharge(amount_fen=amount, days=days, capped=capped)


def test_it_refuses_a_negative_fine():
    with pytest.raises(ValueError, match="negative"):
        late_payment_surcharge(fine_fen=-1, payment_due=DUE, on=D(2026, 7, 1))


def test_it_refuses_a_range_that_ends_before_it_starts():
    with pytest.raises(ValueError, match="cannot end before it starts"):
        surcharge_days(payment_due=DUE, on=D(2026, 7, 1), paused=[(D(2026, 6, 25), D(2026, 6, 24))])


def test_it_reads_the_paused_ranges_from_any_iterable_once():
    ranges = iter([(D(2026, 6, 20), D(2026, 6, 24))])
    assert surcharge_days(payment_due=DUE, on=D(2026, 6, 26), paused=ranges) == 5


dates = st.dates(min_value=D(2025, 1, 1), max_value=D(2028, 12, 31))
fines = st.integers(min_value=0, max_value=10**12)
ranges = st.lists(
    st.tuples(dates, st.integers(min_value=0, max_value=400)).map(lambda r: (r[0], r[0] + dt.timedelta(days=r[1]))),
    max_size=4,
)


@given(fine=fines, due=dates, on=dates, paused=ranges)
def test_it_never_exceeds_the_fine(fine, due, on, paused):
    result = late_payment_surcharge(fine_fen=fine, payment_due=due, on=on, paused=paused)
    assert 0 <= result.amount_fen <= fine
    assert result.capped is (fine > 0 and result.amount_fen == fine)
    assert 0 <= result.days <= max(0, (on - due).days)


@given(fine=fines, due=dates, on=dates, later=st.integers(min_value=0, max_value=500), paused=ranges)
def test_it_grows_with_the_date(fine, due, on, later, paused):
    """Monotonic: a later day never owes less, nor counts fewer days."""
    earlier = late_payment_surcharge(fine_fen=fine, payment_due=due, on=on, paused=paused)
    then = late_payment_surcharge(fine_fen=fine, payment_due=due, on=on + dt.timedelta(days=later), paused=paused)
    assert then.amount_fen >= earlier.amount_fen
    assert then.days - earlier.days <= later
    assert then.days >= earlier.days


@given(fine=fines, due=dates, on=dates, paused=ranges)
def test_pauses_only_ever_lower_it(fine, due, on, paused):
    plain = late_payment_surcharge(fine_fen=fine, payment_due=due, on=on)
    paused_result = late_payment_surcharge(fine_fen=fine, payment_due=due, on=on, paused=paused)
    assert paused_result.amount_fen <= plain.amount_fen
    assert plain.days == max(0, (on - due).days)


@given(due=dates, on=dates, paused=ranges)
def test_the_days_match_a_day_by_day_count(due, on, paused):
    expected = sum(
        1
        for i in range(1, (on - due).days + 1)
        if not any(start <= due + dt.timedelta(days=i) <= end for start, end in paused)
    )
    assert surcharge_days(payment_due=due, on=on, paused=paused) == expected
