"""The demo baseline (on the test bureau, whose categories hold the 市容 violations): approved, in force today, covering the demo violations with valid tiers; built once."""

from __future__ import annotations

from django.utils import timezone

from sanxiang.catalog.demo import demo_catalog_build
from sanxiang.discretion.assess import applicable
from sanxiang.discretion.demo import RANGES, VERSION, demo_baseline_build
from sanxiang.discretion.models import Baseline
from sanxiang.discretion.selectors import baseline_in_force
from sanxiang.discretion.tests.base import DiscretionTestCase
from sanxiang.org.selectors import system_user


class DemoTests(DiscretionTestCase):
    def test_it_builds_an_approved_baseline_in_force_once(self) -> None:
        violations = demo_catalog_build(actor=system_user())
        baseline = demo_baseline_build(actor=system_user(), violations=violations)
        again = demo_baseline_build(actor=system_user(), violations=violations)
        self.assertEqual((baseline.pk, Baseline.objects.count()), (again.pk, 1))
        self.assertEqual(baseline_in_force(timezone.localdate()), baseline)
        self.assertEqual(baseline.version, VERSION)
        self.assertEqual({i.violation.code for i in baseline.items.all()}, set(RANGES) & set(violations))
        self.assertIn("演示", baseline.note)
        self.assertIn("txcg-srhw-01", violations, "the test bureau has the 市容 category")
        case = self.person_case(violation=violations["txcg-srhw-01"])
        found = applicable(case)
        assert found is not None
        self.assertEqual([t.level for t in found.tiers], ["no_penalty", "mitigated", "lighter", "ordinary", "heavier"])
        self.assertEqual((found.tiers[-1].fine_max_fen, found.tiers[2].fine_min_fen), (50_000, 5_000))
