"""Recording a 复议/诉讼 outcome from the case page withdraws the published decision (APL Art. 48)."""

from __future__ import annotations

from django.utils import timezone

from sanxiang.cases.actions_remedy import case_record_remedy_outcome
from sanxiang.lib.exceptions import AccessDenied, ValidationFailed
from sanxiang.publicity.models import PublicationState
from sanxiang.publicity.tests.base import PublicityTestCase


class RemedyOutcomeTests(PublicityTestCase):
    def test_the_case_page_form_records_the_outcome_and_the_publication_is_withdrawn(self) -> None:
        case = self.decided()
        pub = self.published(case)
        self.login(self.b.unit_head)
        page = self.client.get(f"/cases/{case.pk}/")
        self.assertContains(page, "record_remedy_outcome-outcome")
        self.assertContains(page, 'id="publicity-panel"')
        data = {
            "record_remedy_outcome-kind": "reconsideration",
            "record_remedy_outcome-outcome": "changed",
            "record_remedy_outcome-decided_on": "2026-06-01",
            "record_remedy_outcome-organ": "四平市铁西区人民政府",
            "record_remedy_outcome-document_no": "铁西复决〔2026〕9号",
        }
        self.client.post(f"/cases/{case.pk}/act/record_remedy_outcome/", data)
        case.refresh_from_db()
        self.assertEqual(case.facts["remedy_outcome"]["outcome"], "changed")
        pub.refresh_from_db()
        self.assertEqual(pub.state, PublicationState.WITHDRAWN)
        self.assertIn("铁西复决〔2026〕9号", pub.withdrawal_reason)

    def test_an_officer_may_not_record_it_and_bad_input_is_refused(self) -> None:
        case = self.decided()
        pub = self.published(case)
        day = timezone.localdate()
        with self.assertRaises(ValidationFailed):
            case_record_remedy_outcome(
                actor=self.b.unit_head, case=case, kind="appeal", outcome="revoked", decided_on=day, organ="x"
            )
        with self.assertRaises(AccessDenied):
            case_record_remedy_outcome(
                actor=self.b.officer, case=case, kind="litigation", outcome="revoked", decided_on=day, organ="法院"
            )
        case.refresh_from_db()
        pub.refresh_from_db()
        self.assertNotIn("remedy_outcome", case.facts)
        self.assertEqual(pub.state, PublicationState.PUBLISHED)
