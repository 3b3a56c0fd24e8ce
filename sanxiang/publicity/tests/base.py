"""Shared set-up of the publicity tests: the gate tests' bureau plus a publicity officer, and decided cases."""

from __future__ import annotations

from sanxiang.cases.models import Case
from sanxiang.cases.tests.test_gates_base import GateTestCase
from sanxiang.org import actions as org_actions
from sanxiang.org.models import Role, StaffKind, User
from sanxiang.publicity import actions
from sanxiang.publicity.models import Publication
from sanxiang.testing import PASSWORD


def make_publicist(b: object) -> User:
    """The publicity officer (宣传/公示岗) of the bureau office."""
    system = b.system  # type: ignore[attr-defined]
    user = org_actions.staff_create(
        actor=system, username="publicist", full_name="冯公示", staff_kind=StaffKind.ESTABLISHED,
        unit=b.office, password=PASSWORD,  # type: ignore[attr-defined]
    )  # fmt: skip
    user.must_change_password = False
    user.save(update_fields=["must_change_password"])
    org_actions.role_grant(actor=system, user=user, role=Role.PUBLICITY_OFFICER)
    return user


class PublicityTestCase(GateTestCase):
    """``GateTestCase`` (time frozen on 1 June 2026) plus ``publicist``."""

    publicist: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.publicist = make_publicist(cls.b)

    def prepared(self, case: Case | None = None) -> Publication:
        pub = actions.publication_prepare_for_case(actor=self.b.system, case=case or self.decided())
        assert pub is not None
        return pub

    def published(self, case: Case | None = None) -> Publication:
        pub = self.prepared(case)
        pub = actions.publication_submit(actor=self.publicist, publication=pub)
        pub = actions.publication_approve(actor=self.b.leader, publication=pub)
        return actions.publication_publish(actor=self.publicist, publication=pub)
