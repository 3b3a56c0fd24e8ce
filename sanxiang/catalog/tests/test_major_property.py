"""Properties of the determination: grounds only add, and threshold rules are monotone in the amount."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from sanxiang.cases.penalties import Penalty, PenaltyType
from sanxiang.catalog.major import CaseData, determination_record, determine, major_ground_add, rule_matches
from sanxiang.catalog.models import CaseFlag, MajorGround, ReviewRule, RuleKind
from sanxiang.catalog.tests.base import DAY, CatalogueTestCase

AMOUNT_KINDS = (RuleKind.FINE_PERSON, RuleKind.FINE_ORGANISATION, RuleKind.CONFISCATION)
penalties = st.builds(
    Penalty,
    types=st.frozensets(st.sampled_from(list(PenaltyType))),
    fine_fen=st.integers(0, 10**9),
    confiscation_fen=st.integers(0, 10**9),
)


def data(penalty: Penalty, organisation: bool) -> CaseData:
    return CaseData(penalty=penalty, organisation=organisation, violation_code=None, flags=frozenset())


@given(
    kind=st.sampled_from(AMOUNT_KINDS),
    threshold=st.integers(1, 10**7),
    penalty=penalties,
    more=st.integers(0, 10**9),
    organisation=st.booleans(),
)
def test_threshold_rules_are_monotone_in_the_amount(kind, threshold, penalty, more, organisation):
    """A larger fine or confiscation never makes a matching threshold rule stop matching."""
    rule = ReviewRule(code="r", label="r", ground="agency", kind=kind, amount_yuan=threshold)
    larger = Penalty(penalty.types, penalty.fine_fen + more, penalty.confiscation_fen + more)
    if rule_matches(rule, data(penalty, organisation)):
        assert rule_matches(rule, data(larger, organisation))
    amount = penalty.confiscation_fen if kind == RuleKind.CONFISCATION else penalty.fine_fen
    party_ok = kind == RuleKind.CONFISCATION or organisation == (kind == RuleKind.FINE_ORGANISATION)
    assert rule_matches(rule, data(penalty, organisation)) is (party_ok and amount > 0 and amount >= threshold * 100)


class GroundsOnlyAddTests(CatalogueTestCase, HypothesisTestCase):
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        penalty=penalties,
        later=penalties,
        organisation=st.booleans(),
        ground=st.sampled_from(MajorGround.values),
        flag=st.sampled_from(["", *CaseFlag.values]),
        collective=st.booleans(),
        record_first=st.booleans(),
    )
    def test_a_manual_ground_or_a_recorded_match_never_makes_a_major_case_minor(
        self, penalty, later, organisation, ground, flag, collective, record_first
    ):
        case = self.case(organisation=organisation)
        before = determine(case, penalty=penalty, on=DAY)
        if record_first:
            determination_record(actor=self.b.officer, case=case, determination=before)
        major_ground_add(
            actor=self.b.officer, case=case, ground=ground, reason="理由", collective=collective, flag=flag
        )
        after = determine(case, penalty=penalty, on=DAY)
        assert after.major
        assert {m.code for m in before.matches} <= {m.code for m in after.matches}
        assert after.collective >= before.collective
        if record_first:  # whatever the penalty becomes, the recorded matches stay
            changed = determine(case, penalty=later, on=DAY)
            assert {m.code for m in before.matches} <= {m.code for m in changed.matches}
            assert changed.collective >= before.collective
