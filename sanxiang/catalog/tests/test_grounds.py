"""Manual grounds (``major_ground_add``) and recorded matches (``determination_record``): added, never lost."""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError, transaction

from sanxiang.catalog.major import determination_record, determine, major_ground_add
from sanxiang.catalog.models import DeterminationRecord, MajorGround, MajorGroundRecord
from sanxiang.catalog.tests.base import DAY, CatalogueTestCase, fine, log_kinds
from sanxiang.lib.exceptions import AccessDenied, ValidationFailed
from sanxiang.record.log import entry_seq


class RecordedMatchTests(CatalogueTestCase):
    def test_a_recorded_match_stays_after_the_penalty_is_lowered(self):
        case = self.case()
        determination_record(
            actor=self.b.officer, case=case, determination=determine(case, penalty=fine(20_000), on=DAY)
        )
        later = determine(case, penalty=fine(500), on=DAY)
        self.assertIs(later.major, True)
        self.assertEqual([(m.code, m.source) for m in later.matches], [("fine-person", "recorded")])
        self.assertEqual(later.matches[0].label, "rule fine-person")

    def test_recording_twice_stores_each_match_once_and_skips_manual_ones(self):
        case = self.case()
        major_ground_add(actor=self.b.officer, case=case, ground=MajorGround.COMPLEX, reason="多个法律关系")
        case.facts["hearing_held"] = True
        for _ in range(2):
            determination_record(
                actor=self.b.officer, case=case, determination=determine(case, penalty=fine(20_000), on=DAY)
            )
        rows = DeterminationRecord.objects.filter(case=case)
        self.assertEqual(
            sorted(rows.values_list("code", "source")), [("fine-person", "catalogue"), ("hearing_held", "statute")]
        )
        self.assertEqual(log_kinds().count("catalog.major_match"), 2)
        self.assertTrue(all(entry_seq(r) for r in rows))

    def test_a_live_match_wins_over_its_recorded_copy(self):
        case = self.case()
        determination_record(
            actor=self.b.officer, case=case, determination=determine(case, penalty=fine(20_000), on=DAY)
        )
        again = determine(case, penalty=fine(30_000), on=DAY)
        self.assertEqual([(m.code, m.source) for m in again.matches], [("fine-person", "catalogue")])


class ManualGroundTests(CatalogueTestCase):
    def test_it_adds_a_ground_with_its_reason_to_the_log(self):
        case = self.case()
        row = major_ground_add(
            actor=self.b.officer, case=case, ground=MajorGround.PUBLIC_INTEREST, reason="涉及学校周边", collective=True
        )
        self.assertEqual(log_kinds().count("catalog.major_ground"), 1)
        self.assertIsNotNone(entry_seq(row))
        match = determine(case, on=DAY).matches[0]
        self.assertEqual(
            (match.code, match.source, match.reason, match.collective),
            (f"manual:{row.pk}", "manual", "涉及学校周边", True),
        )

    def test_the_tables_refuse_update_and_delete(self):
        case = self.case()
        row = major_ground_add(actor=self.b.officer, case=case, ground=MajorGround.COMPLEX, reason="疑难")
        determination_record(
            actor=self.b.officer, case=case, determination=determine(case, penalty=fine(20_000), on=DAY)
        )
        for model in (MajorGroundRecord, DeterminationRecord):
            with self.subTest(model=model.__name__):
                with self.assertRaises(DatabaseError), transaction.atomic():
                    model.objects.filter(case=case).update(collective=False)
                with self.assertRaises(DatabaseError), transaction.atomic():
                    model.objects.filter(case=case).delete()
        self.assertTrue(MajorGroundRecord.objects.filter(pk=row.pk).exists())

    def test_there_is_no_removal_action(self):
        from sanxiang.catalog import actions_review, major

        names = {*dir(actions_review), *dir(major)}
        self.assertEqual({n for n in names if "ground" in n and ("remove" in n or "delete" in n)}, set())

    def test_who_may_add_a_ground(self):
        case = self.case()
        b = self.b
        table = [
            (b.officer, True), (b.officer2, True), (b.unit_head, True), (b.leader, True),
            (b.other_officer, False), (b.auxiliary, False), (b.reviewer, False), (b.supervisor, False),
            (b.sysadmin, False),
        ]  # fmt: skip
        for user, allowed in table:
            with self.subTest(user=user.username):
                if allowed:
                    major_ground_add(actor=user, case=case, ground=MajorGround.AGENCY, reason="理由")
                else:
                    with self.assertRaises(AccessDenied):
                        major_ground_add(actor=user, case=case, ground=MajorGround.AGENCY, reason="理由")
        self.assertEqual(case.major_grounds.count(), 4)

    def test_an_officer_of_the_unit_who_is_not_a_handler_may_not(self):
        lead = self.new_lead()  # no handlers yet: the unit's officers work on the lead, but add no ground
        with self.assertRaises(AccessDenied):
            major_ground_add(actor=self.b.officer, case=lead, ground=MajorGround.AGENCY, reason="理由")

    def test_it_refuses_an_empty_reason_or_an_unknown_ground(self):
        case = self.case()
        for kwargs, field in (({"reason": "  "}, "reason"), ({"ground": "nope"}, "ground"), ({"flag": "x"}, "flag")):
            with self.subTest(field=field):
                args: dict[str, Any] = {"ground": MajorGround.AGENCY, "reason": "理由", **kwargs}
                with self.assertRaises(ValidationFailed) as refused:
                    major_ground_add(actor=self.b.officer, case=case, **args)
                self.assertIn(field, refused.exception.errors)
        self.assertFalse(case.major_grounds.exists())
