"""``sanxiang log_export`` writes the stored log so that the standalone verifier accepts it, and never overwrites."""

from __future__ import annotations

import base64
import io
import json
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import TestCase, override_settings

from sanxiang.record import note, standalone
from sanxiang.record.log import log_append, log_root
from sanxiang.record.models import Checkpoint, Cosignature, LogEntry, LogHead

ORIGIN = "export.example/record"


@override_settings(RECORD_LOG_ORIGIN=ORIGIN)
class LogExportTests(TestCase):
    log_key: note.Signer
    witness: note.Signer

    @classmethod
    def setUpTestData(cls):
        cls.log_key = note.Signer.generate(ORIGIN)
        cls.witness = note.Signer.generate("sfj.example/witness", note.ALG_COSIGNATURE_V1)
        cls.append(12)
        cls.checkpoint(5)
        cls.append(3)
        cls.checkpoint(15, cosigned=True)
        cls.append(2)  # a tail not yet in any checkpoint

    @classmethod
    def append(cls, n: int) -> None:
        with transaction.atomic():
            for i in range(n):
                log_append(origin=ORIGIN, entry={"v": 1, "kind": "test", "ts": 1_764_400_000_000 + i, "n": i})

    @classmethod
    def checkpoint(cls, size: int, cosigned: bool = False) -> None:
        _, root = log_root(ORIGIN, size)
        text = note.Checkpoint(ORIGIN, size, root).text()
        row = Checkpoint.objects.create(
            log=LogHead.objects.get(origin=ORIGIN), size=size, root=root, note=note.sign_note(text, cls.log_key)
        )
        if cosigned:
            line = note.cosign(cls.witness, text, 1_764_400_100).line()
            Cosignature.objects.create(checkpoint=row, witness=cls.witness.name, line=line)

    def setUp(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.out = Path(tmp.name) / "export.jsonl"

    def verify(self, lines, **kwargs) -> standalone.Report:
        key = standalone.Verifier.parse(self.log_key.vkey())
        witness = standalone.Verifier.parse(self.witness.vkey())
        return standalone.verify_log(lines, key, witness_keys=[witness], **kwargs)

    def test_the_export_verifies_with_the_standalone_verifier(self):
        call_command("log_export", str(self.out), stdout=io.StringIO())
        with self.out.open("rb") as handle:
            report = self.verify(handle, min_witnesses=1)
        self.assertTrue(report.ok, report.problems)
        self.assertEqual(report.facts["entries"], 17)
        self.assertEqual(report.facts["checkpoints"], 2)
        self.assertEqual(report.facts["latest_checkpoint"]["witnesses"], {"sfj.example/witness": 1_764_400_100})
        self.assertEqual(report.facts["root"], base64.b64encode(log_root(ORIGIN)[1]).decode())
        [warning] = report.warnings
        self.assertIn("entries 15..16 are in no checkpoint yet", warning)

    def test_the_lines_follow_the_format(self):
        call_command("log_export", str(self.out), stdout=io.StringIO())
        lines = [json.loads(line) for line in self.out.read_text(encoding="utf-8").splitlines()]
        header = lines[0]
        self.assertEqual(
            {k: header[k] for k in ("type", "format", "origin", "size")},
            {"type": "header", "format": "sanxiang-log-export/1", "origin": ORIGIN, "size": 17},
        )
        self.assertIn("exported_at", header)
        layout = [
            f"cp{line['note'].splitlines()[1]}" if line["type"] == "checkpoint" else line["seq"] for line in lines[1:]
        ]
        self.assertEqual(layout, [0, 1, 2, 3, 4, "cp5", *range(5, 15), "cp15", 15, 16])
        stored = dict(LogEntry.objects.filter(log__origin=ORIGIN).values_list("seq", "body"))
        for line in lines[1:]:
            if line["type"] == "entry":
                self.assertEqual(base64.b64decode(line["body"]), bytes(stored[line["seq"]]))

    def test_stdout_export(self):
        out = io.StringIO()
        err = io.StringIO()
        call_command("log_export", "-", stdout=out, stderr=err)
        self.assertTrue(self.verify(out.getvalue().splitlines()).ok)
        self.assertIn("Exported 17 entries", err.getvalue())

    def test_a_tampered_database_fails_verification(self):
        """The export carries the stored bytes as they are, so a DBA's edit shows."""
        call_command("log_export", str(self.out), stdout=io.StringIO())
        lines = self.out.read_text(encoding="utf-8").splitlines()
        entry = json.loads(lines[3])
        body = base64.b64decode(entry["body"]).replace(b'"kind":"test"', b'"kind":"tesT"')
        lines[3] = json.dumps({**entry, "body": base64.b64encode(body).decode()})
        report = self.verify(lines)
        self.assertEqual([p.where for p in report.problems], ["checkpoint 5", "checkpoint 15"])

    def test_it_refuses_to_overwrite(self):
        self.out.write_text("precious", encoding="utf-8")
        with self.assertRaisesMessage(CommandError, "exists already"):
            call_command("log_export", str(self.out))
        self.assertEqual(self.out.read_text(encoding="utf-8"), "precious")

    def test_an_unknown_origin_or_directory_is_refused(self):
        with self.assertRaisesMessage(CommandError, "no log with the origin 'nowhere/log'"):
            call_command("log_export", str(self.out), "--origin", "nowhere/log")
        with self.assertRaisesMessage(CommandError, "Cannot create"):
            call_command("log_export", str(self.out.parent / "missing" / "x.jsonl"))
