"""The start pages and the case page's step forms of the simple, inspection and compulsory procedures, over HTTP.

Each procedure is walked from its start page to the archive through the
forms, every event checked as it lands; the main gates' refusals (a fine
above the on-the-spot limit, cash without a receipt, a seizure at night) are
shown on the form with their reasons. Time is frozen on 1 June 2026 (a
Monday) at 09:00 unless a test travels.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from sanxiang.cases import actions_compulsory
from sanxiang.cases.api import steps_compulsory, steps_inspection
from sanxiang.cases.forms import compulsory as compulsory_forms
from sanxiang.cases.forms import inspection as inspection_forms
from sanxiang.cases.forms import registry
from sanxiang.cases.forms.start import CompulsoryStartForm, InspectionStartForm, SimpleStartForm
from sanxiang.cases.models import Case
from sanxiang.cases.tests.test_case_views import CaseViewTestCase, page_url, panel, timeline
from sanxiang.documents.actions import dossier_issue_missing
from sanxiang.evidence.testing import attach_recording
from sanxiang.org.models import Unit, User
from sanxiang.procedures import definitions
from sanxiang.procedures.definitions import inspection as inspection_definition

START_SIMPLE = reverse("cases:start_simple")
START_INSPECTION = reverse("cases:start_inspection")
START_COMPULSORY = reverse("cases:start_compulsory")
STARTS = (START_SIMPLE, START_INSPECTION, START_COMPULSORY)

#: Transitions with no step form, and why: each creates the case, so its start page takes it.
WITHOUT_FORM: dict[str, dict[str, str]] = {
    "simple": {"decide_on_the_spot": START_SIMPLE},
    "inspection": {"start_inspection": START_INSPECTION},
    "compulsory": {"approve_measure": START_COMPULSORY, "emergency_measure": START_COMPULSORY},
}

NIGHT = "No compulsory measure at night (22:00-06:00) unless there is an emergency: record it (AEL Art. 43)."
RECEIPT = (
    "Issue the finance department's official receipt and enter its number: without it the party may refuse to "
    "pay (APL Art. 70)."
)
PERSON_LIMIT = "A fine decided on the spot may not exceed 200 yuan for a natural person (APL Art. 51)."


def party(**overrides: Any) -> dict[str, Any]:
    data = {
        "party_kind": "person",
        "party_name": "张三",
        "party_id_type": "resident_id",
        "party_id_number": "11010519491231002X",
        "party_address": "铁西区某街1号",
        "party_phone": "",
        "party_legal_representative": "",
    }
    data.update(overrides)
    return data


class StartTestCase(CaseViewTestCase):
    """Form data of the three start pages, and the walk through step forms."""

    def login(self, user: User) -> None:
        """A fresh session each time: after a day's travel the idle timeout would end a kept one."""
        self.client.logout()
        super().login(user)

    def where(self) -> dict[str, Any]:
        b = self.b
        return {
            "source": "patrol",
            "unit": b.squad1.pk,
            "category": b.city_appearance.pk,
            "region": b.street.pk,
            "location": "站前街道中央路",
            "officers": [b.officer.pk, b.officer2.pk],
        }

    def simple_data(self, **overrides: Any) -> dict[str, Any]:
        data = {
            **party(),
            **self.where(),
            "violation": self.violation.pk,
            "summary": "占道经营",
            "act_date": "2026-06-01",
            "types": ["fine"],
            "fine_yuan": "50",
            "form_number": "No.000001",
            "facts_conclusive": "on",
            "party_signed": "on",
            "refusal_note": "",
        }
        data.update(overrides)
        return data

    def inspection_data(self, **overrides: Any) -> dict[str, Any]:
        data = {
            **party(party_name="", party_id_number=""),
            **self.where(),
            "source_detail": "",
            "purpose": "门前三包检查",
        }
        data.update(overrides)
        return data

    def compulsory_data(self, how: str, **overrides: Any) -> dict[str, Any]:
        data = {
            **party(),
            **self.where(),
            "how": how,
            "measure": "seize",
            "legal_basis": "《城市市容和环境卫生管理条例》第三十六条",
            "reasons": "流动摊贩占道经营，拒不改正",
            "related_case": "",
            "items": "",
            "party_present": "on",
            "witness": "",
            "emergency_reason": "",
        }
        data.update(overrides)
        return data

    def start(self, user: User, url: str, data: dict[str, Any]) -> Case:
        self.login(user)
        response = self.client.post(url, data)
        errors = response.context and response.context["form"].errors
        self.assertEqual(response.status_code, 302, errors)
        case = Case.objects.order_by("-pk").first()
        assert case is not None
        self.assertEqual(response["Location"], page_url(case))
        return case

    def refused_start(self, user: User, url: str, data: dict[str, Any]) -> Any:
        """Post a start form that must be refused: the form is shown again and no case is left."""
        before = Case.objects.count()
        self.login(user)
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(Case.objects.count(), before)
        return response.context["form"]

    def walk(self, case: Case, steps: list[tuple[User, str, dict[str, Any]]]) -> None:
        """Submit each step's form: each must be recorded, and no panel on the page lacks a form."""
        for user, code, data in steps:
            with self.subTest(step=code):
                if code == "archive":  # 归档 needs the dossier's documents, issued from the documents panel
                    dossier_issue_missing(actor=user, case=Case.objects.get(pk=case.pk))
                self.panels(user, case)
                response = self.post_step(user, case, code, data)
                # (a successful archive renders the 卷内目录, whose template context is captured too: no panels)
                context = response.context
                errors = context and "panels" in context and [p.form.errors for p in context["panels"] if p.form]
                self.assertRedirects(response, page_url(case), fetch_redirect_response=False, msg_prefix=str(errors))
                self.assertEqual(case.events.order_by("-seq").values_list("transition", flat=True)[0], code)

    def panels(self, user: User, case: Case) -> list[Any]:
        self.login(user)
        response = self.client.get(page_url(case))
        self.assertEqual(response.status_code, 200, response.get("Location"))
        self.assertNotContains(response, "No form for this step yet.")
        return list(response.context["panels"])

    def refused_step(self, user: User, case: Case, code: str, data: dict[str, Any]) -> list[str]:
        """Post a step that must be refused; the errors shown on its form (no event is added)."""
        before = case.events.count()
        response = self.post_step(user, case, code, data)
        self.assertEqual(response.status_code, 200, response.get("Location"))
        self.assertEqual(case.events.count(), before)
        form = panel(response, code).form
        return [str(e) for errors in form.errors.values() for e in errors]


# --- The registry ---------------------------------------------------------------------------------


class RegistryTests(StartTestCase):
    def test_every_transition_has_a_form_but_those_that_start_the_case(self):
        for code, without in WITHOUT_FORM.items():
            with self.subTest(procedure=code):
                proc = definitions.get(code)
                transitions = {t.code for t in proc.transitions}
                self.assertEqual(transitions - set(registry.ACTION_FORMS[code]), set(without))
                self.assertEqual(set(registry.ACTION_FORMS[code]) - transitions, set())
                self.assertEqual({t.code for t in proc.transitions if t.sources == {""}}, set(without))

    def test_the_start_forms_take_the_transitions_without_a_step_form(self):
        none = Unit.objects.none()
        how: Any = CompulsoryStartForm(actor=self.b.unit_head, units=none).fields["how"]
        taken = {
            SimpleStartForm(actor=self.b.officer, units=none).transition_code(),
            InspectionStartForm(actor=self.b.officer, units=none).transition_code(),
            *(code for code, _ in how.choices),
        }
        self.assertEqual(taken, {code for without in WITHOUT_FORM.values() for code in without})

    def test_input_guards_are_guards_of_their_transition(self):
        for code in WITHOUT_FORM:
            proc = definitions.get(code)
            for move_code, spec in registry.ACTION_FORMS[code].items():
                with self.subTest(procedure=code, transition=move_code):
                    self.assertLessEqual(spec.input_guards, set(proc.transition(move_code).guards))

    def test_the_form_choices_are_the_values_the_actions_and_the_api_accept(self):
        from typing import get_args

        table = [
            (compulsory_forms.MEASURE_KINDS, actions_compulsory.MEASURE_KINDS, steps_compulsory.MeasureKind),
            (compulsory_forms.RELEASE_GROUNDS, actions_compulsory.RELEASE_GROUNDS, steps_compulsory.ReleaseGround),
            (compulsory_forms.DISPOSALS, actions_compulsory.DISPOSALS, steps_compulsory.Disposal),
            (inspection_forms.RESULTS, inspection_definition.RESULTS, steps_inspection.InspectionResult),
        ]
        for labels, accepted, literal in table:
            with self.subTest(values=sorted(accepted)):
                self.assertEqual(set(labels), accepted)
                self.assertEqual(set(get_args(literal)), accepted)


# --- The start pages: who, and which units ----------------------------------------------------------


class StartPageAccessTests(StartTestCase):
    def test_they_are_404_for_anyone_but_officers_and_unit_heads(self):
        b = self.b
        for user in (b.leader, b.supervisor, b.reviewer, b.sysadmin, b.auxiliary):
            for url in STARTS:
                with self.subTest(user=user.username, url=url):
                    self.login(user)
                    self.assertEqual(self.client.get(url).status_code, 404)
                    self.assertEqual(self.client.post(url, self.simple_data()).status_code, 404)
        self.assertIs(Case.objects.exists(), False)

    def test_they_send_an_anonymous_visitor_to_the_login_page(self):
        for url in STARTS:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response["Location"].startswith(reverse("login")))

    def test_they_offer_the_officer_their_unit_and_the_unit_head_their_subtree(self):
        b = self.b
        cases = [
            (b.officer, {b.squad1}, {b.officer, b.officer2}),
            (b.unit_head, {b.brigade, b.squad1, b.squad2}, {b.officer, b.officer2, b.other_officer, b.unit_head}),
        ]
        for user, units, officers in cases:
            for url in STARTS:
                with self.subTest(user=user.username, url=url):
                    self.login(user)
                    response = self.client.get(url)
                    self.assertEqual(response.status_code, 200)
                    form = response.context["form"]
                    self.assertEqual(set(form.fields["unit"].queryset), units)
                    self.assertEqual(set(form.fields["officers"].queryset), officers)

    def test_an_officer_may_not_start_in_another_unit(self):
        form = self.refused_start(self.b.officer, START_SIMPLE, self.simple_data(unit=self.b.squad2.pk))
        self.assertIn("unit", form.errors)

    def test_an_officer_takes_a_measure_only_in_an_emergency(self):
        self.login(self.b.officer)
        form = self.client.get(START_COMPULSORY).context["form"]
        self.assertEqual([code for code, _ in form.fields["how"].choices], ["emergency_measure"])
        refused = self.refused_start(self.b.officer, START_COMPULSORY, self.compulsory_data("approve_measure"))
        self.assertIn("how", refused.errors)

    def test_each_page_renders_its_sections(self):
        self.login(self.b.unit_head)
        for url, texts in (
            (START_SIMPLE, ["Decide a penalty on the spot", "Number of the pre-printed decision form"]),
            (START_INSPECTION, ["Start an inspection", "Purpose of the inspection", "Party (if known)"]),
            (START_COMPULSORY, ["Compulsory measure (sealing or seizure)", "Approve a compulsory measure",
                                "Take a compulsory measure in an emergency", "Items sealed up or seized"]),
        ):  # fmt: skip
            with self.subTest(url=url):
                response = self.client.get(url)
                for text in texts:
                    self.assertContains(response, text)
                self.assertContains(response, 'type="checkbox" name="officers"')


# --- 简易程序 ---------------------------------------------------------------------------------------


class SimpleProcedureFormTests(StartTestCase):
    def test_it_walks_a_cash_fine_from_the_start_page_to_the_archive(self):
        b = self.b
        case = self.start(b.officer, START_SIMPLE, self.simple_data())
        page = self.client.get(page_url(case))
        self.assertContains(page, "“Decide a penalty on the spot” is recorded.")
        self.assertEqual(
            (case.procedure, case.state, case.number), ("simple", "decided_on_spot", "铁西城管简〔2026〕1号")
        )
        self.assertEqual(
            list(case.handler_links.order_by("-role").values_list("user", flat=True)), [b.officer.pk, b.officer2.pk]
        )
        panels = {p.move.code: p for p in self.panels(b.officer, case)}
        self.assertEqual(panels["hand_in_cash"].reasons, ["No cash collected on the spot is waiting to be handed in."])
        self.assertIsNotNone(panels["collect_on_the_spot"].form)

        self.assertEqual(self.refused_step(b.officer, case, "collect_on_the_spot", {"receipt_no": " "}),
                         ["“Collect the fine in cash on the spot” is refused.", RECEIPT])  # fmt: skip
        self.walk(
            case,
            [
                (b.officer, "collect_on_the_spot", {"receipt_no": "财政票据0001", "place": "站前街道中央路"}),
                (b.officer, "file_record", {"note": "已报备"}),
                (b.officer, "hand_in_cash", {"received_by": "财务科"}),
                (b.unit_head, "deposit_cash", {"bank_receipt_no": "BANK-1"}),
                (b.unit_head, "close", {"report": "已缴纳"}),
                (b.unit_head, "archive", {}),
            ],
        )
        case.refresh_from_db()
        self.assertEqual(
            (case.state, case.facts["paid_fen"], case.facts["cash"]["receipt_no"]), ("archived", 5_000, "财政票据0001")
        )
        self.assertEqual(
            timeline(self.client.get(page_url(case))),
            ["decide_on_the_spot", "collect_on_the_spot", "file_record", "hand_in_cash", "deposit_cash", "close",
             "archive"],
        )  # fmt: skip

    def test_a_fine_above_the_limit_is_refused_with_its_reason_and_leaves_no_case(self):
        form = self.refused_start(self.b.officer, START_SIMPLE, self.simple_data(fine_yuan="200.01"))
        self.assertEqual(form.non_field_errors(), ["“Decide a penalty on the spot” is refused.", PERSON_LIMIT])
        case = self.start(self.b.officer, START_SIMPLE, self.simple_data(fine_yuan="200"))
        self.assertEqual(case.lead_number, "铁西城管案源〔2026〕1号")

    def test_the_officers_the_facts_and_the_form_number_are_gates(self):
        b = self.b
        data = self.simple_data(violation="", facts_conclusive="", form_number="", officers=[b.officer.pk])
        errors = list(self.refused_start(b.officer, START_SIMPLE, data).non_field_errors())
        self.assertEqual(
            errors[1:],
            [
                "At least two qualified enforcement officers must decide a penalty on the spot (APL Art. 42, 52).",
                "A penalty is decided on the spot only when the facts are conclusive (APL Art. 51).",
                "Choose the violation, whose penalty provisions are the legal basis (APL Art. 51).",
                "Enter the number of the pre-printed decision form (APL Art. 52).",
            ],
        )

    def test_input_errors_are_shown_on_their_fields(self):
        b = self.b
        cases: list[tuple[dict[str, Any], str, str]] = [
            ({"party_id_number": "110105194912310021"}, "party_id_number", "The resident ID number is not valid"),
            ({"fine_yuan": ""}, "fine_yuan", "A fine needs an amount"),
            ({"party_signed": ""}, "refusal_note", "Note on the form that the party refused to sign"),
            ({"category": b.planning.pk}, "violation", "another enforcement category"),
            ({"act_date": "2026-06-02"}, "act_date", "The act cannot end after it was discovered."),
            ({"types": ["criticism"]}, "types", "Select a valid choice."),
        ]
        for overrides, field, message in cases:
            with self.subTest(field=field):
                form = self.refused_start(b.officer, START_SIMPLE, self.simple_data(**overrides))
                self.assertIn(message, " ".join(form.errors[field]))

    def test_a_warning_is_filed_and_a_bank_payment_settles_a_fine(self):
        b = self.b
        warning = self.start(b.officer, START_SIMPLE, self.simple_data(types=["warning"], fine_yuan=""))
        self.assertIs(warning.deadlines.exists(), False)
        self.walk(warning, [(b.officer, "file_record", {}), (b.unit_head, "close", {"report": "警告已送达"})])
        fine = self.start(b.officer, START_SIMPLE, self.simple_data(fine_yuan="150", form_number="No.000002"))
        self.walk(
            fine,
            [
                (b.officer, "file_record", {}),
                (b.officer, "record_payment", {"amount_yuan": "150", "paid_on": "2026-06-01", "receipt_no": "BANK-2"}),
                (b.unit_head, "close", {"report": "已缴纳"}),
            ],
        )
        fine.refresh_from_db()
        self.assertEqual((fine.state, fine.facts["paid_fen"]), ("closed", 15_000))

    def test_cash_above_100_yuan_needs_the_reason_on_the_form(self):
        case = self.start(self.b.officer, START_SIMPLE, self.simple_data(fine_yuan="150"))
        errors = self.refused_step(self.b.officer, case, "collect_on_the_spot", {"receipt_no": "R1"})
        self.assertIn("record why (APL Art. 68)", errors[1])
        self.walk(
            case,
            [(self.b.officer, "collect_on_the_spot", {"receipt_no": "R1", "hard_to_collect_reason": "外地流动摊贩"})],
        )


# --- 行政检查 ---------------------------------------------------------------------------------------


class InspectionFormTests(StartTestCase):
    def test_it_walks_an_inspection_that_finds_a_violation_to_the_archive(self):
        b = self.b
        case = self.start(b.officer, START_INSPECTION, self.inspection_data())
        self.assertEqual((case.procedure, case.state, case.summary), ("inspection", "inspecting", "门前三包检查"))
        self.assertIs(case.parties.exists(), False)
        conclude = {p.move.code: p for p in self.panels(b.officer, case)}["conclude_inspection"]
        self.assertEqual(conclude.reasons, ["Record the on-site inspection first (APL Art. 55)."])
        record = {"inspected": "店铺门前", "content": "店外摆放货架占用人行道", "recorded_at": "2026-06-01T09:00",
                  "place": "站前街道中央路12号"}  # fmt: skip
        conclusion = {"result": "violation_found", "findings": "店外占道经营", "violation": self.violation.pk,
                      "act_date": "2026-06-01", "rectify_by": ""}  # fmt: skip
        self.walk(
            case,
            [
                (b.officer, "record_inspection", record),
                (b.officer, "conclude_inspection", conclusion),
                (b.unit_head, "close", {"report": "已移交立案"}),
                (b.unit_head, "archive", {}),
            ],
        )
        case.refresh_from_db()
        lead = Case.objects.get(pk=case.facts["opened_case_id"])
        self.assertEqual((lead.procedure, lead.state, lead.violation, lead.source_detail),
                         ("general", "lead", self.violation, case.lead_number))  # fmt: skip
        self.assertEqual(case.state, "archived")
        self.assertEqual(case.events.get(transition="record_inspection").payload["content"], "店外摆放货架占用人行道")

    def test_the_party_is_recorded_when_known(self):
        case = self.start(self.b.officer, START_INSPECTION, self.inspection_data(**party()))
        self.assertEqual(list(case.parties.values_list("name", flat=True)), ["张三"])
        form = self.refused_start(self.b.officer, START_INSPECTION, self.inspection_data(party_name="李四"))
        self.assertEqual(set(form.errors), {"party_id_number"})

    def test_one_officer_is_refused_with_the_gates_reason(self):
        data = self.inspection_data(officers=[self.b.officer.pk, self.b.auxiliary.pk])
        form = self.refused_start(self.b.officer, START_INSPECTION, data)
        self.assertIn("officers", form.errors)  # the auxiliary is no officer: not even offered
        form = self.refused_start(self.b.officer, START_INSPECTION, self.inspection_data(officers=[self.b.officer.pk]))
        self.assertEqual(
            form.non_field_errors()[1],
            "At least two qualified enforcement officers must carry out an inspection (APL Art. 42, 55).",
        )

    def test_rectification_needs_a_future_date_on_its_field(self):
        b = self.b
        case = self.start(b.officer, START_INSPECTION, self.inspection_data())
        record = {"inspected": "门前", "content": "杂物堆放", "recorded_at": "2026-06-01T09:00", "place": "门前"}
        self.walk(case, [(b.officer, "record_inspection", record)])
        conclusion = {"result": "rectification_ordered", "findings": "杂物堆放", "rectify_by": "2026-06-01"}
        errors = self.refused_step(b.officer, case, "conclude_inspection", conclusion)
        self.assertEqual(errors, ["Set a future date by which the party must rectify."])
        self.walk(case, [(b.officer, "conclude_inspection", {**conclusion, "rectify_by": "2026-06-08"})])


# --- 行政强制措施 -----------------------------------------------------------------------------------


class CompulsoryFormTests(StartTestCase):
    def test_it_walks_an_approved_seizure_to_a_decision_on_the_items_and_the_archive(self):
        b = self.b
        penalty_case = self.register(self.new_lead())
        case = self.start(b.unit_head, START_COMPULSORY, self.compulsory_data("approve_measure"))
        self.assertEqual((case.procedure, case.state, case.facts["measure_kind"]), ("compulsory", "approved", "seize"))
        self.assertContains(self.client.get(page_url(case)), "“Approve a compulsory measure” is recorded.")
        attach_recording(case, "apply_measure", b.officer)  # 查封扣押 on video (RULES §3.2)
        self.travel("2026-06-01", 23)
        items = {"items": "三轮车一辆\n遮阳伞一把", "party_present": "on", "witness": "", "place": "站前街道"}
        errors = self.refused_step(b.officer, case, "apply_measure", {**items, "emergency_reason": ""})
        self.assertEqual(errors, ["“Apply the measure on site” is refused.", NIGHT])
        self.travel("2026-06-02", 10)
        assert penalty_case.number is not None
        self.walk(case, [(b.officer, "apply_measure", items)])
        self.travel("2026-06-29", 10)
        extension = {"days": "31", "reasons": "需进一步核实物品权属", "notice_served_on": "2026-06-29"}
        errors = self.refused_step(b.unit_head, case, "extend_measure", extension)
        self.assertEqual(errors[1], "The measure may be extended by at most 30 days (AEL Art. 25).")
        self.walk(
            case,
            [
                (b.unit_head, "extend_measure", {**extension, "days": "20"}),
                (b.unit_head, "decide_disposal", {"disposal": "confiscate", "decision": "依法没收",
                                                  "penalty_case": penalty_case.number}),
                (b.unit_head, "close", {"report": "已作出处理决定"}),
                (b.unit_head, "archive", {}),
            ],
        )  # fmt: skip
        case.refresh_from_db()
        self.assertEqual(case.facts["items"], ["三轮车一辆", "遮阳伞一把"])
        self.assertEqual((case.state, case.facts["penalty_case_id"]), ("archived", penalty_case.pk))
        periods = case.deadlines.filter(code="measure_period").order_by("id")
        self.assertEqual([d.due_on.isoformat() for d in periods], ["2026-07-02", "2026-07-22"])

    def test_an_emergency_seizure_at_night_is_approved_afterwards_and_released(self):
        b = self.b
        self.travel("2026-06-01", 23)
        on_site = {"items": "烧烤炉一台", "party_present": "", "witness": "李四（路人）",
                   "emergency_reason": "夜间占道烧烤，当事人拟携物离开"}  # fmt: skip
        case = self.start(b.officer, START_COMPULSORY, self.compulsory_data("emergency_measure", **on_site))
        self.assertEqual(
            (case.state, case.facts["emergency"], case.facts["measure_approved"]), ("applied", True, False)
        )
        attach_recording(case, "emergency_measure", b.officer)
        self.travel("2026-06-02", 10)
        self.walk(
            case,
            [
                (b.unit_head, "approve_emergency", {"opinion": "同意"}),
                (b.unit_head, "release_measure", {"ground": "not_needed", "note": "物品已发还"}),
                (b.unit_head, "close", {"report": "已解除扣押"}),
                (b.unit_head, "archive", {}),
            ],
        )
        case.refresh_from_db()
        self.assertEqual((case.state, case.facts["release_ground"]), ("archived", "not_needed"))

    def test_a_measure_started_without_an_emergency_reason_or_items_is_refused_on_the_fields(self):
        b = self.b
        cases = [
            ({"items": "烧烤炉一台"}, "emergency_reason", "Record why the measure could not wait for approval"),
            ({"emergency_reason": "当事人拟携物离开"}, "items", "List the items sealed up or seized"),
            ({"items": "a", "emergency_reason": "b", "party_present": ""}, "witness", "a witness signs"),
            ({"related_case": "铁西城管立〔2026〕99号"}, "related_case", "No case you may read has this number."),
            ({"legal_basis": " "}, "legal_basis", "This field is required."),
        ]
        for overrides, field, message in cases:
            with self.subTest(field=field):
                form = self.refused_start(
                    b.officer, START_COMPULSORY, self.compulsory_data("emergency_measure", **overrides)
                )
                self.assertIn(message, " ".join(form.errors[field]))

    def test_a_measure_records_the_case_it_serves(self):
        related = self.register(self.new_lead())
        assert related.number is not None
        case = self.start(
            self.b.unit_head, START_COMPULSORY, self.compulsory_data("approve_measure", related_case=related.number)
        )
        self.assertEqual((case.facts["related_case_id"], case.source_detail), (related.pk, related.number))

    def test_only_an_emergency_measure_shows_the_approval_afterwards_as_possible(self):
        case = self.start(self.b.unit_head, START_COMPULSORY, self.compulsory_data("approve_measure"))
        attach_recording(case, "apply_measure", self.b.officer)
        case = actions_compulsory.case_apply_measure(
            actor=self.b.officer, case=case, items=["三轮车"], party_present=True
        )
        panels = {p.move.code: p for p in self.panels(self.b.unit_head, case)}
        self.assertEqual(
            panels["approve_emergency"].reasons, ["Only a measure taken in an emergency is approved afterwards."]
        )
        self.assertEqual(
            {code for code, p in panels.items() if p.form is not None},
            {"extend_measure", "release_measure", "decide_disposal"},
        )
