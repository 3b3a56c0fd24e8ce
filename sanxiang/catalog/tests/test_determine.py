"""``determine``: which rules matched, from the catalogue in force, the statute, the setting and the grounds."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import override_settings

from sanxiang.cases.models import Case
from sanxiang.cases.penalties import Penalty, PenaltyType
from sanxiang.cases.tests.test_general_procedure import at
from sanxiang.catalog.actions_review import review_catalogue_create, review_rule_add
from sanxiang.catalog.major import determine, major_ground_add
from sanxiang.catalog.models import CaseFlag, MajorGround, RuleKind
from sanxiang.catalog.tests.base import DAY, CatalogueTestCase, fine


def codes(case: Case, penalty: Penalty | None = None, on: dt.date = DAY) -> set[str]:
    return {m.code for m in determine(case, penalty=penalty, on=on).matches}


class ThresholdTests(CatalogueTestCase):
    def test_it_applies_fine_thresholds_by_party_type(self):
        person = self.case()
        org = self.case(organisation=True)
        table = [
            (person, 9_999.99, set()),
            (person, 10_000, {"fine-person"}),
            (person, 10_000.01, {"fine-person"}),
            (person, 500_000, {"fine-person"}),
            (org, 10_000, set()),
            (org, 99_999.99, set()),
            (org, 100_000, {"fine-org"}),
            (org, 250_000, {"fine-org"}),
        ]
        for case, yuan, expected in table:
            with self.subTest(organisation=case == org, yuan=yuan):
                self.assertEqual(codes(case, fine(yuan)), expected)

    def test_it_applies_the_confiscation_threshold_to_any_party(self):
        for organisation in (False, True):
            case = self.case(organisation=organisation)
            for fen, expected in ((4_999_999, set()), (5_000_000, {"confiscation"}), (9_000_000, {"confiscation"})):
                penalty = Penalty(types=frozenset({PenaltyType.CONFISCATE_PROPERTY}), confiscation_fen=fen)
                with self.subTest(organisation=organisation, fen=fen):
                    self.assertEqual(codes(case, penalty), expected)

    def test_it_matches_penalty_types(self):
        case = self.case()
        table = [
            (PenaltyType.REVOKE_LICENCE, {"revoke"}),
            (PenaltyType.RESTRICT_ACTIVITY, {"close"}),
            (PenaltyType.WARNING, set()),
            (PenaltyType.SUSPEND_LICENCE, set()),
        ]
        for kind, expected in table:
            with self.subTest(kind=kind):
                self.assertEqual(codes(case, Penalty(types=frozenset({kind}))), expected)

    def test_it_matches_the_violation_code(self):
        self.assertEqual(codes(self.case(violation=self.safety_violation), fine(100)), {"safety"})
        self.assertEqual(codes(self.case(), fine(100)), set())

    def test_a_case_without_penalty_matches_no_amount_rule(self):
        determination = determine(self.case(), on=DAY)
        self.assertIs(determination.major, False)
        self.assertEqual(determination.catalogue_version, "2026")

    def test_it_reads_the_decided_then_the_notified_penalty(self):
        case = self.case()
        case.facts["notified_penalty"] = fine(20_000).to_json()
        self.assertEqual(codes(case), {"fine-person"})
        case.facts["decided_penalty"] = fine(5_000).to_json()
        self.assertEqual(codes(case), set())
        self.assertEqual(codes(case, fine(30_000)), {"fine-person"}, "the penalty passed in wins")

    def test_the_match_carries_label_ground_basis_and_collective(self):
        case = self.case()
        match = determine(case, penalty=fine(10_000), on=DAY).matches[0]
        self.assertEqual(
            (match.code, match.label, match.ground, match.source, match.collective),
            ("fine-person", "rule fine-person", MajorGround.AGENCY, "catalogue", False),
        )


class FlagAndFloorTests(CatalogueTestCase):
    def test_a_flag_added_by_hand_matches_the_flag_rule_and_requires_collective_discussion(self):
        case = self.case()
        ground = major_ground_add(
            actor=self.b.officer, case=case, ground=MajorGround.AGENCY, reason="拆除违法建设", flag=CaseFlag.DEMOLITION
        )
        determination = determine(case, on=DAY)
        self.assertEqual({m.code for m in determination.matches}, {"demolition", f"manual:{ground.pk}"})
        self.assertIs(determination.collective, True)
        self.assertEqual({m.source for m in determination.matches}, {"catalogue", "manual"})

    def test_a_hearing_held_is_major_whatever_the_catalogue(self):
        case = self.case()
        case.facts["hearing_held"] = True
        for on in (DAY, dt.date(2026, 1, 1)):  # with and without a catalogue in force
            with self.subTest(on=on):
                determination = determine(case, penalty=fine(100), on=on)
                self.assertEqual([(m.code, m.source) for m in determination.matches], [("hearing_held", "statute")])
                self.assertEqual(determination.matches[0].ground, MajorGround.MAJOR_RIGHTS)
        self.assertIsNone(determine(case, on=dt.date(2026, 1, 1)).catalogue_version)

    def test_the_setting_makes_every_general_decision_major(self):
        case = self.case()
        self.assertEqual(codes(case, fine(100)), set())
        with override_settings(REVIEW_ALL_GENERAL=True):
            determination = determine(case, penalty=fine(100), on=DAY)
            self.assertEqual([(m.code, m.source) for m in determination.matches], [("all_general", "setting")])
            simple = Case(procedure="simple", facts={"hearing_held": True})
            self.assertIs(determine(simple, penalty=fine(50_000), on=DAY).major, False)


class VersionTests(CatalogueTestCase):
    def test_a_draft_or_a_version_not_yet_in_force_is_ignored(self):
        case = self.case()
        with time_machine.travel(at("2026-06-01"), tick=False):
            draft = review_catalogue_create(actor=self.b.reviewer, version="draft", effective_from=DAY)
            review_rule_add(
                actor=self.b.reviewer, catalogue=draft, code="any", label="any", ground="agency",
                kind=RuleKind.FINE_PERSON, amount_yuan=1,
            )  # fmt: skip
        self.assertEqual(codes(case, fine(100), on=dt.date(2026, 7, 1)), set())
        self.assertEqual(codes(case, fine(20_000), on=dt.date(2026, 5, 31)), set(), "before DAY nothing is in force")
        self.assertIsNone(determine(case, on=dt.date(2026, 5, 31)).catalogue_version)

    def test_a_superseded_version_is_ignored_from_the_new_ones_date(self):
        case = self.case()
        with time_machine.travel(at("2026-06-02"), tick=False):
            rules = [{"code": "fine-person-5k", "ground": "agency", "kind": RuleKind.FINE_PERSON, "amount_yuan": 5_000}]
            self.build_catalogue("2026b", dt.date(2026, 7, 1), rules)
        self.assertEqual(codes(case, fine(6_000), on=dt.date(2026, 6, 30)), set())
        self.assertEqual(codes(case, fine(6_000), on=dt.date(2026, 7, 1)), {"fine-person-5k"})
        self.assertEqual(codes(case, fine(20_000), on=dt.date(2026, 7, 1)), {"fine-person-5k"})
        self.assertEqual(determine(case, on=dt.date(2026, 7, 1)).catalogue_version, "2026b")
