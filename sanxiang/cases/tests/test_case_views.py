"""The internal case pages through HTTP: list scope and filters, a new lead, the case page and its step forms.

Time is frozen on working days of June 2026 (``travel``); the personas are
those of ``sanxiang.testing``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from typing import Any
from unittest import mock

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sanxiang.cases import actions
from sanxiang.cases.forms import registry
from sanxiang.cases.models import Case, Conflict, Party
from sanxiang.cases.tests.test_general_procedure import CaseTestCase, at
from sanxiang.documents.actions import dossier_issue_missing
from sanxiang.lib.exceptions import InvalidTransition
from sanxiang.org.models import User
from sanxiang.review.testing import pass_review, second_reviewer

LIST = reverse("cases:case_list")
NEW = reverse("cases:lead_create")
_ROW_LINK = re.compile(r'<th scope="row"><a href="/cases/(\d+)/">')


def page_url(case: Case) -> str:
    return reverse("cases:case_detail", args=[case.pk])


def act_url(case: Case, code: str) -> str:
    return reverse("cases:case_act", args=[case.pk, code])


class CaseViewTestCase(CaseTestCase):
    """``CaseTestCase`` with time frozen on 1 June 2026 (a Monday) and helpers for the pages."""

    _coordinates: Any = None

    def setUp(self) -> None:
        super().setUp()
        self._coordinates = None
        self.travel("2026-06-01")

    def travel(self, day: str, hour: int = 9) -> None:
        """Freeze time at ``day``; a later call moves the running traveller."""
        if self._coordinates is None:
            traveller = time_machine.travel(at(day, hour), tick=False)
            self._coordinates = traveller.start()
            self.addCleanup(traveller.stop)
        else:
            self._coordinates.move_to(at(day, hour))

    def case_ids(self, response) -> list[int]:
        """The ids of the cases listed on a case list page, in order."""
        return [int(i) for i in _ROW_LINK.findall(response.content.decode())]

    def post_step(self, user: User, case: Case, code: str, data: dict[str, Any]):
        """Log ``user`` in and submit the step form ``code`` (fields are prefixed with the code)."""
        self.login(user)
        return self.client.post(act_url(case, code), {f"{code}-{name}": value for name, value in data.items()})

    def other_unit_lead(self, **overrides: Any) -> Case:
        case: Case = self.new_lead(actor=self.b.other_officer, unit=self.b.squad2, **overrides)
        return case


def lead_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "party_kind": "person",
        "party_name": "李四",
        "party_id_type": "resident_id",
        "party_id_number": "11010519491231002X",
        "party_address": "铁西区某街2号",
        "party_phone": "13912345678",
        "party_legal_representative": "",
        "source": "patrol",
        "source_detail": "",
        "category": "",
        "region": "",
        "violation": "",
        "unit": "",
        "location": "站前街道北二路",
        "summary": "店外占道经营",
        "discovered_on": "2026-06-01",
        "act_date": "2026-05-30",
    }
    data.update(overrides)
    return data


# --- The list: scope per persona ------------------------------------------------------------------


class CaseListScopeTests(CaseViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.mine = self.new_lead()
        self.theirs = self.other_unit_lead()

    def test_it_shows_the_officer_only_the_cases_of_their_unit(self):
        self.login(self.b.officer)
        self.assertEqual(self.case_ids(self.client.get(LIST)), [self.mine.pk])

    def test_it_shows_the_unit_head_the_cases_of_the_whole_brigade(self):
        self.login(self.b.unit_head)
        self.assertEqual(set(self.case_ids(self.client.get(LIST))), {self.mine.pk, self.theirs.pk})

    def test_it_shows_the_leader_and_the_supervisor_every_case(self):
        for user in (self.b.leader, self.b.supervisor, self.b.reviewer):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(set(self.case_ids(self.client.get(LIST))), {self.mine.pk, self.theirs.pk})

    def test_it_shows_the_administrators_no_case(self):
        for user in (self.b.sysadmin, self.b.secadmin, self.b.auditadmin):
            with self.subTest(user=user.username):
                self.login(user)
                response = self.client.get(LIST)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(self.case_ids(response), [])
                self.assertContains(response, "No cases match.")
                self.assertEqual(self.client.get(page_url(self.mine)).status_code, 404)

    def test_it_answers_404_for_another_units_case_page(self):
        self.login(self.b.officer)
        self.assertEqual(self.client.get(page_url(self.theirs)).status_code, 404)
        self.assertEqual(self.client.get(page_url(self.mine)).status_code, 200)
        self.assertEqual(self.client.get(reverse("cases:case_detail", args=[999_999])).status_code, 404)

    def test_it_sends_an_anonymous_visitor_to_the_login_page(self):
        for url in (LIST, page_url(self.mine), NEW, reverse("cases:supervision")):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response["Location"].startswith(reverse("login")))

    def test_it_offers_only_units_in_scope_in_the_unit_filter(self):
        self.login(self.b.officer)
        self.assertEqual(list(self.client.get(LIST).context["form"].fields["unit"].queryset), [self.b.squad1])


# --- The list: filters, search, pagination, query count ---------------------------------------------


class CaseListFilterTests(CaseViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.lead = self.new_lead(location="站前街道中央路")
        self.registered = self.register(self.new_lead(location="北站广场"))
        self.squad2 = self.other_unit_lead(location="铁西区南一路")
        self.login(self.b.unit_head)

    def listed(self, **params: Any) -> set[int]:
        response = self.client.get(LIST, params)
        self.assertEqual(response.status_code, 200)
        return set(self.case_ids(response))

    def test_it_filters_by_state_unit_handler_and_procedure(self):
        self.assertEqual(self.listed(state="lead"), {self.lead.pk, self.squad2.pk})
        self.assertEqual(self.listed(state="registered"), {self.registered.pk})
        self.assertEqual(self.listed(unit=self.b.squad2.pk), {self.squad2.pk})
        self.assertEqual(self.listed(unit=self.b.brigade.pk), {self.lead.pk, self.registered.pk, self.squad2.pk})
        self.assertEqual(self.listed(handler=self.b.officer2.pk), {self.registered.pk})
        self.assertEqual(self.listed(procedure="general", state="registered"), {self.registered.pk})

    def test_it_searches_numbers_party_names_and_locations_but_not_id_numbers(self):
        self.registered.refresh_from_db()
        self.assertEqual(self.listed(q=self.registered.number), {self.registered.pk})
        self.assertEqual(self.listed(q=self.lead.lead_number), {self.lead.pk})
        self.assertEqual(self.listed(q="北站"), {self.registered.pk})
        self.assertEqual(self.listed(q="张三"), {self.lead.pk, self.registered.pk, self.squad2.pk})
        self.assertEqual(self.listed(q="11010519491231002X"), set())

    def test_it_filters_overdue_cases(self):
        self.assertEqual(self.listed(overdue="1"), set())
        self.travel("2026-09-01")
        self.login(self.b.unit_head)
        self.assertEqual(self.listed(overdue="1"), {self.registered.pk})
        response = self.client.get(LIST, {"overdue": "1"})
        self.assertContains(response, "2026-08-31")
        self.assertContains(response, '<span class="badge expired">Overdue</span>', html=True)

    def test_it_ignores_junk_parameters(self):
        junk = {
            "state": "nonsense",
            "unit": "abc",
            "handler": "-1",
            "procedure": "<script>",
            "overdue": "yes",
            "page": "x",
            "q": "x" * 500,
        }
        for name, value in junk.items():
            with self.subTest(name=name):
                self.assertEqual(self.listed(**{name: value}), {self.lead.pk, self.registered.pk, self.squad2.pk})
        self.assertEqual(self.client.get(LIST, {"page": "999"}).status_code, 200)
        self.assertEqual(self.client.get(LIST, {"unit": self.b.legal_section.pk}).status_code, 200)

    def test_it_shows_a_row_with_every_column(self):
        response = self.client.get(LIST, {"state": "registered"})
        self.registered.refresh_from_db()
        for text in (self.registered.number, "General procedure", "擅自占用城市道路摆摊设点", "张三", "一中队"):
            self.assertContains(response, text)
        self.assertContains(response, "Registered, under investigation")
        self.assertContains(response, "2026-08-31")
        self.assertContains(response, "王执法、李执法")


class CaseListPaginationTests(CaseViewTestCase):
    def test_it_shows_25_cases_a_page_with_a_constant_number_of_queries(self):
        for _ in range(3):
            self.register(self.new_lead())
        self.login(self.b.unit_head)
        self.client.get(LIST)  # warm the session and caches
        with CaptureQueriesContext(connection) as few:
            self.client.get(LIST)
        for _ in range(27):
            self.register(self.new_lead())
        with self.assertNumQueries(len(few.captured_queries)):
            first = self.client.get(LIST)
        self.assertEqual(len(self.case_ids(first)), 25)
        self.assertContains(first, "30 cases")
        second = self.client.get(LIST, {"page": "2"})
        self.assertEqual(len(self.case_ids(second)), 5)
        self.assertEqual(set(self.case_ids(first)) & set(self.case_ids(second)), set())

    def test_it_pins_the_query_count_of_the_list(self):
        self.register(self.new_lead())
        self.login(self.b.unit_head)
        self.client.get(LIST)
        # Session, user, OTP device, roles, the user's unit; count, rows, parties, handlers; the unit
        # and handler options; saving the session's last-seen time (3, in a savepoint).
        with self.assertNumQueries(14):
            self.client.get(LIST)


# --- A new lead -------------------------------------------------------------------------------------


class LeadCreateTests(CaseViewTestCase):
    def data(self, **overrides: Any) -> dict[str, Any]:
        base = {
            "unit": self.b.squad1.pk,
            "category": self.b.city_appearance.pk,
            "region": self.b.street.pk,
            "violation": self.violation.pk,
        }
        return lead_data(**(base | overrides))

    def test_it_registers_a_lead_with_its_party(self):
        self.login(self.b.officer)
        response = self.client.post(NEW, self.data())
        case = Case.objects.get()
        self.assertRedirects(response, page_url(case), fetch_redirect_response=False)
        self.assertEqual((case.state, case.lead_number, case.unit), ("lead", "铁西城管案源〔2026〕1号", self.b.squad1))
        party = case.parties.get()
        self.assertEqual((party.name, party.id_number, party.phone), ("李四", "11010519491231002X", "13912345678"))
        page = self.client.get(response["Location"])
        self.assertContains(page, "The lead 铁西城管案源〔2026〕1号 is registered.")
        self.assertContains(page, "11010519491231002X")
        self.assertNotIn("11010519491231002X", response["Location"])

    def test_a_bad_id_number_is_a_field_error_and_saves_nothing(self):
        self.login(self.b.officer)
        response = self.client.post(NEW, self.data(party_id_number="110105194912310021"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("The resident ID number is not valid", str(response.context["form"].errors["party_id_number"]))
        self.assertEqual((Case.objects.count(), Party.objects.count()), (0, 0))

    def test_an_organisation_needs_a_credit_code(self):
        self.login(self.b.officer)
        response = self.client.post(NEW, self.data(party_kind="organisation"))
        self.assertIn("unified social credit code", str(response.context["form"].errors["party_id_type"]))
        self.assertEqual(Case.objects.count(), 0)

    def test_a_date_discovered_in_the_future_is_refused_on_its_field(self):
        self.login(self.b.officer)
        response = self.client.post(NEW, self.data(discovered_on="2026-06-02"))
        self.assertIn("cannot be in the future", str(response.context["form"].errors["discovered_on"]))
        self.assertEqual(Case.objects.count(), 0)

    def test_it_offers_the_officer_their_unit_and_the_unit_head_their_subtree(self):
        self.login(self.b.officer)
        self.assertEqual(list(self.client.get(NEW).context["form"].fields["unit"].queryset), [self.b.squad1])
        response = self.client.post(NEW, self.data(unit=self.b.squad2.pk))
        self.assertIn("unit", response.context["form"].errors)
        self.login(self.b.unit_head)
        units = set(self.client.get(NEW).context["form"].fields["unit"].queryset)
        self.assertEqual(units, {self.b.brigade, self.b.squad1, self.b.squad2})

    def test_a_violation_of_another_category_is_refused(self):
        self.login(self.b.officer)
        response = self.client.post(NEW, self.data(category=self.b.planning.pk))
        self.assertIn("another enforcement category", str(response.context["form"].errors["violation"]))

    def test_it_is_404_for_anyone_but_officers_and_unit_heads(self):
        for user in (self.b.leader, self.b.supervisor, self.b.reviewer, self.b.sysadmin, self.b.auxiliary):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(NEW).status_code, 404)
                self.assertEqual(self.client.post(NEW, self.data()).status_code, 404)
        self.assertEqual(Case.objects.count(), 0)

    def test_the_list_links_to_the_new_lead_page_only_for_those_who_may_register(self):
        self.login(self.b.officer)
        self.assertContains(self.client.get(LIST), NEW)
        self.login(self.b.supervisor)
        self.assertNotContains(self.client.get(LIST), NEW)


# --- The case page and the step forms ---------------------------------------------------------------


def panel(response, code: str):
    """The step panel ``code`` of a rendered case page."""
    return next(p for p in response.context["panels"] if p.move.code == code)


def timeline(response) -> list[str]:
    """The transition codes of the timeline entries, in order."""
    return re.findall(r'<li data-seq="\d+" data-transition="([a-z_]+)"', response.content.decode())


class CaseWalkTests(CaseViewTestCase):
    def test_it_walks_a_case_through_the_forms_from_lead_to_decided(self):
        b = self.b
        self.login(b.officer)
        self.client.post(
            NEW,
            lead_data(unit=b.squad1.pk, category=b.city_appearance.pk, region=b.street.pk, violation=self.violation.pk),
        )
        case = Case.objects.get()
        steps: list[tuple[User, str, dict[str, Any]]] = [
            (b.unit_head, "register", {"handlers": [b.officer.pk, b.officer2.pk], "lead_handler": b.officer.pk,
                                       "violation": self.violation.pk}),
            (
                b.officer,
                "record_transcript",
                {"kind": "questioning", "interviewee": "李四", "content": "问：……答：……",
                 "recorded_at": "2026-06-01T08:30", "place": "站前街道"},
            ),
            (b.officer, "conclude_investigation", {"report": "事实清楚，证据确凿", "proposal": "罚款500元"}),
            (b.unit_head, "examine", {"opinion": "同意拟处罚"}),
            (b.officer, "notify", {"types": ["fine"], "fine_yuan": "500.00", "served_on": "2026-06-01",
                                   "method": "direct"}),
        ]  # fmt: skip
        done = ["register_lead"]
        for user, code, data in steps:
            with self.subTest(step=code):
                response = self.post_step(user, case, code, data)
                self.assertRedirects(response, page_url(case), fetch_redirect_response=False)
                done.append(code)
                page = self.client.get(page_url(case))
                self.assertEqual(timeline(page), done)
        case.refresh_from_db()
        self.assertEqual(case.state, "notified")
        self.assertEqual(case.facts["notified_penalty"]["fine_fen"], 50_000)
        self.assertEqual(list(case.handler_links.order_by("-role").values_list("user", flat=True)),
                         [b.officer.pk, b.officer2.pk])  # fmt: skip

        # Before the statement window closes the decision is blocked, with the date it closes.
        self.login(b.unit_head)
        page = self.client.get(page_url(case))
        self.assertContains(page, "may still make statements or request a hearing until 2026-06-04")
        response = self.post_step(b.unit_head, case, "decide", {"types": ["fine"], "fine_yuan": "500"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("2026-06-04", " ".join(panel(response, "decide").form.non_field_errors()))
        self.assertContains(response, "“Decide the penalty” is refused.")
        case.refresh_from_db()
        self.assertEqual(case.state, "notified")

        self.travel("2026-06-05")
        response = self.post_step(b.unit_head, case, "decide", {"types": ["fine"], "fine_yuan": "500"})
        self.assertRedirects(response, page_url(case), fetch_redirect_response=False)
        page = self.client.get(page_url(case))
        self.assertContains(page, "“Decide the penalty” is recorded.")
        self.assertEqual(timeline(page), [*done, "decide"])
        case.refresh_from_db()
        self.assertEqual((case.state, case.facts["decided_penalty"]["fine_fen"]), ("decided", 50_000))
        assert case.number is not None
        for text in ("事实清楚，证据确凿", "Questioning record", "fine of 500.00 yuan", "王执法、李执法", case.number):
            self.assertContains(page, text)

    def test_a_fine_type_without_an_amount_is_shown_on_the_amount_field(self):
        case = self.register(self.new_lead())
        case = actions.case_conclude_investigation(actor=self.b.officer, case=case, report="事实清楚", proposal="")
        case = actions.case_examine(actor=self.b.unit_head, case=case, opinion="同意")
        response = self.post_step(
            self.b.officer, case, "notify", {"types": ["fine"], "served_on": "2026-06-01", "method": "direct"}
        )
        self.assertEqual(response.status_code, 200)
        form = panel(response, "notify").form
        self.assertIn("A fine needs an amount", str(form.errors["fine_yuan"]))
        self.assertEqual(case.events.count(), 4)


class StepFormTests(CaseViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.case = self.new_lead()

    def panels(self, user: User, case: Case | None = None) -> dict[str, Any]:
        self.login(user)
        response = self.client.get(page_url(case or self.case))
        self.assertEqual(response.status_code, 200)
        return {panel.move.code: panel for panel in response.context["panels"]}

    def test_the_unit_head_gets_the_forms_of_a_lead(self):
        panels = self.panels(self.b.unit_head)
        self.assertEqual(list(panels), ["dismiss_lead", "register"])
        self.assertIsNotNone(panels["register"].form)
        handlers = set(panels["register"].form.fields["handlers"].queryset)
        self.assertEqual(handlers, {self.b.officer, self.b.officer2, self.b.other_officer, self.b.unit_head})

    def test_the_officer_sees_why_a_head_must_register(self):
        panels = self.panels(self.b.officer)
        self.assertIsNone(panels["register"].form)
        self.assertEqual(panels["register"].reasons, ["Your role does not allow “Register the case (approval)”."])
        self.assertEqual(self.post_step(self.b.officer, self.case, "register", {}).status_code, 404)

    def test_the_supervisor_reads_the_case_without_forms_and_gets_404_on_posts(self):
        self.login(self.b.supervisor)
        response = self.client.get(page_url(self.case))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "You may read this case but not change it.")
        self.assertEqual(response.context["panels"], [])
        self.assertNotContains(response, '<form method="post" action="/cases/')
        response = self.post_step(self.b.supervisor, self.case, "dismiss_lead", {"reason": "不构成违法"})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.case.events.count(), 1)

    def test_another_units_officer_gets_404_on_posts(self):
        response = self.post_step(self.b.other_officer, self.case, "record_transcript", {"content": "x"})
        self.assertEqual(response.status_code, 404)

    def test_an_unknown_step_is_404(self):
        for code in ("nonexistent", "register_lead_x"):
            with self.subTest(code=code):
                self.assertEqual(self.post_step(self.b.unit_head, self.case, code, {}).status_code, 404)
        self.login(self.b.unit_head)
        self.assertEqual(self.client.get(act_url(self.case, "dismiss_lead")).status_code, 405)

    def test_a_step_without_a_form_says_so_and_cannot_be_posted(self):
        with mock.patch.dict(registry.ACTION_FORMS["general"]):
            del registry.ACTION_FORMS["general"]["dismiss_lead"]
            panels = self.panels(self.b.unit_head)
            self.assertIs(panels["dismiss_lead"].has_form, False)
            self.assertContains(self.client.get(page_url(self.case)), "No form for this step yet.")
            response = self.post_step(self.b.unit_head, self.case, "dismiss_lead", {"reason": "不构成违法"})
            self.assertEqual(response.status_code, 404)

    def test_an_invalid_form_is_shown_again_with_its_errors(self):
        case = self.register(self.case)
        response = self.post_step(self.b.officer, case, "record_transcript", {"kind": "questioning"})
        self.assertEqual(response.status_code, 200)
        form = panel(response, "record_transcript").form
        self.assertEqual(set(form.errors), {"interviewee", "content", "recorded_at", "place"})
        self.assertContains(response, '<details data-state="form" open>')
        self.assertEqual(case.events.count(), 2)

    def test_registering_with_one_handler_is_refused_on_the_field(self):
        response = self.post_step(
            self.b.unit_head, self.case, "register", {"handlers": [self.b.officer.pk], "violation": self.violation.pk}
        )
        form = panel(response, "register").form
        self.assertIn("Choose at least two officers", str(form.errors["handlers"]))

    def test_a_conflict_of_interest_shows_the_gates_reason_on_the_register_form(self):
        Conflict.objects.create(
            user=self.b.officer2, id_number="11010519491231002X", reason="当事人系其亲属", recorded_by=self.b.system
        )
        response = self.post_step(
            self.b.unit_head,
            self.case,
            "register",
            {"handlers": [self.b.officer.pk, self.b.officer2.pk], "violation": self.violation.pk},
        )
        self.assertEqual(response.status_code, 200)
        errors = " ".join(panel(response, "register").form.non_field_errors())
        self.assertIn("李执法 has a recorded conflict of interest with a party: 当事人系其亲属", errors)
        self.assertEqual(self.case.events.count(), 1)

    def test_the_lead_handler_chosen_comes_first(self):
        response = self.post_step(
            self.b.unit_head,
            self.case,
            "register",
            {"handlers": [self.b.officer.pk, self.b.other_officer.pk], "lead_handler": self.b.other_officer.pk,
             "violation": self.violation.pk},
        )  # fmt: skip
        self.assertRedirects(response, page_url(self.case))
        self.case.refresh_from_db()
        lead = self.case.handler_links.get(role="lead")
        self.assertEqual(lead.user, self.b.other_officer)

    def test_a_step_the_state_no_longer_allows_is_a_message(self):
        response = self.post_step(self.b.officer, self.case, "conclude_investigation", {"report": "事实清楚"})
        self.assertRedirects(response, page_url(self.case), fetch_redirect_response=False)
        self.assertContains(self.client.get(page_url(self.case)), "is not possible while the case is")
        self.assertEqual(self.case.events.count(), 1)

    def test_a_move_made_by_someone_else_meanwhile_is_a_message(self):
        """The engine refuses when the case moved between the state check and the action."""

        def moved_meanwhile(**kwargs: Any) -> Case:
            raise InvalidTransition("“Decide not to register” is not possible while the case is “Not registered”.")

        spec = registry.ACTION_FORMS["general"]["dismiss_lead"]
        with mock.patch.dict(registry.ACTION_FORMS["general"], {"dismiss_lead": replace(spec, action=moved_meanwhile)}):
            response = self.post_step(self.b.unit_head, self.case, "dismiss_lead", {"reason": "不构成违法"})
        self.assertRedirects(response, page_url(self.case), fetch_redirect_response=False)
        self.assertContains(self.client.get(page_url(self.case)), "is not possible while the case is")

    def test_it_shows_open_deadlines_and_the_checklist(self):
        case = self.register(self.case)
        self.travel("2026-09-01")
        self.login(self.b.officer)
        response = self.client.get(page_url(case))
        self.assertContains(response, '<tr data-deadline="decision_period" data-overdue="1">')
        self.assertContains(response, "Decision within 90 days of registration")
        self.assertContains(response, '<li data-item="filing_approval">')
        self.assertEqual([row.present for row in response.context["checklist"]], [True])

    def test_it_answers_the_register_preview_with_a_form_even_before_handlers_exist(self):
        panels = self.panels(self.b.leader)
        self.assertIsNotNone(panels["register"].form)
        officers = set(panels["register"].form.fields["handlers"].queryset)
        self.assertEqual(officers, set(User.objects.filter(role_grants__role="officer", is_active=True)))

    def test_a_dismissed_lead_shows_no_next_step_but_archiving(self):
        response = self.post_step(self.b.unit_head, self.case, "dismiss_lead", {"reason": "不构成违法"})
        self.assertRedirects(response, page_url(self.case))
        panels = self.panels(self.b.unit_head)
        self.assertEqual(list(panels), ["archive"])
        self.assertContains(self.client.get(page_url(self.case)), "不构成违法")


class TimelineTests(CaseViewTestCase):
    def test_it_shows_seq_time_step_actor_place_and_a_readable_summary(self):
        case = self.register(self.new_lead())
        actions.case_attach_evidence(
            actor=self.b.officer, case=case, kind="physical", description="摊位照片", sha256="a" * 64, place="现场"
        )
        self.login(self.b.officer)
        response = self.client.get(page_url(case))
        entry = response.context["timeline"][-1]
        self.assertEqual((entry.event.seq, entry.label, entry.event.place), (3, "Attach evidence", "现场"))
        self.assertEqual(
            entry.details, [("Kind", "Physical evidence"), ("Description", "摊位照片"), ("File SHA-256", "a" * 64)]
        )
        self.assertContains(response, "2026-06-01 09:00")
        self.assertContains(response, "王执法（officer）")
        register = response.context["timeline"][1]
        self.assertIn(("Handlers", "王执法、李执法"), register.details)
        self.assertEqual(
            (register.from_label, register.to_label), ("Lead registered", "Registered, under investigation")
        )

    def test_the_case_page_has_a_bounded_number_of_queries(self):
        case = self.register(self.new_lead())
        self.login(self.b.officer)
        self.client.get(page_url(case))
        with CaptureQueriesContext(connection) as before:
            self.client.get(page_url(case))
        for n in range(5):
            actions.case_attach_evidence(actor=self.b.officer, case=case, kind="physical", description=f"照片{n}")
        with self.assertNumQueries(len(before.captured_queries)):
            self.client.get(page_url(case))


class TimezoneTests(CaseViewTestCase):
    def test_times_are_shown_in_local_time(self):
        case = self.new_lead()
        self.login(self.b.officer)
        response = self.client.get(page_url(case))
        event = case.events.get()
        self.assertEqual(timezone.localtime(event.at).date(), dt.date(2026, 6, 1))
        self.assertContains(response, '<time datetime="2026-06-01T09:00:00+08:00">2026-06-01 09:00</time>', html=True)


class EveryFormTests(CaseViewTestCase):
    """Each general-procedure form reaches its action: a hearing case from registration to the archive."""

    def walk(self, case: Case, steps: list[tuple[str, User, str, dict[str, Any]]]) -> None:
        for day, user, code, data in steps:
            with self.subTest(step=code):
                self.travel(day)
                if code == "archive":  # 归档 needs the dossier's documents, issued from the documents panel
                    dossier_issue_missing(actor=user, case=Case.objects.get(pk=case.pk))
                response = self.post_step(user, case, code, data)
                # (a successful archive renders the 卷内目录, whose template context is captured too: no panels)
                context = response.context
                errors = context and "panels" in context and [p.form.errors for p in context["panels"] if p.form]
                self.assertEqual(response.status_code, 302, errors)
                self.assertEqual(case.events.order_by("-seq").values_list("transition", flat=True)[0], code)

    def test_every_step_of_a_hearing_case_goes_through_its_form(self):
        b = self.b
        case = self.register(self.new_lead())
        self.walk(
            case,
            [
                ("2026-06-01", b.officer, "attach_evidence", {"kind": "physical", "description": "摊位照片"}),
                ("2026-06-01", b.unit_head, "preserve_evidence", {"items": "折叠桌一张\n遮阳伞一把", "place": "现场"}),
                ("2026-06-02", b.unit_head, "decide_preservation", {"decision": "解除登记保存，退还当事人"}),
                ("2026-06-02", b.officer, "record_transcript", {"kind": "inspection", "interviewee": "摊位",
                 "content": "现场检查……", "recorded_at": "2026-06-02T09:00", "place": "站前街道"}),
                ("2026-06-02", b.officer, "conclude_investigation", {"report": "事实清楚", "proposal": ""}),
                ("2026-06-02", b.unit_head, "examine", {"opinion": "拟罚款"}),
                ("2026-06-02", b.officer, "notify", {"types": ["fine", "warning"], "fine_yuan": "20000",
                 "served_on": "2026-06-02", "method": "direct"}),
                ("2026-06-03", b.officer, "record_statement", {"statement": "请求从轻", "recheck": "不予采纳，理由……"}),
                ("2026-06-03", b.officer, "request_hearing", {"requested_on": "2026-06-03"}),
                ("2026-06-03", b.unit_head, "schedule_hearing", {"hearing_on": "2026-06-15", "presider": b.reviewer.pk,
                 "notice_served_on": "2026-06-03", "place": "局听证室"}),
                ("2026-06-15", b.unit_head, "hold_hearing", {"record": "听证笔录……", "report": "建议维持"}),
            ],
        )  # fmt: skip
        # A hearing was held: the decision is major and waits for a passed legal review (APL Art. 58 (二)),
        # by a reviewer other than the presider.
        pass_review(case=case, author=b.officer, reviewer=second_reviewer(b.system, b.legal_section))
        self.walk(
            case,
            [
                ("2026-06-15", b.unit_head, "decide", {"types": ["fine", "warning"], "fine_yuan": "20000",
                 "reasons": "经听证"}),
                ("2026-06-15", b.officer, "serve", {"method": "direct", "served_on": "2026-06-15", "recipient": "张三"}),
                ("2026-06-16", b.officer, "record_payment", {"amount_yuan": "20000.00", "paid_on": "2026-06-16",
                 "receipt_no": "No.0001"}),
                ("2026-06-16", b.officer, "record_execution", {"note": "已缴清"}),
                ("2026-06-16", b.unit_head, "close", {"report": "执行完毕"}),
                ("2026-06-16", b.unit_head, "archive", {}),
            ],
        )  # fmt: skip
        case.refresh_from_db()
        self.assertEqual(case.state, "archived")
        self.assertEqual(case.facts["paid_fen"], 2_000_000)
        self.assertEqual(case.facts["hearing_presider_id"], b.reviewer.pk)
        self.login(b.unit_head)
        page = self.client.get(page_url(case))
        for text in ("折叠桌一张、遮阳伞一把", "20,000.00 yuan", "周法制", "No.0001", "In person"):
            self.assertContains(page, text)

    def test_the_other_outcomes_go_through_their_forms(self):
        b = self.b
        outcomes = [
            ("decide_no_penalty", {"ground": "first_offence", "reasons": "首违不罚"}, "no_penalty"),
            ("transfer", {"organ": "四平市公安局铁西分局", "reasons": "涉嫌犯罪"}, "transferred"),
        ]
        for code, data, state in outcomes:
            case = self.register(self.new_lead())
            case = actions.case_conclude_investigation(actor=b.officer, case=case, report="事实清楚", proposal="")
            self.walk(case, [("2026-06-01", b.unit_head, code, data)])
            case.refresh_from_db()
            self.assertEqual(case.state, state)
        dismissed = self.new_lead()
        self.walk(dismissed, [("2026-06-01", b.unit_head, "dismiss_lead", {"reason": "不构成违法"})])

    def test_a_waiver_and_an_overdue_payment_go_through_their_forms(self):
        b = self.b
        case = self.register(self.new_lead())
        case = actions.case_conclude_investigation(actor=b.officer, case=case, report="事实清楚", proposal="")
        case = actions.case_examine(actor=b.unit_head, case=case, opinion="同意")
        self.walk(
            case,
            [
                ("2026-06-01", b.officer, "notify", {"types": ["fine"], "fine_yuan": "500", "served_on": "2026-06-01",
                 "method": "direct"}),
                ("2026-06-01", b.officer, "waive_rights", {"signed_on": "2026-06-01", "note": "当事人书面放弃"}),
                ("2026-06-01", b.unit_head, "decide", {"types": ["fine"], "fine_yuan": "500"}),
                ("2026-06-01", b.officer, "serve", {"method": "left", "served_on": "2026-06-01",
                 "witnesses": "社区主任甲\n居民乙"}),
                ("2026-06-18", b.officer, "send_demand", {"served_on": "2026-06-18"}),
            ],
        )  # fmt: skip
        case.refresh_from_db()
        self.assertEqual(case.facts["demand_served_on"], "2026-06-18")
        self.assertEqual(case.events.get(transition="serve").payload["witnesses"], ["社区主任甲", "居民乙"])
        self.login(b.unit_head)
        panels = {p.move.code: p for p in self.client.get(page_url(case)).context["panels"]}
        # The court window is counted into 2027, whose calendar is not loaded: a reason, not an error page.
        self.assertIn("The working-day calendar for 2027 is not loaded", panels["apply_court_enforcement"].reasons[0])

    def test_the_court_form_parses_its_input(self):
        spec = registry.action_spec("general", "apply_court_enforcement")
        assert spec is not None
        form = spec.form(
            {"apply_court_enforcement-court": " 四平市铁西区人民法院 "},
            prefix="apply_court_enforcement",
            case=self.new_lead(),
            actor=self.b.unit_head,
        )
        self.assertIs(form.is_valid(), True)
        self.assertEqual(form.action_kwargs(), {"court": "四平市铁西区人民法院"})


class ChoiceVocabularyTests(CaseViewTestCase):
    def test_the_form_choices_are_the_values_the_actions_accept(self):
        from sanxiang.cases.forms import choices

        self.assertEqual(set(choices.SERVICE_METHODS), actions.SERVICE_METHODS)
        self.assertEqual(set(choices.NO_PENALTY_GROUNDS), actions.NO_PENALTY_GROUNDS)

    def test_every_general_transition_has_a_form(self):
        from sanxiang.procedures.definitions import general

        codes = {t.code for t in general.TRANSITIONS} - {general.PROCEDURE.initial}
        self.assertEqual(codes - set(registry.ACTION_FORMS["general"]), set())
