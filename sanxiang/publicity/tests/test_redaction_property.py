"""Property test of redaction (RULES.md §10): generated parties and free text full of personal data.

Parties get valid-checksum resident ID numbers, mobile numbers, addresses; the
free text adds bank card numbers (Luhn), landlines, third parties' names and
health information. After the case is decided and its publication published,
none of it appears in any public page, the feed, the API or the exports.
"""

from __future__ import annotations

import csv
import io
import json
import unittest

from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase
from openpyxl import load_workbook

from sanxiang.cases import actions as case_actions
from sanxiang.cases.models import IdType, PartyKind
from sanxiang.lib.idnumbers import id_number_check_char
from sanxiang.publicity.redaction import Known, redact
from sanxiang.publicity.tests.base import PublicityTestCase

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊洋艳勇杰娟涛超秀霞刚桂英华慧巧美淑惠珠翠雅芝玉萍红娥玲芬燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹香月莺媛瑞凡佳嘉琼勤珍贞莉"
REGIONS = ("220302", "220303", "110105", "320102", "440305")
ROADS = ("中兴", "英雄", "北门", "仁兴", "地直", "紫气", "南新")
DISEASES = ("糖尿病", "高血压", "抑郁症", "心脏病", "乙肝")


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    year = draw(st.integers(1950, 1990))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, 28))
    first17 = f"{draw(st.sampled_from(REGIONS))}{year:04d}{month:02d}{day:02d}{draw(st.integers(0, 999)):03d}"
    return first17 + id_number_check_char(first17)


def luhn_complete(digits: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 0:
            n = n * 2 - 9 if n * 2 > 9 else n * 2
        total += n
    return digits + str((10 - total % 10) % 10)


@st.composite
def bank_cards(draw: st.DrawFn) -> str:
    body = "62" + "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=13, max_size=16)))
    card = luhn_complete(body)
    if draw(st.booleans()):
        card = " ".join(card[i : i + 4] for i in range(0, len(card), 4))
    return card


mobiles = st.builds(lambda a, b: f"1{a}{b:09d}", st.sampled_from("3456789"), st.integers(0, 999_999_999))
landlines = st.builds(lambda n: f"0434-{n:07d}", st.integers(2_000_000, 9_999_999))
names = st.builds(lambda s, g: s + g, st.sampled_from(SURNAMES), st.text(GIVEN, min_size=1, max_size=2))


@st.composite
def addresses(draw: st.DrawFn) -> str:
    road = draw(st.sampled_from(ROADS))
    head = f"{draw(st.sampled_from(('铁西区', '铁东区', '')))}{road}{draw(st.sampled_from(('路', '街', '大街')))}"
    number = f"{draw(st.integers(1, 999))}号"
    if draw(st.booleans()):
        number += f"{draw(st.integers(1, 30))}栋{draw(st.integers(1, 6))}单元{draw(st.integers(101, 2808))}室"
    return head + number


class RedactionUnitTests(unittest.TestCase):
    @given(id_numbers(), mobiles, bank_cards(), landlines, addresses(), names, st.sampled_from(DISEASES))
    @settings(max_examples=300, deadline=None)
    def test_free_text_loses_every_pattern(self, idn, mobile, card, landline, address, name, disease) -> None:
        text = f"当事人{name}（身份证号{idn}，电话{mobile}）住{address}，另留座机{landline}；账户{card}。其自述患有{disease}。"
        out = redact(text, Known(masked_names={name: name[0] + "某某"}))
        for secret in (idn, mobile, card, card.replace(" ", ""), landline, address, name, disease):
            self.assertNotIn(secret, out)


class RedactionEverywhereTests(HypothesisTestCase, PublicityTestCase):
    @given(
        party=st.tuples(names, id_numbers(), addresses(), mobiles),
        third=names,
        third_phone=mobiles,
        card=bank_cards(),
        landline=landlines,
        other_address=addresses(),
        disease=st.sampled_from(DISEASES),
    )
    @settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    def test_nothing_personal_reaches_the_public(
        self, party, third, third_phone, card, landline, other_address, disease
    ) -> None:
        name, idn, address, phone = party
        if third == name or third in name or name in third:
            return
        secrets = [
            idn,
            address,
            phone,
            third,
            third_phone,
            card,
            card.replace(" ", ""),
            landline,
            other_address,
            disease,
            name,
        ]
        summary = (
            f"{name}（{idn}）在其住所{address}门前占道经营，证人{third}（{third_phone}）证实；其妻住{other_address}。"
        )
        reasons = f"当事人称患有{disease}，请求从轻；罚款请汇入账户{card}，联系{landline}。"
        pub = self._published_case(name, idn, address, phone, third, summary, reasons)
        texts = self._public_texts(pub.public_id)
        self.assertIn(name[0] + "某某", texts[f"/public/decisions/{pub.public_id}/"], "the decision is on its page")
        for label, text in texts.items():
            for secret in secrets:
                self.assertNotIn(secret, text, f"{secret!r} leaked into {label}")

    def _published_case(self, name: str, idn: str, address: str, phone: str, third: str, summary: str, reasons: str):
        party = case_actions.party_build(
            kind=PartyKind.PERSON, name=name, id_type=IdType.RESIDENT_ID, id_number=idn, address=address, phone=phone
        )
        case = self.registered(parties=[party], summary=summary)
        case = case_actions.case_record_transcript(
            actor=self.b.officer, case=case, kind="questioning", interviewee=third, content=f"问：……答：{summary}",
            recorded_at=timezone.now(), place="站前街道",
        )  # fmt: skip
        case = case_actions.case_conclude_investigation(
            actor=self.b.officer, case=case, report="事实清楚", proposal="罚款"
        )
        case = case_actions.case_examine(actor=self.b.unit_head, case=case, opinion="同意")
        case = self.notify(case)
        case = case_actions.case_waive_rights(actor=self.b.officer, case=case, signed_on=timezone.localdate())
        case = case_actions.case_decide(
            actor=self.b.unit_head, case=case, types=["fine"], fine_fen=50_000, reasons=reasons
        )
        return self.published(case)

    def _public_texts(self, public_id: str) -> dict[str, str]:
        texts = {}
        for url in (f"/public/decisions/{public_id}/", "/public/decisions/", "/public/", "/public/feed.atom",
                    "/public/decisions.csv", f"/public/decisions/{public_id}/correction/"):  # fmt: skip
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            texts[url] = response.content.decode("utf-8-sig")
        for url in (f"/api/v1/public/decisions/{public_id}", "/api/v1/public/decisions"):
            texts[url] = json.dumps(self.client.get(url).json(), ensure_ascii=False)
        workbook = load_workbook(io.BytesIO(self.client.get("/public/decisions.xlsx").content))
        sheet = workbook.active
        assert sheet is not None
        texts["xlsx"] = "\n".join(str(c.value) for row in sheet.iter_rows() for c in row)
        list(csv.reader(io.StringIO(texts["/public/decisions.csv"])))  # the CSV parses
        return texts
