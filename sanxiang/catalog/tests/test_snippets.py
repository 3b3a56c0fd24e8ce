"""``{% major_determination %}``, ``{% major_ground_form %}`` and the demo catalogue."""

from __future__ import annotations

from django.template import Context, Template

from sanxiang.catalog.demo import REVIEW_RULES, demo_review_catalogue_build
from sanxiang.catalog.major import determine, major_ground_add
from sanxiang.catalog.models import MajorGround, ReviewCatalogue
from sanxiang.catalog.selectors import review_catalogue_in_force
from sanxiang.catalog.tests.base import DAY, CatalogueTestCase, fine

TAGS = "{% load catalog_tags %}"


class SnippetTests(CatalogueTestCase):
    def render(self, source: str, **context: object) -> str:
        return Template(TAGS + source).render(Context(context))

    def test_it_renders_the_matches_with_ground_source_basis_and_reason(self):
        case = self.case()
        major_ground_add(
            actor=self.b.officer, case=case, ground=MajorGround.COMPLEX, reason="三方纠纷", collective=True
        )
        html = self.render("{% major_determination case determination %}", case=case,
                           determination=determine(case, penalty=fine(20_000), on=DAY))  # fmt: skip
        for text in ("Major decision", "rule fine-person", "Legal review catalogue", "Added by hand", "三方纠纷",
                     "A collective discussion of the heads is also required", "Catalogue applied: 2026"):  # fmt: skip
            with self.subTest(text=text):
                self.assertIn(text, html)

    def test_it_says_when_the_decision_is_not_major(self):
        case = self.case()
        html = self.render("{% major_determination case %}", case=case)
        self.assertIn("Not a major decision", html)

    def test_the_ground_form_shows_only_to_who_may_add(self):
        case = self.case()
        self.assertIn(
            'name="major-reason"', self.render("{% major_ground_form case %}", case=case, user=self.b.officer)
        )
        self.assertNotIn("<form", self.render("{% major_ground_form case %}", case=case, user=self.b.other_officer))


class DemoTests(CatalogueTestCase):
    def test_the_demo_catalogue_is_approved_in_force_and_built_once(self):
        first = demo_review_catalogue_build(actor=self.b.system)
        again = demo_review_catalogue_build(actor=self.b.system)
        self.assertEqual(first.pk, again.pk)
        self.assertEqual(ReviewCatalogue.objects.filter(version=first.version).count(), 1)
        self.assertEqual(first.rules.count(), len(REVIEW_RULES))
        self.assertEqual(review_catalogue_in_force(first.effective_from), first)
