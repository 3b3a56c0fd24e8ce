"""The publication workflow: draft → submitted → approved → published → withdrawn/expired, every move logged."""

from __future__ import annotations

import datetime as dt
import json

from django.utils import timezone

from sanxiang.cases.actions_remedy import case_record_remedy_outcome
from sanxiang.lib.exceptions import AccessDenied, InvalidTransition, ValidationFailed
from sanxiang.publicity import actions
from sanxiang.publicity.models import PublicationEvent, PublicationKind, PublicationState, PublicationVersion
from sanxiang.publicity.selectors import overdue_board, public_publications
from sanxiang.publicity.tests.base import PublicityTestCase
from sanxiang.record.log import entry_seq, log_origin
from sanxiang.record.models import LogEntry
from sanxiang.record.sequencer import sequence_pending

S = PublicationState


class WorkflowTests(PublicityTestCase):
    def test_it_prepares_a_redacted_draft_with_its_deadline_from_the_decision(self) -> None:
        case = self.decided()
        pub = self.prepared(case)
        self.assertEqual((pub.kind, pub.state), (PublicationKind.PENALTY, S.DRAFT))
        self.assertEqual(pub.decided_on, dt.date(2026, 6, 1))
        self.assertEqual(pub.due_on, dt.date(2026, 6, 10))  # 7 working days after Monday 1 June 2026
        version = pub.latest_version
        assert version is not None
        self.assertEqual(version.fields["party"], "张某某")
        self.assertNotIn("11010519491231002X", version.body + str(version.fields))
        self.assertIs(self.prepared(case).pk == pub.pk, True, "preparing twice gives the same publication")

    def test_the_published_number_is_the_issued_decisions_and_the_case_number_before_one(self) -> None:
        from sanxiang.documents.actions import document_issue

        without = self.decided()
        version = self.prepared(without).latest_version
        assert version is not None
        self.assertEqual(version.fields["decision_number"], without.number)
        case = self.decided()
        document = document_issue(
            actor=self.b.unit_head, case=case, doc_type="penalty_decision", event=case.events.get(transition="decide")
        )
        self.assertTrue(document.number.startswith("铁西城管罚决字"), document.number)
        version = self.prepared(case).latest_version
        assert version is not None
        self.assertEqual(version.fields["decision_number"], document.number)

    def test_it_walks_to_published_and_logs_every_state(self) -> None:
        pub = self.published()
        self.assertEqual(pub.state, S.PUBLISHED)
        self.assertIsNotNone(pub.published_at)
        self.assertEqual(pub.expires_on, dt.date(2029, 6, 1))
        states = list(
            PublicationEvent.objects.filter(publication=pub).order_by("at", "id").values_list("state", flat=True)
        )
        self.assertEqual(states, [S.DRAFT, S.SUBMITTED, S.APPROVED, S.PUBLISHED])
        sequence_pending()  # outbox mode (PostgreSQL): the entries exist once sequenced
        bodies = LogEntry.objects.filter(log__origin=log_origin()).order_by("seq").values_list("body", flat=True)
        entries = [json.loads(bytes(body)) for body in bodies]
        logged = [e["data"]["state"] for e in entries if e["kind"] == "publicity.state"]
        self.assertEqual(logged, states)
        seqs = {entry_seq(event) for event in PublicationEvent.objects.filter(publication=pub)}
        self.assertEqual(len(seqs - {None}), 4)
        self.assertIn(pub, public_publications())

    def test_unpublished_items_are_not_public(self) -> None:
        pub = self.prepared()
        self.assertNotIn(pub, public_publications())
        pub = actions.publication_submit(actor=self.publicist, publication=pub)
        pub = actions.publication_approve(actor=self.b.leader, publication=pub)
        self.assertNotIn(pub, public_publications())

    def test_only_a_leader_approves_and_only_the_publicist_submits(self) -> None:
        pub = self.prepared()
        with self.assertRaises(AccessDenied):
            actions.publication_submit(actor=self.b.officer, publication=pub)
        pub = actions.publication_submit(actor=self.publicist, publication=pub)
        with self.assertRaises(AccessDenied):
            actions.publication_approve(actor=self.publicist, publication=pub)

    def test_publishing_a_draft_is_refused(self) -> None:
        pub = self.prepared()
        with self.assertRaises(InvalidTransition):
            actions.publication_publish(actor=self.publicist, publication=pub)

    def test_a_correction_is_a_new_version_with_a_public_note_and_the_old_one_stays_live(self) -> None:
        pub = self.published()
        with self.assertRaises(ValidationFailed):
            actions.publication_edit(actor=self.publicist, publication=pub, body="更正后的文字")
        pub = actions.publication_edit(
            actor=self.publicist, publication=pub, body="更正后的文字 电话13812345678", change_note="更正违法事实表述"
        )
        self.assertEqual(pub.state, S.DRAFT)
        self.assertIn(pub, public_publications(), "the published version stays until the correction is published")
        assert pub.latest_version is not None and pub.published_version is not None
        self.assertEqual((pub.latest_version.number, pub.published_version.number), (2, 1))
        self.assertNotIn("13812345678", pub.latest_version.body)
        pub = actions.publication_submit(actor=self.publicist, publication=pub)
        pub = actions.publication_approve(actor=self.b.leader, publication=pub)
        pub = actions.publication_publish(actor=self.publicist, publication=pub)
        self.assertEqual(pub.published_version.number, 2)  # type: ignore[union-attr]
        self.assertEqual(PublicationVersion.objects.filter(publication=pub).count(), 2)

    def test_revoking_the_decision_withdraws_the_publication_with_the_reason(self) -> None:
        case = self.decided()
        pub = self.published(case)
        case_record_remedy_outcome(
            actor=self.b.unit_head, case=case, kind="reconsideration", outcome="revoked",
            decided_on=timezone.localdate(), organ="四平市铁西区人民政府", document_no="铁西复决〔2026〕3号",
        )  # fmt: skip
        pub.refresh_from_db()
        self.assertEqual(pub.state, S.WITHDRAWN)
        self.assertIn("铁西复决〔2026〕3号", pub.withdrawal_reason)
        self.assertIn(pub, public_publications(), "the withdrawal and its reason stay visible")

    def test_an_upheld_decision_stays_published(self) -> None:
        case = self.decided()
        pub = self.published(case)
        case_record_remedy_outcome(
            actor=self.b.unit_head, case=case, kind="litigation", outcome="upheld",
            decided_on=timezone.localdate(), organ="四平市铁西区人民法院",
        )  # fmt: skip
        pub.refresh_from_db()
        self.assertEqual(pub.state, S.PUBLISHED)

    def test_the_board_lists_decided_cases_and_marks_the_overdue(self) -> None:
        case = self.decided()
        rows = overdue_board()
        self.assertEqual([(r.case, r.due_on) for r in rows], [(case, dt.date(2026, 6, 10))])
        self.assertIs(rows[0].overdue, False)
        self.travel("2026-06-11")
        self.assertIs(overdue_board()[0].overdue, True)
        self.published(case)
        self.assertEqual(overdue_board(), [])

    def test_minors_decisions_are_not_published(self) -> None:
        case = self.decided()
        case.parties.update(is_minor=True)
        self.assertIsNone(actions.publication_prepare_for_case(actor=self.b.system, case=case))
        self.assertEqual(overdue_board(), [])

    def test_expiry_ends_the_publication_period(self) -> None:
        pub = self.published()
        self.assertEqual(actions.publications_expire_due(actor=self.b.system, today=dt.date(2029, 6, 2)), 1)
        pub.refresh_from_db()
        self.assertEqual(pub.state, S.EXPIRED)
        self.assertNotIn(pub, public_publications())
