"""``sanxiang ingest``: a dock folder of small generated files, linked to the right case steps.

The day (Asia/Shanghai, time frozen; ``EvidenceTestCase``): at 07:00 the body
camera DSJ-0001 is issued to ``officer``; at 09:00 the case is registered with
``officer`` and ``officer2`` as handlers (steps ``register_lead`` and
``register``); at 11:00 ``officer`` records a transcript (``record_transcript``);
the ingest runs at 12:00. The matching window is the default 2 hours.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import time_machine
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from sanxiang.cases import actions as case_actions
from sanxiang.cases.models import Recusal
from sanxiang.cases.tests.test_general_procedure import at
from sanxiang.devices import actions
from sanxiang.devices.ingest import USER_AGENT
from sanxiang.evidence.blobstore import blob_exists, blob_iter_names
from sanxiang.evidence.models import Evidence, EvidenceObject
from sanxiang.evidence.tests.base import NOW, EvidenceTestCase
from sanxiang.record.models import AuditEvent, LogEntry

VIDEO = b"\x00\x00\x00\x18ftypmp42 body camera footage " * 50
PHOTO = b"\xff\xd8\xff\xe0 a photo " * 40
AUDIO = b"RIFF\x24\x00\x00\x00WAVEfmt an audio recording " * 30


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class IngestTestCase(EvidenceTestCase):
    def setUp(self):
        super().setUp()
        b = self.b
        self.dock = Path(tempfile.mkdtemp(prefix="sanxiang-dock-"))
        self.addCleanup(shutil.rmtree, self.dock, True)
        self.cam = actions.device_register(
            actor=b.sysadmin, serial="DSJ-0001", device_type="body_camera", unit=b.squad1
        )
        actions.device_assign(actor=b.sysadmin, device=self.cam, holder=b.officer, at=at(NOW, 7))
        self.travel(11)
        self.case = case_actions.case_record_transcript(
            actor=b.officer, case=self.case, kind="questioning", interviewee="张三", content="问：……答：……",
            recorded_at=timezone.now(), place="站前街道",
        )  # fmt: skip
        self.travel(12)

    def travel(self, hour: int) -> None:
        traveller = time_machine.travel(at(NOW, hour), tick=False)
        traveller.start()
        self.addCleanup(traveller.stop)

    def write(self, name: str, data: bytes, sidecar: dict[str, Any] | None = None) -> Path:
        path = self.dock / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        if sidecar is not None:
            path.with_name(path.name + ".json").write_text(json.dumps(sidecar, ensure_ascii=False), encoding="utf-8")
        return path

    def standard_files(self) -> None:
        self.write("DSJ-0001_20260601103000_0001.mp4", VIDEO)  # the camera's name pattern, 10:30
        self.write("officer2/22030002_20260601091000_x.jpg", PHOTO)  # officer2's certificate number, 09:10
        self.write(
            "clip.wav",
            AUDIO,
            {"device_serial": "dsj-0001", "captured_at": "2026-06-01T10:50:00+08:00", "location": "站前街道中央路", "sha256": sha(AUDIO)},
        )  # fmt: skip

    def run_ingest(self, *args: str, path: Path | None = None) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        code = 0
        try:
            call_command("ingest", str(path or self.dock), *args, stdout=out, stderr=err)
        except SystemExit as exc:
            code = int(exc.code or 0)
        return code, out.getvalue(), err.getvalue()

    def run_json(self, *args: str, path: Path | None = None) -> tuple[int, dict[str, Any]]:
        code, out, _err = self.run_ingest("--json", *args, path=path)
        report = json.loads(out)
        self.assertEqual(report["exit_code"], code)
        return code, report

    def by_name(self, report: dict[str, Any]) -> dict[str, dict[str, Any]]:
        return {Path(f["path"]).name: f for f in report["files"]}


class LinkingTests(IngestTestCase):
    def test_it_links_each_file_to_the_nearest_step_of_its_officers_cases(self):
        self.standard_files()
        self.write("readme.txt", b"not media")
        code, report = self.run_json()
        self.assertEqual(code, 0)
        self.assertEqual(
            report["summary"], {"files": 3, "linked": 3, "unlinked": 0, "skipped": 0, "failed": 0, "ignored": 1}
        )
        files = self.by_name(report)
        video = files["DSJ-0001_20260601103000_0001.mp4"]
        self.assertEqual(
            (video["step"], video["officer"], video["officer_source"]),
            ("record_transcript", "officer", "device_holder"),
        )
        self.assertEqual((video["device_serial"], video["time_source"], video["kind"]), ("DSJ-0001", "name", "video"))
        photo = files["22030002_20260601091000_x.jpg"]
        self.assertEqual((photo["step"], photo["officer"], photo["officer_source"]), ("register", "officer2", "name"))
        audio = files["clip.wav"]
        self.assertEqual(
            (audio["step"], audio["time_source"], audio["device_serial"]), ("record_transcript", "sidecar", "DSJ-0001")
        )
        self.assertEqual(audio["case_number"], self.case.number)
        rows = {ev.original_name: ev for ev in Evidence.objects.filter(case=self.case)}
        self.assertEqual(set(rows), set(files))
        ev = rows["clip.wav"]
        self.assertEqual(
            (ev.step, ev.kind, ev.media_type, ev.location),
            ("record_transcript", "audio", "audio/wav", "站前街道中央路"),
        )
        self.assertEqual((ev.captured_by, ev.added_by, ev.object_id), (self.b.officer, self.b.officer, sha(AUDIO)))
        self.assertEqual(ev.captured_at, at(NOW, 10).replace(minute=50))
        self.assertEqual(rows["22030002_20260601091000_x.jpg"].captured_by, self.b.officer2)
        self.assertEqual(rows["22030002_20260601091000_x.jpg"].device_serial, "")

    def test_the_audit_rows_say_the_dock_did_it_on_the_officers_behalf(self):
        self.standard_files()
        self.run_ingest()
        rows = AuditEvent.objects.filter(action="device.ingest").order_by("id")
        # Walked in name order, a folder's own files before its sub-folders.
        self.assertEqual([r.actor_label for r in rows], ["officer", "officer", "officer2"])
        for row in rows:
            self.assertEqual((row.channel, row.user_agent, row.detail["source"]), ("cli", USER_AGENT, "dock"))
            self.assertEqual(row.object_type, "evidence.Evidence")
        [run] = AuditEvent.objects.filter(action="device.ingest_run")
        self.assertEqual((run.outcome, run.detail["linked"], run.detail["problems"]), ("success", 3, []))
        self.assertEqual(len({r.request_id for r in [*rows, run]}), 1)  # one run, one request id
        adds = self.entries("evidence.add")
        self.assertEqual([e["ch"] for e in adds], ["cli"] * 3)

    def test_a_rerun_skips_everything(self):
        self.standard_files()
        self.run_ingest()
        before = (Evidence.objects.count(), AuditEvent.objects.filter(action="device.ingest").count())
        code, report = self.run_json()
        self.assertEqual(code, 0)
        self.assertEqual({f["outcome"] for f in report["files"]}, {"skipped"})
        self.assertEqual(report["summary"]["skipped"], 3)
        self.assertEqual((Evidence.objects.count(), AuditEvent.objects.filter(action="device.ingest").count()), before)

    def test_files_are_never_moved_nor_changed(self):
        self.standard_files()
        before = {p: p.read_bytes() for p in self.dock.rglob("*") if p.is_file()}
        self.run_ingest()
        self.assertEqual({p: p.read_bytes() for p in self.dock.rglob("*") if p.is_file()}, before)

    def test_the_time_falls_back_to_the_modification_time(self):
        path = self.write("VID_0007.mp4", VIDEO)
        ten_to_eleven = at(NOW, 10).replace(minute=55)
        os.utime(path, (ten_to_eleven.timestamp(), ten_to_eleven.timestamp()))
        code, report = self.run_json("--officer", "22030001")
        self.assertEqual(code, 0)
        [result] = report["files"]
        self.assertEqual(
            (result["time_source"], result["officer_source"], result["step"]), ("mtime", "option", "record_transcript")
        )
        self.assertEqual(Evidence.objects.get(original_name="VID_0007.mp4").captured_at, ten_to_eleven)

    def test_case_and_step_can_be_forced(self):
        self.write("DSJ-0001_20260601103000.mp4", VIDEO)
        code, report = self.run_json("--case", self.case.number, "--step", "attach_evidence")
        self.assertEqual(code, 0)
        self.assertEqual(Evidence.objects.get().step, "attach_evidence")
        self.assertEqual(report["files"][0]["step"], "attach_evidence")

    def test_the_human_report(self):
        self.standard_files()
        self.write("UNKNOWN-9_20260601100000.mp4", b"other footage")
        code, out, _err = self.run_ingest()
        self.assertEqual(code, 2)
        self.assertIn("Linked (3):", out)
        self.assertIn(f"case {self.case.number}, step record_transcript", out)
        self.assertIn("Stored, not linked (1):", out)
        self.assertIn("UNKNOWN-9 in the file name is neither a registered device nor a certificate number", out)
        self.assertIn("4 files: 3 linked, 1 not linked, 0 skipped, 0 failed.", out)

    def test_a_terminal_gets_a_progress_bar_in_bytes(self):
        class Terminal(io.StringIO):
            def isatty(self) -> bool:
                return True

        self.standard_files()
        err = Terminal()
        call_command("ingest", str(self.dock), stdout=io.StringIO(), stderr=err)
        self.assertIn("B/s", err.getvalue())
        quiet = Terminal()
        call_command("ingest", str(self.dock), "--no-progress", stdout=io.StringIO(), stderr=quiet)
        self.assertEqual(quiet.getvalue(), "")


class NotLinkedTests(IngestTestCase):
    def test_an_unknown_device_is_stored_reported_and_exits_2(self):
        self.write("UNKNOWN-9_20260601100000.mp4", VIDEO)
        code, report = self.run_json()
        self.assertEqual(code, 2)
        [result] = report["files"]
        self.assertEqual((result["outcome"], result["reason"], result["stored"]), ("unlinked", "unknown_device", True))
        self.assertTrue(blob_exists(sha(VIDEO)))
        self.assertFalse(Evidence.objects.exists())
        [run] = AuditEvent.objects.filter(action="device.ingest_run")
        self.assertEqual(
            run.detail["problems"],
            [
                {
                    "file": result["path"].rsplit("/", 1)[-1],
                    "sha256": sha(VIDEO),
                    "outcome": "unlinked",
                    "reason": "unknown_device",
                }
            ],
        )

    def test_a_file_of_no_known_device_or_person_is_unknown(self):
        self.write("VID_0001.mp4", VIDEO)
        self.write("unregistered.mp4", PHOTO, {"device_serial": "DSJ-9999"})
        _code, report = self.run_json()
        self.assertEqual({f["reason"] for f in report["files"]}, {"unknown_device"})

    def test_nobody_holding_the_device_at_capture_time_means_no_officer(self):
        self.write("DSJ-0001_20260601063000.mp4", VIDEO)  # 06:30, issued only at 07:00
        code, report = self.run_json()
        self.assertEqual((code, report["files"][0]["reason"]), (2, "no_officer"))
        self.assertIn("Nobody held device DSJ-0001", report["files"][0]["message"])

    def test_an_auxiliarys_footage_waits_for_an_officer(self):
        aux_cam = actions.device_register(
            actor=self.b.sysadmin, serial="DSJ-0002", device_type="body_camera", unit=self.b.squad1
        )
        actions.device_assign(actor=self.b.sysadmin, device=aux_cam, holder=self.b.auxiliary, at=at(NOW, 7))
        self.write("DSJ-0002_20260601103000.mp4", VIDEO)
        code, report = self.run_json()
        self.assertEqual((code, report["files"][0]["reason"]), (2, "no_officer"))
        self.assertIn("auxiliary", report["files"][0]["message"])

    def test_no_case_step_in_the_window(self):
        self.write("22030001_20260601053000.mp4", VIDEO)  # 05:30: 3.5 hours before the first step
        code, report = self.run_json()
        self.assertEqual((code, report["files"][0]["reason"]), (2, "no_case"))
        with override_settings(INGEST_MATCH_HOURS=4):
            code, report = self.run_json()
        self.assertEqual((code, report["files"][0]["outcome"], report["files"][0]["step"]), (0, "linked", "register"))
        self.assertEqual(Evidence.objects.count(), 1)

    def test_the_cases_an_officer_is_recused_from_do_not_count(self):
        Recusal.objects.create(
            case=self.case, user=self.b.officer, reason="近亲属", recused=True, decided_by=self.b.leader
        )
        self.write("DSJ-0001_20260601103000.mp4", VIDEO)
        code, report = self.run_json()
        self.assertEqual((code, report["files"][0]["reason"]), (2, "no_case"))

    def test_steps_of_two_cases_equally_near_are_ambiguous(self):
        other = self.register(self.new_lead(location="站前街道另一处"))  # its steps at 12:00
        self.write("22030001_20260601113000.mp4", VIDEO)  # 11:30: 30 minutes from either case
        code, report = self.run_json()
        [result] = report["files"]
        self.assertEqual((code, result["reason"]), (2, "ambiguous"))
        self.assertIn(other.number, result["message"])
        self.assertFalse(Evidence.objects.exists())

    def test_a_refusal_by_evidence_add_leaves_the_file_stored_and_listed(self):
        self.write("DSJ-0001_20260601103000.mp4", VIDEO, {"captured_at": "2026-06-02T10:00:00+08:00"})  # future
        code, report = self.run_json("--officer", "22030001", "--case", str(self.case.pk), "--step", "register")
        [result] = report["files"]
        self.assertEqual((code, result["outcome"], result["reason"]), (2, "unlinked", "refused"))
        self.assertTrue(blob_exists(sha(VIDEO)))

    def test_a_file_stored_earlier_but_not_linked_is_linked_on_a_later_run(self):
        self.write("DSJ-0009_20260601103000.mp4", VIDEO)
        self.assertEqual(self.run_ingest()[0], 2)
        cam9 = actions.device_register(
            actor=self.b.sysadmin, serial="DSJ-0009", device_type="body_camera", unit=self.b.squad1
        )
        actions.device_assign(actor=self.b.sysadmin, device=cam9, holder=self.b.officer, at=at(NOW, 7))
        code, report = self.run_json()
        self.assertEqual((code, report["files"][0]["outcome"], report["files"][0]["stored"]), (0, "linked", False))


class RefusalTests(IngestTestCase):
    def test_a_sidecar_hash_mismatch_is_refused_and_audited(self):
        self.write("DSJ-0001_20260601103000.mp4", VIDEO, {"device_serial": "DSJ-0001", "sha256": sha(b"other")})
        self.write("DSJ-0001_20260601104000.mp4", VIDEO + b"another clip")
        code, report = self.run_json()
        self.assertEqual(code, 1)
        files = self.by_name(report)
        bad = files["DSJ-0001_20260601103000.mp4"]
        self.assertEqual((bad["outcome"], bad["reason"], bad["stored"]), ("failed", "sha256_mismatch", False))
        self.assertFalse(blob_exists(sha(VIDEO)))
        self.assertEqual(files["DSJ-0001_20260601104000.mp4"]["outcome"], "linked")  # the others go on
        [audit] = AuditEvent.objects.filter(action="device.ingest", outcome="failure")
        self.assertEqual(
            (audit.actor, audit.detail["expected_sha256"], audit.detail["sha256"]),
            (self.b.officer, sha(b"other"), sha(VIDEO)),
        )
        [run] = AuditEvent.objects.filter(action="device.ingest_run")
        self.assertEqual(run.outcome, "failure")

    def test_a_bad_sidecar_fails_that_file(self):
        self.write("DSJ-0001_20260601103000.mp4", VIDEO)
        (self.dock / "DSJ-0001_20260601103000.mp4.json").write_text("{oops", encoding="utf-8")
        code, report = self.run_json()
        self.assertEqual((code, report["files"][0]["reason"]), (1, "bad_sidecar"))
        self.assertFalse(blob_exists(sha(VIDEO)))

    def test_bad_arguments_are_refused_before_anything_is_read(self):
        self.write("DSJ-0001_20260601103000.mp4", VIDEO)
        table = [
            ((str(self.dock / "missing"),), "does not exist"),
            ((str(self.dock), "--case", str(self.case.pk)), "--case and --step go together"),
            ((str(self.dock), "--case", "99999", "--step", "register"), "There is no case 99999"),
            ((str(self.dock), "--case", str(self.case.pk), "--step", "fly"), "has no step fly"),
            ((str(self.dock), "--officer", "00000000"), "No certificate has the number 00000000"),
            ((str(self.dock), "--device", "NOPE"), "The device NOPE is not registered"),
        ]
        for args, message in table:
            with self.subTest(args=args), self.assertRaisesMessage(CommandError, message):
                call_command("ingest", *args, stdout=io.StringIO(), stderr=io.StringIO())
        self.assertEqual(list(blob_iter_names()), [])


class DryRunTests(IngestTestCase):
    def test_a_dry_run_prints_the_plan_and_writes_nothing(self):
        self.standard_files()
        self.write("UNKNOWN-9_20260601100000.mp4", b"other footage")

        def counts():
            models = (AuditEvent, LogEntry, Evidence, EvidenceObject)
            return [model.objects.count() for model in models]

        before = counts()
        code, out, _err = self.run_ingest("--dry-run")
        self.assertEqual(code, 2)
        self.assertIn("Would be linked (3):", out)
        self.assertIn("Would be stored, not linked (1):", out)
        self.assertIn("Dry run: nothing was stored or recorded.", out)
        self.assertEqual(counts(), before)
        self.assertEqual(list(blob_iter_names()), [])
        code, report = self.run_json("--dry-run")
        self.assertIs(report["dry_run"], True)
        self.assertEqual(report["summary"]["linked"], 3)
        self.assertEqual(counts(), before)


class ImplausibleFileTests(IngestTestCase):
    def test_a_year_one_name_or_a_deeply_nested_sidecar_fails_only_that_file(self):
        self.write("DSJ-0001_00010101000000_0001.mp4", VIDEO + b"1")
        nested = self.write("DSJ-0001_20260601103000_0002.mp4", VIDEO + b"2")
        nested.with_name(nested.name + ".json").write_text("[" * 30_000 + "]" * 30_000, encoding="utf-8")
        self.write("DSJ-0001_20260601103000_0003.mp4", VIDEO + b"3")
        code, report = self.run_json()
        files = self.by_name(report)
        self.assertEqual(files["DSJ-0001_20260601103000_0002.mp4"]["reason"], "bad_sidecar")
        self.assertEqual(files["DSJ-0001_20260601103000_0003.mp4"]["outcome"], "linked")
        year_one = files["DSJ-0001_00010101000000_0001.mp4"]
        self.assertEqual((year_one["time_source"], year_one["device_serial"]), ("mtime", "DSJ-0001"))
        self.assertEqual(code, 1)
