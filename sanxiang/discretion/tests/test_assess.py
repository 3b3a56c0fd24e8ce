"""``applicable``/``assess``/``require_reason``: which range applies to a case, and whether a penalty fits it."""

from __future__ import annotations

import datetime as dt

from sanxiang.cases.actions import party_build
from sanxiang.cases.models import Case, IdType, PartyKind
from sanxiang.cases.penalties import Penalty, PenaltyType
from sanxiang.discretion.actions import TierSpec
from sanxiang.discretion.assess import applicable, assess, assessment_json, require_reason
from sanxiang.discretion.models import Level
from sanxiang.discretion.tests.base import DiscretionTestCase, F, W
from sanxiang.lib.exceptions import ValidationFailed

CI = PenaltyType.CONFISCATE_INCOME


def fine(yuan: int, *extra: PenaltyType) -> Penalty:
    return Penalty(frozenset({F, *extra}), fine_fen=yuan * 100)


NONE = Penalty(frozenset())
WARNING = Penalty(frozenset({W}))


class AssessTableTests(DiscretionTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.baseline = self.approved("2026-A")
        self.case = self.person_case()

    def test_it_gives_the_ranges_for_the_party_type(self) -> None:
        found = applicable(self.case)
        assert found is not None
        self.assertEqual((found.baseline_version, found.violation_code), ("2026-A", "srhw-001"))
        self.assertEqual([t.circumstance for t in found.tiers], ["轻微", "一般", "严重"])
        ordinary = found.tiers[1]
        self.assertEqual((ordinary.fine_min_fen, ordinary.fine_max_fen), (10_000, 50_000))
        self.assertEqual(ordinary.types, frozenset({W, F}))
        self.assertIn("100.00–500.00", ordinary.text)
        self.assertIn("第十四条", found.provisions)
        org = applicable(self.org_case())
        assert org is not None
        self.assertEqual((org.tiers[1].fine_min_fen, org.tiers[1].fine_max_fen), (100_000, 500_000))
        self.assertIn("1,000.00–5,000.00", org.tiers[1].text)

    def test_it_decides_within_or_outside_for_any_tier(self) -> None:
        table = [
            ("no penalty fits the 轻微 tier", NONE, True, "轻微"),
            ("a warning fits 一般", WARNING, True, "一般"),
            ("minimum of 一般", fine(100), True, "一般"),
            ("maximum of 严重", fine(1000), True, "严重"),
            ("500 fits 一般 first", fine(500), True, "一般"),
            ("below every minimum", fine(99), False, None),
            ("above every maximum", fine(1001), False, None),
            ("a type no tier has", Penalty(frozenset({PenaltyType.REVOKE_LICENCE})), False, None),
            ("warning plus fine within", fine(300, W), True, "一般"),
            ("confiscating illegal income is not discretionary", fine(300, CI), True, "一般"),
            ("confiscating income alone is not a penalty of any tier", Penalty(frozenset({CI})), False, None),
        ]
        for label, penalty, within, tier in table:
            with self.subTest(label):
                result = assess(self.case, penalty)
                self.assertIs(result.within, within)
                self.assertEqual(result.tier.circumstance if result.tier else None, tier)
                self.assertEqual(bool(result.problems), not within)

    def test_it_checks_the_chosen_tier(self) -> None:
        found = applicable(self.case)
        assert found is not None
        light, ordinary, serious = (t.code for t in found.tiers)
        table = [
            (ordinary, fine(600), False, "above the maximum of 500.00"),
            (serious, fine(300), False, "below the minimum of 500.00"),
            (serious, WARNING, False, "is not a penalty type of this tier"),
            (light, WARNING, False, "imposes no penalty"),
            (serious, NONE, False, "requires a penalty"),
            (serious, fine(700), True, ""),
            (light, NONE, True, ""),
        ]
        for code, penalty, within, message in table:
            with self.subTest(code=code, penalty=penalty):
                result = assess(self.case, penalty, tier_code=code)
                self.assertIs(result.within, within)
                self.assertEqual(result.tier.code if result.tier else None, code)
                if message:
                    self.assertIn(message, " ".join(result.problems))

    def test_it_uses_the_organisation_ranges_when_a_party_is_one(self) -> None:
        case = self.org_case()
        self.assertIs(assess(case, fine(3000)).within, True)
        self.assertIs(assess(self.case, fine(3000)).within, False)
        self.assertIs(assess(case, fine(500)).within, False)

    def test_an_unknown_tier_is_refused_on_the_tier_field(self) -> None:
        with self.assertRaises(ValidationFailed) as refused:
            assess(self.case, fine(300), tier_code="999-1")
        self.assertIn("tier", refused.exception.errors)

    def test_a_tier_without_a_fine_range_for_the_party_type_allows_no_fine(self) -> None:
        self.approved("2026-B", "2026-06-01", violation=self.other_violation, tiers=[
            TierSpec("一般", Level.ORDINARY, frozenset({W, F}), None, None, 100_000, 200_000),
        ])  # fmt: skip
        case = self.person_case(violation=self.other_violation)
        found = applicable(case)
        assert found is not None
        self.assertEqual(found.tiers[0].types, frozenset({W}))
        self.assertIs(assess(case, WARNING).within, True)
        self.assertIs(assess(case, fine(1500)).within, False)


class WhichBaselineTests(DiscretionTestCase):
    def test_no_baseline_means_within(self) -> None:
        result = assess(self.person_case(), fine(99_999))
        self.assertEqual((result.applicable, result.tier, result.within, result.problems), (None, None, True, ()))

    def test_a_violation_the_baseline_does_not_cover_is_within(self) -> None:
        self.approved("2026-A")
        self.assertIsNone(applicable(self.person_case(violation=self.other_violation)))

    def test_a_draft_is_ignored(self) -> None:
        self.draft("2026-A")
        self.assertIsNone(applicable(self.person_case()))
        self.assertIs(assess(self.person_case(), fine(99_999)).within, True)

    def test_a_future_version_is_ignored_until_its_day(self) -> None:
        self.approved("2026-A", "2026-07-01")
        case = self.person_case()
        self.assertIsNone(applicable(case))
        self.assertIsNotNone(applicable(case, on=dt.date(2026, 7, 1)))

    def test_a_superseded_version_is_ignored(self) -> None:
        self.travel("2026-05-01")
        self.approved("2026-A", "2026-05-01")
        self.travel("2026-05-20")
        self.approved("2026-B", "2026-05-20", violation=self.other_violation)
        self.travel("2026-06-01")
        case = self.person_case()
        self.assertIsNone(applicable(case), "the version in force does not cover the violation")
        found = applicable(case, on=dt.date(2026, 5, 10))
        assert found is not None
        self.assertEqual(found.baseline_version, "2026-A")

    def test_of_two_versions_from_the_same_day_the_later_approval_wins(self) -> None:
        self.approved("2026-A")
        self.travel("2026-06-01T10:00")
        self.approved("2026-B", tiers=[TierSpec("唯一", Level.ORDINARY, frozenset({W}))])
        found = applicable(self.person_case())
        assert found is not None
        self.assertEqual(found.baseline_version, "2026-B")


class FactorTests(DiscretionTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.approved("2026-A")

    def minor_case(self, id_number: str) -> Case:
        party = party_build(kind=PartyKind.PERSON, name="小明", id_type=IdType.RESIDENT_ID, id_number=id_number)
        return self.person_case(parties=[party])

    def test_a_minor_aged_14_to_18_must_get_a_lighter_tier(self) -> None:
        case = self.minor_case("220303201203010012")  # born 2012-03-01: 14
        found = applicable(case)
        assert found is not None
        self.assertTrue(any("第三十条" in f for f in found.factors))
        result = assess(case, fine(300))
        self.assertIs(result.within, False)
        self.assertIn("Minor aged 14 to 18", " ".join(result.problems))
        self.assertIs(assess(case, NONE).within, True)

    def test_a_minor_under_14_gets_no_penalty(self) -> None:
        case = self.minor_case("220303201503010014")  # born 2015-03-01: 11
        self.assertIs(assess(case, WARNING).within, False)
        self.assertIs(assess(case, NONE).within, True)

    def test_an_adult_first_offender_is_told_of_article_33(self) -> None:
        found = applicable(self.person_case())
        assert found is not None
        self.assertTrue(any("第三十三条" in f for f in found.factors))


class RequireReasonTests(DiscretionTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.approved("2026-A")
        self.case = self.person_case()

    def test_it_refuses_a_blank_reason_outside_the_baseline(self) -> None:
        outside = assess(self.case, fine(2000))
        for blank in ("", "   "):
            with self.subTest(reason=blank), self.assertRaises(ValidationFailed) as refused:
                require_reason(outside, blank)
            [message] = refused.exception.errors["discretion_reason"]
            self.assertIn("2026-A", message)
            self.assertIn("100.00–500.00", message)
            self.assertIn("above the maximum", message)

    def test_the_assessment_is_kept_as_json(self) -> None:
        import json

        data = assessment_json(assess(self.case, fine(2000)))
        self.assertEqual((data["baseline_version"], data["within"], data["tier_code"]), ("2026-A", False, None))
        self.assertEqual(json.loads(json.dumps(data)), data)
        self.assertIsNone(assessment_json(assess(self.person_case(violation=self.other_violation), NONE))["tier"])

    def test_it_accepts_a_reason_or_a_penalty_within(self) -> None:
        require_reason(assess(self.case, fine(2000)), "当事人曾两次被处罚，情节特别严重")
        require_reason(assess(self.case, fine(300)), "")
        require_reason(assess(self.person_case(violation=self.other_violation), fine(2000)), "")
