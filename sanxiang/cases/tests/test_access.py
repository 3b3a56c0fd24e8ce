"""Who reads and who writes a case: ``case_list_for_user`` and ``case_get_for_user`` for every persona.

Three cases: one of squad 1 (一中队), one of squad 2 (二中队), one of brigade 1 (一大队) itself, above both.
"Missing" and "not allowed" are the same 404.
"""

from __future__ import annotations

from django.http import Http404

from sanxiang.cases import actions
from sanxiang.cases.access import case_get_for_user, case_list_for_user
from sanxiang.cases.tests.test_gates_base import GateTestCase
from sanxiang.org.models import User


class CaseAccessTests(GateTestCase):
    def setUp(self):
        super().setUp()
        self.squad1 = self.new_lead()
        self.squad2 = self.new_lead(actor=self.b.other_officer, unit=self.b.squad2)
        self.brigade = self.new_lead(actor=self.b.unit_head, unit=self.b.brigade)
        self.all = {self.squad1, self.squad2, self.brigade}

    def fresh(self, user: User) -> User:
        """The persona without cached roles, as a new request would load it."""
        return User.objects.get(pk=user.pk)

    def readable(self):
        b = self.b
        return {
            b.officer: {self.squad1},
            b.officer2: {self.squad1},
            b.other_officer: {self.squad2},
            b.unit_head: self.all,
            b.leader: self.all,
            b.reviewer: self.all,
            b.supervisor: self.all,
            b.sysadmin: set(),
            b.secadmin: set(),
            b.auditadmin: set(),
            b.auxiliary: set(),
        }

    def test_each_persona_lists_the_cases_of_its_scope(self):
        for user, expected in self.readable().items():
            with self.subTest(user=user.username):
                self.assertEqual(set(case_list_for_user(self.fresh(user))), expected)

    def test_each_persona_gets_only_the_cases_of_its_scope(self):
        for user, expected in self.readable().items():
            for case in self.all:
                with self.subTest(user=user.username, case=case.lead_number):
                    if case in expected:
                        self.assertEqual(case_get_for_user(self.fresh(user), case.pk), case)
                    else:
                        with self.assertRaises(Http404):
                            case_get_for_user(self.fresh(user), case.pk)

    def test_a_missing_case_is_the_same_404(self):
        missing = max(case.pk for case in self.all) + 1
        for user in (self.b.leader, self.b.officer, self.b.sysadmin):
            with self.subTest(user=user.username), self.assertRaises(Http404):
                case_get_for_user(user, missing)

    def test_writing_a_lead(self):
        """Before handlers are assigned, officers of the handling unit work on the lead; heads above it too."""
        writers = {self.b.officer, self.b.officer2, self.b.unit_head, self.b.leader}
        for user in self.readable():
            with self.subTest(user=user.username):
                if user in writers:
                    self.assertEqual(case_get_for_user(self.fresh(user), self.squad1.pk, need_write=True), self.squad1)
                else:
                    with self.assertRaises(Http404):
                        case_get_for_user(self.fresh(user), self.squad1.pk, need_write=True)

    def test_after_registration_only_handlers_and_heads_write(self):
        case = actions.case_register(
            actor=self.b.unit_head, case=self.squad1, handlers=[self.b.officer, self.b.unit_head]
        )
        for user in (self.b.officer, self.b.unit_head, self.b.leader):
            with self.subTest(user=user.username):
                self.assertEqual(case_get_for_user(self.fresh(user), case.pk, need_write=True), case)
        for user in (self.b.officer2, self.b.supervisor, self.b.reviewer):
            with self.subTest(user=user.username):
                self.assertEqual(case_get_for_user(self.fresh(user), case.pk), case)  # reading stays allowed
                with self.assertRaises(Http404):
                    case_get_for_user(self.fresh(user), case.pk, need_write=True)

    def test_the_supervisor_never_writes(self):
        for case in self.all:
            with self.subTest(case=case.lead_number), self.assertRaises(Http404):
                case_get_for_user(self.fresh(self.b.supervisor), case.pk, need_write=True)

    def test_the_list_takes_a_fixed_number_of_queries(self):
        """Roles, the user's unit, the cases with their unit, category and region joined."""
        for user, queries in ((self.b.officer, 3), (self.b.unit_head, 3), (self.b.leader, 2), (self.b.sysadmin, 1)):
            user = self.fresh(user)
            with self.subTest(user=user.username), self.assertNumQueries(queries):
                cases = list(case_list_for_user(user))
                [(case.unit.name, case.category.name, case.region.name) for case in cases]
