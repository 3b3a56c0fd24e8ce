"""The document set of RULES.md §8.1 renders for demo cases of each procedure, each with its required fields."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sanxiang.cases import actions, actions_compulsory, actions_simple
from sanxiang.cases.actions_compulsory import MeasureSubject
from sanxiang.cases.models import CaseSource, IdType, PartyKind
from sanxiang.cases.tests.test_gates_base import HEARING_FINE
from sanxiang.documents.models import IssuedDocument
from sanxiang.documents.tests.base import DocumentTestCase, pdf_text, stored_pdf
from sanxiang.evidence.testing import attach_recording


class DocumentSetTests(DocumentTestCase):
    def assertPrints(self, doc: IssuedDocument, *expected: str) -> None:
        text = pdf_text(stored_pdf(doc)).replace("\n", "").replace(" ", "")
        for item in (doc.title.replace(" ", ""), "四平市铁西区城市管理行政执法局", *expected):
            with self.subTest(doc=doc.doc_type, expected=item):
                self.assertIn(item.replace(" ", ""), text)

    def test_the_general_procedure_with_a_hearing(self) -> None:
        case = self.registered()
        self.assertPrints(self.issue(case, "filing_approval", "register"), "立案审批表", "占道经营", "同意立案")
        self.assertPrints(self.issue(case, "rectification_order"), "责令", "第二十八条", "改正")
        case = actions.case_record_transcript(
            actor=self.b.officer, case=case, kind="questioning", interviewee="张三", content="问：你在此摆摊多久？答：一周。",
            recorded_at=timezone.now(), place="站前街道",
        )  # fmt: skip
        self.assertPrints(
            self.issue(case, "transcript", "record_transcript"), "询问", "被询问人", "一周", "出示执法证件"
        )
        case = actions.case_record_transcript(
            actor=self.b.officer, case=case, kind="inspection", interviewee="张三", content="现场有三轮车一辆。",
            recorded_at=timezone.now(), place="站前街道",
        )  # fmt: skip
        doc = self.issue(case, "inspection_record", "record_transcript")
        self.assertPrints(doc, "现场检查（勘验）笔录", "三轮车一辆")
        case = actions.case_preserve_evidence(actor=self.b.unit_head, case=case, items=["遮阳伞一把"])
        self.assertPrints(self.issue(case, "preservation_notice", "preserve_evidence"), "遮阳伞一把", "七个工作日")
        case = actions.case_decide_preservation(actor=self.b.unit_head, case=case, decision="退还当事人")
        self.assertPrints(self.issue(case, "preservation_decision", "decide_preservation"), "退还当事人", "第五十六条")
        case = actions.case_conclude_investigation(
            actor=self.b.officer, case=case, report="事实清楚", proposal="罚款一万元"
        )
        self.assertPrints(self.issue(case, "investigation_report", "conclude_investigation"), "事实清楚", "罚款一万元")
        case = actions.case_examine(actor=self.b.unit_head, case=case, opinion="同意处罚")
        self.assertPrints(self.issue(case, "handling_approval", "examine"), "同意处罚", "罚款一万元")
        case = self.notify(case, HEARING_FINE)
        notice = self.issue(case, "prior_notice", "notify")
        self.assertPrints(notice, "陈述、申辩", "要求举行听证", "五个工作日", "罚款人民币10,000.00元", notice.number)
        self.travel("2026-06-02")
        case = actions.case_request_hearing(actor=self.b.officer, case=case, requested_on=timezone.localdate())
        case = actions.case_schedule_hearing(
            actor=self.b.unit_head, case=case, hearing_on=dt.date(2026, 6, 11), presider=self.b.leader,
            notice_served_on=timezone.localdate(), place="局听证室",
        )  # fmt: skip
        self.assertPrints(self.issue(case, "hearing_notice", "schedule_hearing"), "2026年6月11日", "吴局长", "局听证室")
        self.travel("2026-06-11")
        case = actions.case_hold_hearing(actor=self.b.unit_head, case=case, record="当事人称已改正。", report="维持")
        self.assertPrints(self.issue(case, "hearing_record", "hold_hearing"), "当事人称已改正", "吴局长")

    def test_the_decision_its_service_receipt_and_the_consent(self) -> None:
        # A hearing-eligible decision also needs the legal review (APL Art. 58): its documents come from
        # the review part; here a small fine shows the decision and its service.
        case = self.decided()
        decision = self.issue(case, "penalty_decision", "decide")
        self.assertPrints(decision, "伍佰元整", "四平市铁西区人民政府", "六个月", "百分之三")
        case = self.serve(case)
        receipt = self.issue(case, "service_receipt", "serve", refers_to=decision)
        self.assertPrints(receipt, "送达回证", decision.number, "直接送达", "张三", "2026年6月1日")
        self.assertPrints(self.issue(case, "electronic_consent"), "电子送达确认书", "同意")

    def test_a_statement_record(self) -> None:
        case = self.notified()
        case = actions.case_record_statement(
            actor=self.b.officer, case=case, statement="已经改正", recheck="属实，予以采纳"
        )
        self.assertPrints(self.issue(case, "statement_record", "record_statement"), "已经改正", "属实，予以采纳")

    def test_no_penalty_and_transfer(self) -> None:
        case = actions.case_decide_no_penalty(
            actor=self.b.unit_head, case=self.concluded(), ground="first_offence", reasons="首次违法"
        )
        self.assertPrints(
            self.issue(case, "no_penalty_decision", "decide_no_penalty"), "不予行政处罚", "初次违法", "教育"
        )
        case = actions.case_transfer(
            actor=self.b.unit_head, case=self.concluded(), organ="四平市公安局铁西分局", reasons="涉嫌犯罪"
        )
        self.assertPrints(
            self.issue(case, "transfer_letter", "transfer"), "四平市公安局铁西分局", "涉嫌犯罪", "第二十七条"
        )

    def test_demand_enforcement_and_closing(self) -> None:
        case = self.served()
        self.travel("2026-07-01")
        case = actions.case_send_demand(actor=self.b.officer, case=case, served_on=timezone.localdate())
        demand = self.issue(case, "demand_notice", "send_demand")
        self.assertPrints(demand, "催告", "十日内", "陈述和申辩", "500.00")
        case = actions.case_record_payment(
            actor=self.b.officer, case=case, amount_fen=50_000, paid_on=timezone.localdate(), receipt_no="R1"
        )
        case = actions.case_record_execution(actor=self.b.officer, case=case)
        case = actions.case_close(actor=self.b.unit_head, case=case, report="已缴清罚款")
        self.assertPrints(self.issue(case, "closing_report", "close"), "结案", "已缴清罚款", "500.00")

    def test_the_compulsory_measure_documents(self) -> None:
        party = actions.party_build(
            kind=PartyKind.PERSON, name="李四", id_type=IdType.RESIDENT_ID, id_number="11010519491231002X"
        )
        subject = MeasureSubject(
            source=CaseSource.PATROL, unit=self.b.squad1, category=self.b.city_appearance, region=self.b.street,
            location="站前街道中央路", reasons="流动摊贩占道经营，拒不改正", parties=[party],
        )  # fmt: skip
        case = actions_compulsory.case_approve_measure(
            actor=self.b.unit_head, subject=subject, measure="seize", legal_basis="《城市市容和环境卫生管理条例》第三十六条",
            officers=[self.b.officer, self.b.officer2],
        )  # fmt: skip
        self.assertPrints(self.issue(case, "measure_approval", "approve_measure"), "扣押", "同意")
        attach_recording(case, "apply_measure", self.b.officer)
        case = actions_compulsory.case_apply_measure(
            actor=self.b.officer, case=case, items=["三轮车一辆", "遮阳伞一把"], party_present=True
        )
        self.assertPrints(
            self.issue(case, "measure_decision", "apply_measure"), "扣押", "三十日", "第二十四条", "六十日内"
        )
        self.assertPrints(self.issue(case, "seizure_list", "apply_measure"), "三轮车一辆", "遮阳伞一把")
        self.assertPrints(self.issue(case, "onsite_record", "apply_measure"), "现场笔录", "三轮车一辆")
        self.travel("2026-06-20")
        case = actions_compulsory.case_extend_measure(
            actor=self.b.unit_head, case=case, days=20, reasons="需要检测", notice_served_on=timezone.localdate()
        )
        self.assertPrints(self.issue(case, "extension_notice", "extend_measure"), "延长20日", "需要检测", "第二十五条")
        case = actions_compulsory.case_release_measure(actor=self.b.unit_head, case=case, ground="not_needed")
        self.assertPrints(self.issue(case, "release_decision", "release_measure"), "解除", "退还", "第二十八条")

    def test_the_on_the_spot_decision_carries_the_review_first_notice(self) -> None:
        party = actions.party_build(
            kind=PartyKind.PERSON, name="王五", id_type=IdType.RESIDENT_ID, id_number="11010519491231002X"
        )
        case = actions_simple.case_decide_on_the_spot(
            actor=self.b.officer, unit=self.b.squad1, category=self.b.city_appearance, region=self.b.street,
            location="站前街道中央路", summary="占道经营", party=party, violation=self.violation,
            officers=[self.b.officer, self.b.officer2], types=["fine"], fine_fen=5_000, form_number="No.000123",
            facts_conclusive=True,
        )  # fmt: skip
        doc = self.issue(case, "on_the_spot_decision", "decide_on_the_spot")
        self.assertPrints(
            doc, "当场行政处罚决定书", "No.000123", "王五", "罚款人民币50.00元", "先向四平市铁西区人民政府申请行政复议",
            "第二十三条", "22030001", "第五十一条",
        )  # fmt: skip
