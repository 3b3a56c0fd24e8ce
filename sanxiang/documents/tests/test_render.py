"""Every core document renders for a demo case and holds its required fields (checked with pdftotext)."""

from __future__ import annotations

from sanxiang.documents.tests.base import DocumentTestCase, pdf_text, stored_pdf


class PenaltyDecisionTests(DocumentTestCase):
    def test_it_prints_every_field_of_apl_article_59(self) -> None:
        case = self.served()
        assert case.violation is not None
        doc = self.issue(case, "penalty_decision", "decide")
        text = pdf_text(stored_pdf(doc)).replace("\n", "").replace(" ", "")
        party = case.parties.get()
        for expected in (
            "行政处罚决定书",
            doc.number,
            party.name,  # Art. 59 (一) name
            party.address,  # and address
            "违法事实和证据",  # (二)
            case.violation.violated_provisions,  # (三) type and basis
            "罚款人民币500.00元",
            "伍佰元整",
            "十五日内",  # (四) manner and deadline
            "每日按罚款数额的百分之三加处罚款",  # AEL Art. 45 surcharge standard
            "六十日内向四平市铁西区人民政府申请行政复议",  # (五) remedies, body and period
            "六个月内",
            "四平市铁西区人民法院",
            "四平市铁西区城市管理行政执法局",  # (六) agency and date
            "2026年6月1日",
            "—1—",
        ):
            with self.subTest(expected=expected):
                self.assertIn(expected, text)
        self.assertRegex(doc.number, r"^铁西城管罚决字〔2026〕第001号$")
