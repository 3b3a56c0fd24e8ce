"""``sanxiang create_account``: the first accounts of a deployment, and every refusal writes nothing."""

from __future__ import annotations

import tempfile
from io import StringIO
from pathlib import Path
from unittest import mock

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from sanxiang.org.models import Role, RoleGrant, StaffKind, User
from sanxiang.org.permissions import roles_of
from sanxiang.record.models import AuditEvent
from sanxiang.testing import BureauTestCase

GOOD = "Secure-Admin-2026"


# Argon2 is slow by design; the personas' passwords need not be hashed with it here.
@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class CreateAccountTests(BureauTestCase):
    def setUp(self) -> None:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.password_file = Path(folder.name) / "password"
        self.password_file.write_text(GOOD + "\n", encoding="utf-8")

    def create(self, *argv: str, password_file: Path | None = None, prompt: bool = False) -> str:
        out = StringIO()
        file_args = [] if prompt else ["--password-file", str(password_file or self.password_file)]
        call_command("create_account", *argv, *file_args, stdout=out)
        return out.getvalue()

    def test_it_creates_an_administrator_with_one_role_from_a_password_file(self):
        output = self.create("--username", "sec1", "--full-name", "张安全", "--role", "security_admin",
                             "--unit", "office", "--position", "安全管理员")  # fmt: skip
        user = User.objects.get(username="sec1")
        self.assertEqual((user.full_name, user.unit, user.position), ("张安全", self.b.office, "安全管理员"))
        self.assertEqual(user.staff_kind, StaffKind.ESTABLISHED)
        self.assertIs(user.check_password(GOOD), True)
        self.assertIs(user.must_change_password, True)
        self.assertEqual(roles_of(user), frozenset({Role.SECURITY_ADMIN}))
        self.assertEqual(RoleGrant.objects.get(user=user).granted_by, self.b.system)
        self.assertIn("sec1", output)

    def test_it_writes_the_audit_rows_as_the_system_on_the_command_line_channel(self):
        self.create("--username", "aud1", "--full-name", "李审计", "--role", "audit_admin")
        user = User.objects.get(username="aud1")
        rows = AuditEvent.objects.filter(object_id=str(user.pk), object_type="org.User").order_by("id")
        self.assertEqual([r.action for r in rows], ["staff.create", "role.grant"])
        for row in rows:
            self.assertEqual((row.actor_id, row.channel), (self.b.system.pk, "cli"))
        self.assertEqual(rows[1].detail, {"role": "audit_admin"})
        self.assertNotIn(GOOD, str([r.detail for r in rows]))

    def test_it_asks_twice_for_the_password_when_there_is_no_file(self):
        with mock.patch("getpass.getpass", side_effect=[GOOD, GOOD]) as prompt:
            self.create("--username", "sys1", "--full-name", "王系统", "--role", "system_admin", prompt=True)
        self.assertEqual(prompt.call_count, 2)
        self.assertIs(User.objects.get(username="sys1").check_password(GOOD), True)

    def test_it_refuses_different_passwords_at_the_prompt(self):
        with (
            mock.patch("getpass.getpass", side_effect=[GOOD, GOOD + "x"]),
            self.assertRaisesMessage(CommandError, "differ"),
        ):
            self.create("--username", "sys1", "--full-name", "王系统", "--role", "system_admin", prompt=True)
        self.assertFalse(User.objects.filter(username="sys1").exists())

    def test_it_refuses_bad_input_and_writes_nothing(self):
        weak = Path(self.password_file.parent, "weak")
        weak.write_text("password\n", encoding="utf-8")
        base = ["--full-name", "张安全"]
        cases = [
            ("bad role", ["--username", "x1", "--role", "root", *base], None, "--role must be one of"),
            ("bad kind", ["--username", "x1", "--role", "officer", "--staff-kind", "boss", *base], None, "--staff-kind"),
            ("weak password", ["--username", "x1", "--role", "system_admin", *base], weak, "not strong enough"),
            ("duplicate", ["--username", "officer", "--role", "system_admin", *base], None, "already exists"),
            ("unknown unit", ["--username", "x1", "--role", "leader", "--unit", "nope", *base], None, "nope"),
            ("reserved name", ["--username", "system", "--role", "leader", *base], None, "reserved"),
            ("auxiliary officer", ["--username", "x1", "--role", "officer", "--staff-kind", "auxiliary", *base],
             None, "Only established staff"),
            ("missing file", ["--username", "x1", "--role", "leader", *base], Path("/nonexistent/pw"), "cannot be read"),
            ("password argument", ["--username", "x1", "--role", "leader", "--password", GOOD, *base], None,
             "unrecognized arguments"),
        ]  # fmt: skip
        before = (User.objects.count(), RoleGrant.objects.count(), AuditEvent.objects.count())
        for name, argv, password_file, message in cases:
            with self.subTest(name):
                with self.assertRaisesMessage(CommandError, message):
                    self.create(*argv, password_file=password_file)
                self.assertEqual((User.objects.count(), RoleGrant.objects.count(), AuditEvent.objects.count()), before)

    def test_it_exits_non_zero_from_the_command_line(self):
        with mock.patch("sys.stderr", new_callable=StringIO) as stderr, self.assertRaises(SystemExit) as exit_:
            # --skip-checks: the exit code is under test, not the other apps' system checks.
            call_command_from_argv(["sanxiang", "create_account", "--skip-checks", "--username", "x1",
                                    "--full-name", "某", "--role", "root", "--password-file", str(self.password_file)])  # fmt: skip
        self.assertNotEqual(exit_.exception.code, 0)
        self.assertIn("--role must be one of", stderr.getvalue())
        self.assertFalse(User.objects.filter(username="x1").exists())


def call_command_from_argv(argv: list[str]) -> None:
    """Run the command as the console script does, keeping the test database connection open.

    ``run_from_argv`` closes every connection when it ends; on PostgreSQL that
    would close the connection the test case's transaction lives on.
    """
    from django.core.management import ManagementUtility

    with mock.patch("django.core.management.base.connections.close_all"):
        ManagementUtility(argv).execute()
