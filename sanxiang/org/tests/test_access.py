"""Scopes and the permission table: who sees which units' records, and who may write."""

from __future__ import annotations

from django.http import Http404

from sanxiang.org import access
from sanxiang.org.access import Purpose, unit_scope
from sanxiang.org.models import ADMIN_ROLES, Role, Unit
from sanxiang.org.permissions import PERMISSIONS, WRITE_PERMS, Perm, has_perm
from sanxiang.testing import BureauTestCase


class UnitScopeTests(BureauTestCase):
    def visible_units(self, user, purpose):
        """Names of the units whose staff the scope's filter admits (through the real ``q``)."""
        scope = unit_scope(user, purpose)
        from sanxiang.org.models import User

        units = User.objects.filter(scope.q("unit")).values_list("unit__name", flat=True)
        everyone = set(Unit.objects.filter(staff__isnull=False).values_list("name", flat=True))
        return set(units) & everyone

    def test_it_gives_an_officer_their_own_unit_only(self):
        self.assertEqual(self.visible_units(self.b.officer, Purpose.CASE_CONTENT), {"一中队"})

    def test_it_gives_a_unit_head_the_subtree(self):
        self.assertEqual(self.visible_units(self.b.unit_head, Purpose.CASE_CONTENT), {"一大队", "一中队", "二中队"})

    def test_it_gives_leaders_reviewers_and_the_supervisor_every_unit_for_cases(self):
        for user in (self.b.leader, self.b.reviewer, self.b.supervisor):
            with self.subTest(user=user.username):
                self.assertIs(unit_scope(user, Purpose.CASE_CONTENT).all_units, True)

    def test_it_gives_the_three_administrators_no_case_content(self):
        for user in (self.b.sysadmin, self.b.secadmin, self.b.auditadmin):
            with self.subTest(user=user.username):
                self.assertIs(unit_scope(user, Purpose.CASE_CONTENT).is_empty, True)

    def test_the_audit_admin_sees_no_roster(self):
        self.assertIs(unit_scope(self.b.auditadmin, Purpose.ROSTER).is_empty, True)
        with self.assertRaises(Http404):
            access.staff_get_for_user(self.b.auditadmin, self.b.officer.pk)

    def test_a_user_without_roles_sees_nothing(self):
        self.assertIs(unit_scope(self.b.auxiliary, Purpose.ROSTER).is_empty, True)
        self.assertIs(unit_scope(self.b.auxiliary, Purpose.CASE_CONTENT).is_empty, True)

    def test_missing_and_forbidden_look_the_same(self):
        with self.assertRaises(Http404):
            access.staff_get_for_user(self.b.officer, self.b.other_officer.pk)
        with self.assertRaises(Http404):
            access.staff_get_for_user(self.b.officer, 999_999)
        with self.assertRaises(Http404):
            access.certificate_get_for_user(self.b.officer, self.b.officer_cert.pk, need_write=True)

    def test_the_staff_list_query_is_scoped(self):
        names = set(access.staff_list_for_user(self.b.officer).values_list("username", flat=True))
        self.assertEqual(names, {"officer", "officer2", "aux"})
        self.assertNotIn("system", access.staff_list_for_user(self.b.leader).values_list("username", flat=True))


class PermissionTableTests(BureauTestCase):
    def test_the_supervisor_holds_no_write_permission(self):
        for perm in WRITE_PERMS:
            self.assertNotIn(Role.SUPERVISOR, PERMISSIONS[perm], perm)
            self.assertIs(has_perm(self.b.supervisor, perm), False)

    def test_each_administrator_holds_only_their_own_interface(self):
        self.assertIs(has_perm(self.b.auditadmin, Perm.AUDIT_READ), True)
        self.assertIs(has_perm(self.b.sysadmin, Perm.AUDIT_READ), False)
        self.assertIs(has_perm(self.b.secadmin, Perm.AUDIT_READ), False)
        self.assertIs(has_perm(self.b.sysadmin, Perm.ROLE_GRANT), False)
        self.assertIs(has_perm(self.b.secadmin, Perm.STAFF_MANAGE), False)
        self.assertIs(has_perm(self.b.auditadmin, Perm.STAFF_MANAGE), False)

    def test_audit_reading_belongs_to_the_audit_admin_alone(self):
        self.assertEqual(PERMISSIONS[Perm.AUDIT_READ], frozenset({Role.AUDIT_ADMIN}))
        self.assertTrue(PERMISSIONS[Perm.ROLE_GRANT] <= ADMIN_ROLES)
