"""The one-file verifier catches each kind of tampering, says where, and runs with nothing but itself.

Logs are built synthetically with ``merkle`` and ``note`` (no database): 50
entries with checkpoints at 10, 33 and 50 unless a test says otherwise.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from django.test import SimpleTestCase

from sanxiang.record import merkle, note, standalone

ORIGIN = "test.example/record"
TS0 = 1_764_400_000_000
STANDALONE = Path(standalone.__file__)


def make_bodies(n: int, origin: str = ORIGIN, forged: dict[int, str] | None = None) -> list[bytes]:
    forged = forged or {}
    return [
        merkle.canonical_json(
            {"v": 1, "log": origin, "seq": i, "kind": forged.get(i, "test"), "ts": TS0 + 1000 * i, "n": i}
        )
        for i in range(n)
    ]


def leaf_hashes(bodies: list[bytes]) -> list[bytes]:
    return [merkle.leaf_hash(b) for b in bodies]


def sign_checkpoint(signer: note.Signer, bodies: list[bytes], origin: str = ORIGIN) -> str:
    return note.sign_note(note.Checkpoint(origin, len(bodies), merkle.root(leaf_hashes(bodies))).text(), signer)


def export_lines(bodies: list[bytes], checkpoints: dict[int, str], *, size: int | None = None) -> list[str]:
    """The export format: header, entries, each checkpoint right after the entry that completes its size."""
    lines = [
        json.dumps(
            {
                "type": "header",
                "format": "sanxiang-log-export/1",
                "origin": ORIGIN,
                "size": len(bodies) if size is None else size,
            }
        )
    ]
    lines += [json.dumps({"type": "checkpoint", "note": checkpoints[0]})] if 0 in checkpoints else []
    for seq, body in enumerate(bodies):
        lines.append(json.dumps({"type": "entry", "seq": seq, "body": base64.b64encode(body).decode()}))
        if seq + 1 in checkpoints:
            lines.append(json.dumps({"type": "checkpoint", "note": checkpoints[seq + 1]}))
    return lines


def flip_signature_bit(signed: str) -> str:
    text, _, line = signed.rstrip("\n").rpartition("\n")
    prefix, _, b64 = line.rpartition(" ")
    raw = bytearray(base64.b64decode(b64))
    raw[-1] ^= 1
    return f"{text}\n{prefix} {base64.b64encode(bytes(raw)).decode()}\n"


class StandaloneTestCase(SimpleTestCase):
    def setUp(self):
        self.log_key = note.Signer.generate(ORIGIN)
        self.key = standalone.Verifier.parse(self.log_key.vkey())
        self.witness = note.Signer.generate("sfj.example/witness", note.ALG_COSIGNATURE_V1)
        self.witness_key = standalone.Verifier.parse(self.witness.vkey())
        self.bodies = make_bodies(50)
        self.checkpoints = {n: sign_checkpoint(self.log_key, self.bodies[:n]) for n in (10, 33, 50)}

    def cosigned(self, signed: str, timestamp: int = 1_764_400_100) -> str:
        text, _ = note.parse_note(signed)
        return signed + note.cosign(self.witness, text, timestamp).line()

    def verify(self, lines: list[str], **kwargs) -> standalone.Report:
        return standalone.verify_log(lines, self.key, **kwargs)

    def assertProblems(self, report: standalone.Report, expected: list[tuple[str, str]]):
        """Each (where, message fragment) is reported, and nothing else."""
        self.assertFalse(report.ok)
        found = [(p.where, p.message) for p in report.problems]
        self.assertEqual(len(found), len(expected), found)
        for (where, fragment), (got_where, message) in zip(expected, found, strict=True):
            self.assertEqual(got_where, where, found)
            self.assertIn(fragment, message)


class CleanLogTests(StandaloneTestCase):
    def test_a_clean_log_verifies(self):
        report = self.verify(export_lines(self.bodies, self.checkpoints))
        self.assertTrue(report.ok, report.problems)
        self.assertEqual(report.facts["entries"], 50)
        self.assertEqual(report.facts["checkpoints"], 3)
        self.assertEqual(report.facts["root"], base64.b64encode(merkle.root(leaf_hashes(self.bodies))).decode())
        self.assertEqual(report.warnings, [])

    def test_an_uncheckpointed_tail_is_a_warning_not_a_failure(self):
        bodies = make_bodies(53)
        report = self.verify(export_lines(bodies, self.checkpoints))
        self.assertTrue(report.ok, report.problems)
        [warning] = report.warnings
        self.assertIn("entries 50..52 are in no checkpoint yet", warning)
        self.assertIn("2025-11-29T07:07:30+00:00", warning)  # entry 50's ts

    def test_checkpoints_ahead_of_the_entries_are_held_until_their_size(self):
        lines = export_lines(self.bodies, {})
        lines[1:1] = [json.dumps({"type": "checkpoint", "note": n}) for n in self.checkpoints.values()]
        self.assertTrue(self.verify(lines).ok)

    def test_a_checkpoint_behind_the_entries_cannot_be_checked_in_one_pass(self):
        lines = export_lines(self.bodies, {10: self.checkpoints[10], 50: self.checkpoints[50]})
        lines.append(json.dumps({"type": "checkpoint", "note": self.checkpoints[33]}))
        self.assertProblems(self.verify(lines), [("checkpoint 33", "appears after entry 49")])

    def test_a_log_with_no_checkpoint_is_not_vouched_for(self):
        self.assertProblems(self.verify(export_lines(self.bodies, {})), [("export", "no checkpoint signed by the key")])


class TamperingTests(StandaloneTestCase):
    def test_a_changed_body_byte(self):
        bodies = list(self.bodies)
        bodies[20] = bodies[20].replace(b'"kind":"test"', b'"kind":"tesT"')
        report = self.verify(export_lines(bodies, self.checkpoints))
        self.assertProblems(
            report,
            [("checkpoint 33", "root differs"), ("checkpoint 50", "root differs")],
        )
        self.assertIn("a change among entries 10..32", report.problems[0].message)

    def test_a_deleted_entry(self):
        lines = export_lines(self.bodies, self.checkpoints)
        del lines[1 + 20 + 1]  # header, entries 0..9, checkpoint 10, entries 10..19, then entry 20
        report = self.verify(lines)
        self.assertProblems(
            report,
            [
                ("entry 20", "gap: entry 20 missing before entry 21"),
                ("checkpoint 33", "root differs"),
                ("checkpoint 50", "size 50 but the export has 49 entries"),
                ("export", "the header says 50 entries, the file has 49"),
            ],
        )

    def test_deleted_newest_entries_against_the_last_checkpoint(self):
        lines = export_lines(self.bodies[:47], self.checkpoints, size=47)
        lines.append(json.dumps({"type": "checkpoint", "note": self.checkpoints[50]}))
        self.assertProblems(self.verify(lines), [("checkpoint 50", "size 50 but the export has 47 entries")])

    def test_deleted_newest_entries_and_checkpoint_need_an_anchor(self):
        """Dropping the tail together with its checkpoint is only visible against a checkpoint held outside."""
        lines = export_lines(self.bodies[:33], {10: self.checkpoints[10], 33: self.checkpoints[33]})
        self.assertTrue(self.verify(lines).ok)
        anchor = self.cosigned(self.checkpoints[50])
        report = self.verify(lines, anchors=[("witness.txt", anchor)], witness_keys=[self.witness_key])
        self.assertProblems(report, [("anchor witness.txt (checkpoint 50)", "the log was truncated")])

    def test_history_rewritten_and_resigned_with_the_same_key_needs_a_witness_anchor(self):
        forged = make_bodies(50, forged={5: "nothing happened"})
        resigned = {n: sign_checkpoint(self.log_key, forged[:n]) for n in (10, 33, 50)}
        lines = export_lines(forged, resigned)
        self.assertTrue(self.verify(lines).ok)  # the key holder's rewrite is self-consistent
        witness_anchor = self.cosigned(self.checkpoints[33])  # what the witness accepted before the rewrite
        report = self.verify(lines, anchors=[("sfj-33.txt", witness_anchor)])
        self.assertProblems(
            report, [("anchor sfj-33.txt (checkpoint 33)", "history differs from this externally held checkpoint")]
        )

    def test_a_checkpoint_with_a_changed_root(self):
        forged_root = base64.b64encode(merkle.root(leaf_hashes(make_bodies(33, forged={1: "x"})))).decode()
        original_root = base64.b64encode(merkle.root(leaf_hashes(self.bodies[:33]))).decode()
        checkpoints = {**self.checkpoints, 33: self.checkpoints[33].replace(original_root, forged_root)}
        self.assertProblems(self.verify(export_lines(self.bodies, checkpoints)), [("checkpoint 33", "does not verify")])

    def test_a_checkpoint_signed_by_another_key(self):
        other = note.Signer.generate(ORIGIN)
        checkpoints = {**self.checkpoints, 33: sign_checkpoint(other, self.bodies[:33])}
        self.assertProblems(
            self.verify(export_lines(self.bodies, checkpoints)), [("checkpoint 33", "no signature by " + ORIGIN)]
        )

    def test_a_checkpoint_of_another_origin(self):
        other_log = note.Signer.generate("other.example/log")
        key = standalone.Verifier.parse(other_log.vkey())
        checkpoints = {10: sign_checkpoint(other_log, self.bodies[:10], "other.example/log")}
        report = standalone.verify_log(export_lines(self.bodies[:10], checkpoints), key)
        self.assertProblems(report, [("checkpoint 10", "origin 'other.example/log'"), ("export", "no checkpoint")])

    def test_bodies_that_lie_about_their_place(self):
        bodies = list(self.bodies)
        bodies[3] = bodies[3].replace(b'"seq":3', b'"seq":4')
        bodies[4] = bodies[4].replace(ORIGIN.encode(), b"elsewhere/log")
        bodies[6] = bodies[6].replace(str(TS0 + 6000).encode(), str(TS0 - 10_000).encode())
        bodies[7] = bodies[7].replace(str(TS0 + 7000).encode(), str(TS0 + 2_500).encode())  # within the skew
        checkpoints = {n: sign_checkpoint(self.log_key, bodies[:n]) for n in (10,)}
        report = self.verify(export_lines(bodies[:10], checkpoints))
        self.assertProblems(
            report,
            [
                ("entry 3", "the body's seq is 4, not 3"),
                ("entry 4", "the body's log is 'elsewhere/log'"),
                ("entry 6", "ms before an earlier entry's"),
            ],
        )

    def test_a_duplicated_entry_and_garbage_lines(self):
        lines = export_lines(self.bodies[:10], {10: self.checkpoints[10]})
        lines.insert(4, lines[3])
        lines.insert(2, "not json")
        lines.append(json.dumps({"type": "mystery"}))
        report = self.verify(lines)
        self.assertEqual(
            [p.where for p in report.problems],
            ["line 3", "entry 2", "checkpoint 10", "line 15", "export"],
        )
        self.assertIn("duplicate", report.problems[1].message)

    def test_not_an_export(self):
        self.assertProblems(self.verify(['{"type":"entry"}']), [("line 1", "not a sanxiang-log-export/1 header")])
        self.assertProblems(self.verify([]), [("export", "the export is empty")])


class WitnessCountTests(StandaloneTestCase):
    def test_cosignatures_are_counted_on_the_latest_checkpoint(self):
        checkpoints = {**self.checkpoints, 50: self.cosigned(self.checkpoints[50])}
        lines = export_lines(self.bodies, checkpoints)
        report = self.verify(lines, witness_keys=[self.witness_key], min_witnesses=1)
        self.assertTrue(report.ok, report.problems)
        self.assertEqual(report.facts["latest_checkpoint"]["witnesses"], {"sfj.example/witness": 1_764_400_100})
        report = self.verify(lines, witness_keys=[self.witness_key], min_witnesses=2)
        self.assertProblems(report, [("checkpoint 50", "1 witness cosignature(s), 2 needed")])
        # Without the witness's key its cosignature counts for nothing.
        self.assertProblems(self.verify(lines, min_witnesses=1), [("checkpoint 50", "0 witness cosignature(s)")])

    def test_a_bad_cosignature_is_reported(self):
        checkpoints = {**self.checkpoints, 50: flip_signature_bit(self.cosigned(self.checkpoints[50]))}
        report = self.verify(export_lines(self.bodies, checkpoints), witness_keys=[self.witness_key])
        self.assertProblems(report, [("checkpoint 50", "cosignature of witness sfj.example/witness does not verify")])


class BundleTests(StandaloneTestCase):
    def inclusion_bundle(self, seq: int = 20, size: int = 33, **changes) -> dict[str, Any]:
        bundle = {
            "format": "sanxiang-inclusion/1",
            "origin": ORIGIN,
            "seq": seq,
            "leaf_hash": base64.b64encode(merkle.leaf_hash(self.bodies[seq])).decode(),
            "body": base64.b64encode(self.bodies[seq]).decode(),
            "size": size,
            "proof": [
                base64.b64encode(h).decode()
                for h in merkle.inclusion_proof(seq, size, leaf_hashes=leaf_hashes(self.bodies))
            ],
            "checkpoint": self.checkpoints[size],
        }
        return {**bundle, **changes}

    def consistency_bundle(self, old: int = 10, new: int = 50, **changes) -> dict[str, Any]:
        proof = merkle.consistency_proof(old, new, leaf_hashes=leaf_hashes(self.bodies))
        bundle = {
            "format": "sanxiang-consistency/1",
            "old": self.checkpoints[old],
            "new": self.checkpoints[new],
            "proof": [base64.b64encode(h).decode() for h in proof],
        }
        return {**bundle, **changes}

    def test_inclusion_bundles(self):
        self.assertTrue(standalone.verify_inclusion_bundle(self.inclusion_bundle(), self.key).ok)
        without_body = {k: v for k, v in self.inclusion_bundle().items() if k != "body"}
        self.assertTrue(standalone.verify_inclusion_bundle(without_body, self.key).ok)
        good = self.inclusion_bundle()
        changed_proof = [base64.b64encode(b"\x00" * 32).decode(), *good["proof"][1:]]
        other_body = base64.b64encode(self.bodies[21]).decode()
        cases: dict[str, tuple[dict[str, Any], str, str]] = {
            "a proof hash changed": ({"proof": changed_proof}, "entry 20", "does not lead to the root"),
            "a wrong seq": ({"seq": 21}, "entry 21", "the body names log"),
            "a wrong size": ({"size": 50}, "checkpoint 33", "the bundle says size 50"),
            "another body": ({"body": other_body}, "entry 20", "leaf hash is not leaf_hash"),
            "a forged checkpoint": (
                {"checkpoint": flip_signature_bit(self.checkpoints[33])},
                "bundle",
                "does not verify",
            ),
            "not a bundle": ({"format": "x"}, "bundle", "not a sanxiang-inclusion/1 bundle"),
        }
        for name, (changes, where, fragment) in cases.items():
            with self.subTest(name):
                report = standalone.verify_inclusion_bundle({**good, **changes}, self.key)
                self.assertFalse(report.ok)
                self.assertEqual(report.problems[0].where, where)
                self.assertIn(fragment, report.problems[0].message)

    def test_consistency_bundles(self):
        self.assertTrue(standalone.verify_consistency_bundle(self.consistency_bundle(), self.key).ok)
        self.assertTrue(standalone.verify_consistency_bundle(self.consistency_bundle(33, 33), self.key).ok)
        good = self.consistency_bundle()
        forked = make_bodies(50, forged={5: "x"})
        forked_proof = merkle.consistency_proof(10, 50, leaf_hashes=leaf_hashes(forked))
        cases = {
            "a proof hash changed": {"proof": [base64.b64encode(b"\x01" * 32).decode(), *good["proof"][1:]]},
            "old and new swapped": {"old": good["new"], "new": good["old"]},
            "a forked new tree": {
                "new": sign_checkpoint(self.log_key, forked),
                "proof": [base64.b64encode(h).decode() for h in forked_proof],
            },
            "an unsigned new checkpoint": {"new": flip_signature_bit(good["new"])},
        }
        for name, changes in cases.items():
            with self.subTest(name):
                self.assertFalse(standalone.verify_consistency_bundle({**good, **changes}, self.key).ok)


class DuplicatedCodeTests(SimpleTestCase):
    """The verifier's own copy of the RFC 9162 code agrees with merkle.py on every small tree."""

    def test_frontier_and_proofs_agree_with_merkle(self):
        hashes = leaf_hashes(make_bodies(40))
        frontier = standalone.Frontier()
        for n in range(1, 41):
            frontier.append(hashes[n - 1])
            root = merkle.root(hashes[:n])
            self.assertEqual(frontier.root(), root)
            for m in range(n + 1):
                proof = merkle.consistency_proof(m, n, leaf_hashes=hashes)
                old_root = merkle.root(hashes[:m])
                self.assertIs(standalone.verify_consistency(m, n, old_root, root, proof), True, (m, n))
                if proof:
                    bad = [proof[0][:-1] + bytes([proof[0][-1] ^ 1]), *proof[1:]]
                    self.assertIs(standalone.verify_consistency(m, n, old_root, root, bad), False, (m, n))
            for i in range(n):
                proof = merkle.inclusion_proof(i, n, leaf_hashes=hashes)
                self.assertIs(standalone.verify_inclusion(hashes[i], i, n, proof, root), True, (i, n))
                if proof:
                    bad = [*proof[:-1], proof[-1][:-1] + bytes([proof[-1][-1] ^ 1])]
                    self.assertIs(standalone.verify_inclusion(hashes[i], i, n, bad, root), False, (i, n))
                self.assertIs(standalone.verify_inclusion(hashes[i], i, n, [*proof, root], root), False, (i, n))

    def test_it_imports_nothing_from_the_platform(self):
        source = STANDALONE.read_text(encoding="utf-8")
        imports = [line for line in source.splitlines() if line.startswith(("import ", "from "))]
        for line in imports:
            module = line.split()[1].split(".")[0]
            self.assertIn(module, {"__future__", "cryptography", *sys.stdlib_module_names}, line)


class CommandLineTests(StandaloneTestCase):
    """Run a copy of the file alone, isolated (-I), from an empty directory: it needs nothing else."""

    def setUp(self):
        super().setUp()
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.tmp = Path(tmp.name)
        shutil.copy(STANDALONE, self.tmp / "standalone.py")

    def run_cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 (our own interpreter and file)
            [sys.executable, "-I", "standalone.py", *args],
            cwd=self.tmp,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def write(self, name: str, content: str) -> str:
        (self.tmp / name).write_text(content, encoding="utf-8")
        return name

    def test_log(self):
        export = self.write("export.jsonl", "\n".join(export_lines(self.bodies, self.checkpoints)) + "\n")
        result = self.run_cli("log", export, "--key", self.log_key.vkey())
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("log: OK", result.stdout)

        forged = make_bodies(50, forged={5: "nothing happened"})
        rewritten = {n: sign_checkpoint(self.log_key, forged[:n]) for n in (10, 33, 50)}
        export = self.write("rewritten.jsonl", "\n".join(export_lines(forged, rewritten)) + "\n")
        anchor = self.write("anchor.txt", self.cosigned(self.checkpoints[33]))
        witness = ["--witness-key", self.witness.vkey()]
        self.assertEqual(self.run_cli("log", export, "--key", self.log_key.vkey(), *witness).returncode, 0)
        result = self.run_cli("log", export, "--key", self.log_key.vkey(), *witness, "--anchor", anchor, "--json")
        self.assertEqual(result.returncode, 1, result.stderr)
        report = json.loads(result.stdout)
        self.assertIs(report["ok"], False)
        self.assertEqual(report["problems"][0]["where"], "anchor anchor.txt (checkpoint 33)")

    def test_bundles(self):
        proof = merkle.inclusion_proof(7, 10, leaf_hashes=leaf_hashes(self.bodies))
        bundle = {
            "format": "sanxiang-inclusion/1",
            "origin": ORIGIN,
            "seq": 7,
            "leaf_hash": base64.b64encode(merkle.leaf_hash(self.bodies[7])).decode(),
            "size": 10,
            "proof": [base64.b64encode(h).decode() for h in proof],
            "checkpoint": self.checkpoints[10],
        }
        path = self.write("inclusion.json", json.dumps(bundle))
        self.assertEqual(self.run_cli("inclusion", path, "--key", self.log_key.vkey()).returncode, 0)
        path = self.write("bad.json", json.dumps({**bundle, "seq": 6}))
        result = self.run_cli("inclusion", path, "--key", self.log_key.vkey())
        self.assertEqual(result.returncode, 1)
        self.assertIn("FAIL entry 6", result.stdout)
        consistency = {
            "format": "sanxiang-consistency/1",
            "old": self.checkpoints[10],
            "new": self.checkpoints[33],
            "proof": [
                base64.b64encode(h).decode()
                for h in merkle.consistency_proof(10, 33, leaf_hashes=leaf_hashes(self.bodies))
            ],
        }
        path = self.write("consistency.json", json.dumps(consistency))
        self.assertEqual(self.run_cli("consistency", path, "--key", self.log_key.vkey()).returncode, 0)

    def test_usage_errors_are_clear_and_without_traceback(self):
        export = self.write("export.jsonl", "\n".join(export_lines(self.bodies, self.checkpoints)) + "\n")
        cases = {
            "a malformed key": ("log", export, "--key", "nonsense"),
            "a witness key as the log key": ("log", export, "--key", self.witness.vkey()),
            "a missing export": ("log", "missing.jsonl", "--key", self.log_key.vkey()),
            "a missing anchor": ("log", export, "--key", self.log_key.vkey(), "--anchor", "missing.txt"),
        }
        for name, args in cases.items():
            with self.subTest(name):
                result = self.run_cli(*args)
                self.assertEqual(result.returncode, 2)
                self.assertTrue(result.stderr.startswith("error: "), result.stderr)
                self.assertNotIn("Traceback", result.stderr)
