"""法制审核意见书 and 集体讨论记录: issued for the review app's rows, printed with their fields, in the dossier.

The case passes 法制审核 (APL Art. 58) after a first review returned it, with counsel consulted, and its
heads discuss it collectively (APL Art. 57 para 2); both documents are checked with pdftotext.
"""

from __future__ import annotations

from django.utils import timezone

from sanxiang.cases.models import Case
from sanxiang.documents import actions as doc_actions
from sanxiang.documents.dossier import dossier_documents, missing_documents
from sanxiang.documents.models import IssuedDocument
from sanxiang.documents.selectors import issuable_documents
from sanxiang.documents.tests.base import DocumentTestCase, pdf_text, stored_pdf
from sanxiang.lib.exceptions import ValidationFailed
from sanxiang.org.models import Role, StaffKind, User
from sanxiang.review import actions
from sanxiang.review.models import CollectiveDiscussion, ReviewOpinion
from sanxiang.review.points import Finding, ReviewPoint
from sanxiang.review.testing import pass_review
from sanxiang.testing import _staff

POINTS = ("行政执法主体是否合法", "行政执法人员是否具备执法资格", "主要事实是否清楚", "证据是否确凿充分",
          "适用法律法规规章是否准确", "执行裁量基准是否适当", "程序是否合法", "是否有超越本机关职权范围或滥用职权情形",
          "行政执法文书是否规范齐备", "违法行为是否涉嫌犯罪需要移送司法机关", "其他应审核的内容")  # fmt: skip


class ReviewDocumentTests(DocumentTestCase):
    counsel: User
    leader2: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        est = StaffKind.ESTABLISHED
        cls.counsel = _staff(cls.b.system, "counsel", "林律师", None, StaffKind.CONTRACT, Role.COUNSEL)
        cls.leader2 = _staff(cls.b.system, "leader2", "何副局长", cls.b.office, est, Role.LEADER)

    def text(self, doc: IssuedDocument) -> str:
        return pdf_text(stored_pdf(doc)).replace("\n", "").replace(" ", "")

    def assertPrints(self, doc: IssuedDocument, *expected: str) -> None:
        text = self.text(doc)
        for item in (doc.title, "四平市铁西区城市管理行政执法局", *expected):
            with self.subTest(doc=doc.doc_type, expected=item):
                self.assertIn(item.replace(" ", ""), text)

    def returned_then_passed(self) -> tuple[Case, ReviewOpinion, ReviewOpinion]:
        """Notified; the first draft is returned (counsel consulted), the second passes."""
        case = self.notified()
        actions.draft_save(
            actor=self.b.officer, case=case, types=["fine"], fine_fen=50_000, facts_text="当事人在站前街道占道经营。",
            legal_basis="《城市市容和环境卫生管理条例》第三十六条",
        )  # fmt: skip
        submission = actions.review_submit(actor=self.b.officer, case=case)
        actions.review_assign(actor=self.b.reviewer, submission=submission, reviewer=self.b.reviewer)
        referral = actions.counsel_refer(
            actor=self.b.reviewer, submission=submission, counsel=self.counsel, question="是否构成连续违法？"
        )
        actions.counsel_opinion_give(actor=self.counsel, referral=referral, text="不构成连续违法。")
        findings = {p.value: (Finding.OK.value, "") for p in ReviewPoint}
        findings["evidence"] = (Finding.PROBLEM.value, "缺少现场照片")
        returned = actions.review_opinion_give(
            actor=self.b.reviewer, submission=submission, findings=findings, outcome="return",
            summary="证据不足，退回补充调查。", return_items="补充现场照片后重新送审",
        )  # fmt: skip
        passed = pass_review(case=case, author=self.b.officer, reviewer=self.b.reviewer)
        return case, returned, passed

    def discussed(self, case: Case, *, sign: bool = True) -> CollectiveDiscussion:
        discussion = actions.discussion_record(
            actor=self.b.unit_head, case=case, chair=self.b.leader, participants=[self.leader2, self.b.unit_head],
            held_on=timezone.localdate(), minutes="局长办公会讨论，承办人汇报案情。", conclusion="同意按草案作出处罚决定",
        )  # fmt: skip
        if sign:
            actions.discussion_sign(actor=self.b.leader, discussion=discussion)
        return discussion

    def test_the_legal_review_opinion_prints_the_draft_every_point_and_the_outcome(self) -> None:
        case, returned, passed = self.returned_then_passed()
        party = case.parties.get()
        doc = self.issue(case, "legal_review_opinion")  # the latest opinion by default
        self.assertEqual((doc.number, doc.data["source"]["id"]), ("", passed.pk))  # internal form: no 文号
        self.assertPrints(
            doc, case.number or "", party.name, "第2稿", "罚款人民币500.00元", "事实清楚，证据确凿。",
            "《城市市容和环境卫生管理条例》", "无适用的裁量基准", "审核人", self.b.reviewer.full_name,
            "2026年6月1日", "经审核，同意。", "审核通过", "法制机构负责人（签名）", "（印章）", *POINTS,
        )  # fmt: skip
        self.assertNotIn("退回补正", self.text(doc))
        first = self.issue(case, "legal_review_opinion", source=returned.pk)
        self.assertPrints(
            first, "第1稿", "当事人在站前街道占道经营。", "第三十六条", "退回补正", "证据是否确凿充分：缺少现场照片",
            "补充现场照片后重新送审", "林律师意见", "咨询事项：是否构成连续违法？", "不构成连续违法。", "存在问题",
        )  # fmt: skip

    def test_the_collective_discussion_record_prints_its_people_minutes_and_sign_off(self) -> None:
        case, _returned, _passed = self.returned_then_passed()
        self.discussed(case)
        doc = self.issue(case, "collective_discussion")
        self.assertEqual(doc.number, "")
        self.assertPrints(
            doc, case.number or "", "讨论时间", "2026年6月1日", "主持人", self.b.leader.full_name, "何副局长",
            self.b.unit_head.full_name, "第2稿", "罚款人民币500.00元", "局长办公会讨论，承办人汇报案情。",
            "同意按草案作出处罚决定", "主持人（签名）", "签署日期",
        )  # fmt: skip

    def test_an_unsigned_discussion_or_a_missing_review_cannot_be_issued(self) -> None:
        case = self.notified()
        with self.assertRaisesMessage(ValidationFailed, "no legal review opinion"):
            doc_actions.document_issue(actor=self.b.officer, case=case, doc_type="legal_review_opinion")
        case, _returned, passed = self.returned_then_passed()
        self.discussed(case, sign=False)
        with self.assertRaisesMessage(ValidationFailed, "no signed collective discussion"):
            doc_actions.document_issue(actor=self.b.officer, case=case, doc_type="collective_discussion")
        other = self.notified()
        with self.assertRaisesMessage(ValidationFailed, "no legal review opinion"):  # another case's opinion
            doc_actions.document_issue(
                actor=self.b.officer, case=other, doc_type="legal_review_opinion", source=passed.pk
            )
        event = case.events.order_by("-seq").first()
        with self.assertRaisesMessage(ValidationFailed, "issued for a review record"):
            doc_actions.document_issue(actor=self.b.officer, case=case, doc_type="legal_review_opinion", event=event)

    def test_the_panel_offers_each_opinion_and_signed_discussion_until_issued(self) -> None:
        def offered(case: Case) -> set[tuple[str, int | None]]:
            return {(i.doc_type, i.source) for i in issuable_documents(case) if i.source is not None}

        case = self.notified()
        self.assertEqual(offered(case), set())
        case, returned, passed = self.returned_then_passed()
        discussion = self.discussed(case)
        self.assertEqual(
            offered(case),
            {("legal_review_opinion", returned.pk), ("legal_review_opinion", passed.pk),
             ("collective_discussion", discussion.pk)},
        )  # fmt: skip
        doc = self.issue(case, "legal_review_opinion", source=returned.pk)
        self.assertNotIn(("legal_review_opinion", returned.pk), offered(case))
        correction = self.issue(case, "legal_review_opinion", corrects=doc)  # for the same opinion
        self.assertEqual(correction.data["source"]["id"], returned.pk)

    def test_the_dossier_needs_them_only_when_the_case_had_a_review_or_discussion(self) -> None:
        plain = self.served()
        self.assertNotIn("Legal review opinion", missing_documents(plain))
        self.assertNotIn("Collective discussion record", missing_documents(plain))
        case, _returned, _passed = self.returned_then_passed()
        self.discussed(case)
        self.assertIn("Legal review opinion", missing_documents(case))
        self.assertIn("Collective discussion record", missing_documents(case))
        doc_actions.dossier_issue_missing(actor=self.b.unit_head, case=case)
        self.assertNotIn("Legal review opinion", missing_documents(case))
        self.assertNotIn("Collective discussion record", missing_documents(case))
        codes = [d.doc_type for d in dossier_documents(case)]
        # 副卷 (RULES.md §8.2): investigation report and approvals, then legal review, then discussion.
        self.assertEqual(codes.count("legal_review_opinion"), 2)
        self.assertLess(codes.index("penalty_decision" if "penalty_decision" in codes else "prior_notice"),
                        codes.index("investigation_report"))  # fmt: skip
        self.assertLess(codes.index("investigation_report"), codes.index("legal_review_opinion"))
        self.assertLess(codes.index("legal_review_opinion"), codes.index("collective_discussion"))
