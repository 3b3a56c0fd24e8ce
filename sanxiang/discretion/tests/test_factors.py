"""The statutory factors (APL Arts. 30–33) the case data suggests, and which of them bind."""

from __future__ import annotations

import datetime as dt

from sanxiang.cases.actions import party_build
from sanxiang.cases.models import Case, IdType, PartyKind
from sanxiang.discretion import factors
from sanxiang.discretion.models import Level
from sanxiang.discretion.tests.base import ORG_CODE, DiscretionTestCase

BORN_2012 = "220303201203010012"  # born 2012-03-01


class AgeTests(DiscretionTestCase):
    def test_age_counts_full_years(self) -> None:
        born = dt.date(2012, 3, 1)
        table = [
            (dt.date(2026, 2, 28), 13),
            (dt.date(2026, 3, 1), 14),
            (dt.date(2030, 2, 28), 17),
            (dt.date(2030, 3, 1), 18),
        ]
        for day, age in table:
            with self.subTest(day=day):
                self.assertEqual(factors.age_on(born, day), age)

    def test_every_factor_cites_its_article_and_binding_ones_limit_the_levels(self) -> None:
        for factor in factors.FACTORS:
            with self.subTest(factor.code):
                self.assertIn("《行政处罚法》第三", factor.article)
                self.assertIn(factor.article, factor.text())
                self.assertIs(factor.levels != frozenset(Level), factor.mandatory)


class SuggestedTests(DiscretionTestCase):
    def case_of(self, *, id_type: IdType = IdType.RESIDENT_ID, number: str = BORN_2012, minor: bool = False,
                act_date: dt.date | None = None) -> Case:  # fmt: skip
        party = party_build(kind=PartyKind.PERSON, name="小明", id_type=id_type, id_number=number, is_minor=minor)
        return self.person_case(parties=[party], act_date=act_date or dt.date(2026, 5, 1))

    def codes(self, case: Case) -> list[str]:
        return [f.code for f in factors.suggested_factors(case)]

    def test_the_age_at_the_act_decides_between_under_14_and_14_to_18(self) -> None:
        self.assertEqual(factors.established_factors(self.case_of(act_date=dt.date(2026, 2, 28))), (factors.UNDER_14,))
        self.assertEqual(
            factors.established_factors(self.case_of(act_date=dt.date(2026, 3, 1))), (factors.MINOR_14_18,)
        )

    def test_a_declared_minor_without_a_resident_id_is_14_to_18(self) -> None:
        case = self.case_of(id_type=IdType.PASSPORT, number="E12345678", minor=True)
        self.assertEqual(factors.established_factors(case), (factors.MINOR_14_18,))
        adult = self.case_of(id_type=IdType.PASSPORT, number="E12345679")
        self.assertEqual(factors.established_factors(adult), ())

    def test_an_organisation_or_an_adult_has_no_age_factor(self) -> None:
        org = party_build(kind=PartyKind.ORGANISATION, name="某公司", id_type=IdType.CREDIT_CODE, id_number=ORG_CODE)
        self.assertEqual(factors.established_factors(self.person_case(parties=[org])), ())
        self.assertEqual(factors.established_factors(self.person_case()), ())

    def test_no_harm_recorded_suggests_article_33_and_an_earlier_penalty_removes_first_offence(self) -> None:
        case = self.person_case()
        self.assertEqual(self.codes(case), ["first_offence"])
        # Fixture shortcut: the recorded facts of a walked case (``case_notify`` sets harmful_consequences).
        Case.objects.filter(pk=case.pk).update(facts={"harmful_consequences": False})
        case.refresh_from_db()
        self.assertEqual(self.codes(case), ["minor_and_corrected", "first_offence"])
        earlier = self.person_case()  # the same party (ID number) in another case, with a decided penalty
        Case.objects.filter(pk=earlier.pk).update(facts={"decided_penalty": {"types": ["fine"], "fine_fen": 100}})
        self.assertEqual(self.codes(case), ["minor_and_corrected"])
