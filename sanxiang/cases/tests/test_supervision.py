"""The 督办 page: open deadlines that are overdue or due within three working days, per unit, in the user's scope."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from sanxiang.cases import actions
from sanxiang.cases.models import Case, Deadline
from sanxiang.cases.selectors import SUPERVISION_WORKING_DAYS, supervision_horizon
from sanxiang.cases.tests.test_case_views import LIST, CaseViewTestCase

SUPERVISION = reverse("cases:supervision")


class SupervisionTestCase(CaseViewTestCase):
    """Two registered cases (squad 1 and squad 2) whose 90-day decision periods end on 31 August 2026."""

    def setUp(self) -> None:
        super().setUp()
        self.case1 = self.register(self.new_lead())
        self.case2 = actions.case_register(
            actor=self.b.unit_head,
            case=self.new_lead(actor=self.b.other_officer, unit=self.b.squad2),
            handlers=[self.b.other_officer, self.b.unit_head],
        )

    def listed(self, response) -> dict[int, list[int]]:
        """Deadline ids per unit id, as the page groups them."""
        return {group.unit.pk: [row.deadline.pk for row in group.rows] for group in response.context["groups"]}

    def deadline(self, case: Case) -> Deadline:
        return case.deadlines.get(code="decision_period")


class SupervisionScopeTests(SupervisionTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.travel("2026-09-01")

    def test_the_unit_head_sees_the_subtree_per_unit_with_counts(self):
        self.login(self.b.unit_head)
        response = self.client.get(SUPERVISION)
        self.assertEqual(
            self.listed(response),
            {self.b.squad1.pk: [self.deadline(self.case1).pk], self.b.squad2.pk: [self.deadline(self.case2).pk]},
        )
        self.assertEqual(response.context["total_overdue"], 2)
        self.assertContains(response, f'<tr data-unit="{self.b.squad1.pk}">')
        self.assertContains(response, '<td data-count="overdue">1</td>', count=2)
        self.assertContains(response, "Decision within 90 days of registration")
        self.assertContains(response, "2026-08-31")

    def test_the_officer_sees_their_unit_only(self):
        self.login(self.b.officer)
        self.assertEqual(self.listed(self.client.get(SUPERVISION)), {self.b.squad1.pk: [self.deadline(self.case1).pk]})

    def test_leaders_and_the_supervisor_see_every_unit(self):
        for user in (self.b.leader, self.b.supervisor):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(set(self.listed(self.client.get(SUPERVISION))), {self.b.squad1.pk, self.b.squad2.pk})

    def test_administrators_see_nothing(self):
        self.login(self.b.sysadmin)
        response = self.client.get(SUPERVISION)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.listed(response), {})
        self.assertContains(response, "No deadline is overdue or due soon.")

    def test_the_case_list_links_to_it(self):
        self.login(self.b.officer)
        self.assertContains(self.client.get(LIST), f'href="{SUPERVISION}"')

    def test_it_has_a_constant_number_of_queries(self):
        self.login(self.b.leader)
        self.client.get(SUPERVISION)
        # Session, user, OTP device, roles, the user's unit; the calendar revision; the deadlines;
        # saving the session's last-seen time (3, in a savepoint).
        with self.assertNumQueries(9):
            self.client.get(SUPERVISION)
        self.travel("2026-06-01")
        for _ in range(5):
            self.register(self.new_lead())
        self.travel("2026-09-02")
        self.login(self.b.leader)
        self.client.get(SUPERVISION)
        with self.assertNumQueries(9):
            response = self.client.get(SUPERVISION)
        self.assertEqual(response.context["total_overdue"], 7)


class SupervisionWindowTests(SupervisionTestCase):
    def test_it_lists_deadlines_due_within_three_working_days_and_not_later(self):
        self.assertEqual(SUPERVISION_WORKING_DAYS, 3)
        # Wednesday 26 August: three working days later is Monday 31 August, the due date.
        self.travel("2026-08-26")
        self.assertEqual(supervision_horizon(dt.date(2026, 8, 26)), (dt.date(2026, 8, 31), True))
        self.login(self.b.unit_head)
        response = self.client.get(SUPERVISION)
        self.assertEqual(response.context["total_due_soon"], 2)
        self.assertEqual(response.context["total_overdue"], 0)
        self.assertContains(response, '<span class="badge expiring">Due soon</span>', count=2, html=True)
        # Tuesday 25 August: the due date is four working days away.
        self.travel("2026-08-25")
        self.login(self.b.unit_head)
        self.assertEqual(self.listed(self.client.get(SUPERVISION)), {})

    def test_closed_deadlines_are_not_listed(self):
        actions.case_dismiss_lead(actor=self.b.unit_head, case=self.new_lead(), reason="不构成违法")
        Deadline.objects.filter(pk=self.deadline(self.case2).pk).update(closed_at=timezone.now())
        self.travel("2026-09-01")
        self.login(self.b.unit_head)
        self.assertEqual(self.listed(self.client.get(SUPERVISION)), {self.b.squad1.pk: [self.deadline(self.case1).pk]})

    def test_without_the_calendar_of_the_year_it_counts_calendar_days_and_says_so(self):
        self.travel("2026-12-30")
        self.assertEqual(supervision_horizon(dt.date(2026, 12, 30)), (dt.date(2027, 1, 2), False))
        self.login(self.b.unit_head)
        response = self.client.get(SUPERVISION)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "the working-day calendar of this year is not loaded")
