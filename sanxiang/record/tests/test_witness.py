"""The witness cosigns only checkpoints that extend what it cosigned, answers as C2SP tlog-witness says, and persists first."""

from __future__ import annotations

import base64
import io
import os
import socket
import stat
import tempfile
import threading
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import SimpleTestCase

from sanxiang.record import merkle, note
from sanxiang.record.witness import (
    MAX_BODY_BYTES,
    SIZE_CONTENT_TYPE,
    WitnessResponse,
    WitnessServer,
    WitnessSetupError,
    load_signer,
    parse_log_keys,
    read_state,
    witness_add_checkpoint,
    witness_get_checkpoint,
    witness_init,
)
from sanxiang.record.witness_client import (
    WitnessConflict,
    WitnessRefused,
    WitnessUnavailable,
    add_checkpoint_body,
    fetch_checkpoint,
    push_checkpoint,
)

ORIGIN = "test.example/record"
WITNESS_NAME = "sfj.example/witness"


def leaves(n: int, fork_at: int | None = None) -> list[bytes]:
    """Leaf hashes of a synthetic log; ``fork_at`` rewrites one entry (a forked history)."""
    return [merkle.leaf_hash(f"entry {i}{' forged' if i == fork_at else ''}".encode()) for i in range(n)]


def flip_signature_bit(signed: str) -> str:
    """The note with one bit of its last signature flipped: same name and key id, invalid signature."""
    text, _, line = signed.rstrip("\n").rpartition("\n")
    prefix, _, b64 = line.rpartition(" ")
    raw = bytearray(base64.b64decode(b64))
    raw[-1] ^= 1
    return f"{text}\n{prefix} {base64.b64encode(bytes(raw)).decode()}\n"


class WitnessTestCase(SimpleTestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.dir = Path(tmp.name) / "witness"
        self.witness = witness_init(self.dir, WITNESS_NAME)
        self.log_key = note.Signer.generate(ORIGIN)
        self.logs = {ORIGIN: [self.log_key.verifier()]}

    def signed(self, hashes: list[bytes], signer: note.Signer | None = None, origin: str = ORIGIN) -> str:
        text = note.Checkpoint(origin, len(hashes), merkle.root(hashes)).text()
        return note.sign_note(text, signer or self.log_key)

    def add(self, hashes: list[bytes], old: int = 0, proof_from: list[bytes] | None = None, **kwargs):
        """Send the checkpoint of ``hashes`` with the proof from the tree ``proof_from`` (default: its prefix)."""
        proof = []
        if old:
            source = proof_from if proof_from is not None else hashes
            proof = merkle.consistency_proof(old, len(hashes), leaf_hashes=source)
        body = add_checkpoint_body(kwargs.pop("note", None) or self.signed(hashes), old, proof)
        return witness_add_checkpoint(self.dir, self.logs, body, signer=self.witness, **kwargs)

    def assertCosigned(self, response, hashes):
        self.assertEqual(response.status, 200, response.body)
        note_text = self.signed(hashes) + response.body.decode()
        _, verified = note.open_note(note_text, [self.witness.verifier()])
        self.assertEqual([v.name for v, _ in verified], [WITNESS_NAME])

    def state_bytes(self) -> bytes:
        return (self.dir / "state.json").read_bytes()


class AddCheckpointTests(WitnessTestCase):
    def test_it_cosigns_the_first_checkpoint_and_records_it(self):
        response = self.add(leaves(10), clock=lambda: 1_764_400_000.7)
        self.assertCosigned(response, leaves(10))
        _, [(_, signature)] = note.open_note(
            self.signed(leaves(10)) + response.body.decode(), [self.witness.verifier()]
        )
        self.assertEqual(signature.timestamp, 1_764_400_000)
        accepted = read_state(self.dir)[ORIGIN]
        self.assertEqual((accepted.size, accepted.root), (10, merkle.root(leaves(10))))
        self.assertEqual(accepted.cosignature, response.body.decode())

    def test_it_cosigns_consistent_growth(self):
        self.add(leaves(10))
        self.assertCosigned(self.add(leaves(33), old=10), leaves(33))
        self.assertCosigned(self.add(leaves(50), old=33), leaves(50))
        self.assertEqual(read_state(self.dir)[ORIGIN].size, 50)

    def test_it_refuses_a_forked_history_and_keeps_its_state(self):
        self.add(leaves(10))
        before = self.state_bytes()
        forked = leaves(33, fork_at=5)
        response = self.add(forked, old=10)
        self.assertEqual(response.status, 422)
        self.assertEqual(self.state_bytes(), before)
        # The honest continuation is still accepted afterwards.
        self.assertCosigned(self.add(leaves(33), old=10), leaves(33))

    def test_a_proof_of_the_honest_tree_does_not_carry_a_forged_root(self):
        self.add(leaves(10))
        response = self.add(leaves(33, fork_at=20), old=10, proof_from=leaves(33))
        self.assertEqual(response.status, 422)

    def test_a_stale_old_size_gets_409_with_the_recorded_size(self):
        self.add(leaves(10))
        self.add(leaves(33), old=10)
        for old in (0, 10):
            with self.subTest(old=old):
                response = self.add(leaves(50), old=old)
                self.assertEqual(response, (409, SIZE_CONTENT_TYPE, b"33\n"))

    def test_a_smaller_checkpoint_than_the_recorded_one_is_400(self):
        self.add(leaves(33))
        body = add_checkpoint_body(self.signed(leaves(10)), 33, [])
        response = witness_add_checkpoint(self.dir, self.logs, body, signer=self.witness)
        self.assertEqual(response.status, 400)
        self.assertEqual(read_state(self.dir)[ORIGIN].size, 33)

    def test_the_same_size_needs_the_same_root(self):
        self.add(leaves(10))
        self.assertEqual(self.add(leaves(10, fork_at=3), old=10).status, 422)
        self.assertCosigned(self.add(leaves(10), old=10), leaves(10))

    def test_a_first_checkpoint_carries_no_proof(self):
        body = add_checkpoint_body(self.signed(leaves(10)), 0, [b"\x00" * 32])
        self.assertEqual(witness_add_checkpoint(self.dir, self.logs, body, signer=self.witness).status, 422)

    def test_an_empty_tree_has_the_empty_root(self):
        self.assertCosigned(self.add([]), [])
        forged = note.sign_note(note.Checkpoint(ORIGIN, 0, b"\x01" * 32).text(), self.log_key)
        self.assertEqual(self.add([], note=forged).status, 422)

    def test_a_checkpoint_not_signed_by_the_log_key_is_403(self):
        impostor = note.Signer.generate(ORIGIN)  # same name, another key
        cases = {
            "another key": self.signed(leaves(10), impostor),
            "a bad signature": flip_signature_bit(self.signed(leaves(10))),
        }
        for name, signed in cases.items():
            with self.subTest(name):
                self.assertEqual(self.add(leaves(10), note=signed).status, 403)
        self.assertFalse((self.dir / "state.json").exists())

    def test_an_unknown_origin_is_404(self):
        other = note.Signer.generate("other.example/log")
        response = self.add(leaves(3), note=self.signed(leaves(3), other, "other.example/log"))
        self.assertEqual(response.status, 404)

    def test_malformed_bodies_are_400(self):
        good_note = self.signed(leaves(10))
        proof_line = base64.b64encode(b"\x00" * 32).decode()
        cases = {
            "no blank line": b"old 0\n" + good_note.encode().replace(b"\n\n", b"\n"),
            "no old line": b"\n\n" + good_note.encode(),
            "old not a number": b"old ten\n\n" + good_note.encode(),
            "old with a leading zero": b"old 010\n\n" + good_note.encode(),
            "old negative": b"old -1\n\n" + good_note.encode(),
            "proof not base64": b"old 5\nnot base64!\n\n" + good_note.encode(),
            "proof hash too short": f"old 5\n{base64.b64encode(b'x' * 31).decode()}\n\n{good_note}".encode(),
            "too many proof lines": ("old 5\n" + f"{proof_line}\n" * 64 + "\n" + good_note).encode(),
            "not UTF-8": b"old 0\n\n\xff\xfe",
            "no signature": b"old 0\n\n" + note.Checkpoint(ORIGIN, 10, merkle.root(leaves(10))).text().encode() + b"\n",
            "not a checkpoint": b"old 0\n\n" + note.sign_note("hello\n", self.log_key).encode(),
            "old larger than the checkpoint": b"old 11\n" + f"{proof_line}\n\n{good_note}".encode(),
        }
        for name, body in cases.items():
            with self.subTest(name):
                self.assertEqual(witness_add_checkpoint(self.dir, self.logs, body, signer=self.witness).status, 400)
        self.assertFalse((self.dir / "state.json").exists())

    def test_an_oversized_body_is_refused(self):
        body = add_checkpoint_body(self.signed(leaves(3)), 0, []) + b"x" * MAX_BODY_BYTES
        self.assertEqual(witness_add_checkpoint(self.dir, self.logs, body, signer=self.witness).status, 413)

    def test_the_state_survives_a_restart(self):
        self.add(leaves(10))
        # A new process: the key and the state come from the directory.
        response = witness_add_checkpoint(
            self.dir, self.logs, add_checkpoint_body(self.signed(leaves(12)), 0, []), signer=load_signer(self.dir)
        )
        self.assertEqual(response, (409, SIZE_CONTENT_TYPE, b"10\n"))


class GetCheckpointTests(WitnessTestCase):
    def test_it_returns_the_last_accepted_checkpoint_cosigned(self):
        self.assertEqual(witness_get_checkpoint(self.dir, ORIGIN).status, 404)
        self.add(leaves(10))
        self.add(leaves(33), old=10)
        response = witness_get_checkpoint(self.dir, ORIGIN)
        self.assertEqual(response.status, 200)
        text = response.body.decode()
        checkpoint, _ = note.open_checkpoint(text, self.log_key.verifier())
        self.assertEqual(checkpoint.size, 33)
        note.open_note(text, [self.witness.verifier()])  # raises unless the cosignature verifies
        self.assertEqual(witness_get_checkpoint(self.dir, "other.example/log").status, 404)


class SetupTests(SimpleTestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.dir = Path(tmp.name) / "w"

    def test_init_writes_a_private_key_once(self):
        signer = witness_init(self.dir, WITNESS_NAME)
        key_file = self.dir / "witness.key"
        self.assertEqual(stat.S_IMODE(key_file.stat().st_mode), 0o600)
        self.assertEqual(load_signer(self.dir).vkey(), signer.vkey())
        before = key_file.read_bytes()
        with self.assertRaisesMessage(WitnessSetupError, "never overwritten"):
            witness_init(self.dir, WITNESS_NAME)
        self.assertEqual(key_file.read_bytes(), before)

    def test_a_log_key_names_its_origin_or_is_given_one(self):
        log_key = note.Signer.generate(ORIGIN).vkey()
        logs = parse_log_keys([log_key, f"other.example/log={log_key}"])
        self.assertEqual(sorted(logs), ["other.example/log", ORIGIN])
        for bad in ("nonsense", f"x={note.Signer.generate('w', note.ALG_COSIGNATURE_V1).vkey()}"):
            with self.subTest(bad=bad), self.assertRaises(WitnessSetupError):
                parse_log_keys([bad])

    def test_the_command_inits_shows_and_refuses_clearly(self):
        out = io.StringIO()
        call_command("witness", "init", "--dir", str(self.dir), "--name", WITNESS_NAME, stdout=out)
        vkey = out.getvalue().strip().splitlines()[-1]
        self.assertEqual(note.Verifier.parse(vkey).alg, note.ALG_COSIGNATURE_V1)
        with self.assertRaisesMessage(CommandError, "never overwritten"):
            call_command("witness", "init", "--dir", str(self.dir), "--name", WITNESS_NAME)
        with self.assertRaisesMessage(CommandError, "invalid key name"):
            call_command("witness", "init", "--dir", str(self.dir / "x"), "--name", "two words")
        with self.assertRaisesMessage(CommandError, "--log-key 'nonsense'"):
            call_command("witness", "serve", "--dir", str(self.dir), "--log-key", "nonsense")
        with self.assertRaisesMessage(CommandError, "cannot read"):
            call_command("witness", "serve", "--dir", str(self.dir / "missing"), "--log-key", "x")
        out = io.StringIO()
        call_command("witness", "show", "--dir", str(self.dir), stdout=out)
        self.assertIn("No checkpoint accepted yet", out.getvalue())


class HttpTests(WitnessTestCase):
    def setUp(self):
        super().setUp()
        server = WitnessServer(("127.0.0.1", 0), state_dir=self.dir, log_verifiers=self.logs, signer=self.witness)
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        self.addCleanup(thread.join)
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)

    def test_a_round_trip_with_the_client(self):
        self.assertIsNone(fetch_checkpoint(self.url, ORIGIN))
        [signature] = push_checkpoint(self.url, self.signed(leaves(10)), 0, [])
        self.assertEqual(signature.name, WITNESS_NAME)
        self.assertCosigned(WitnessResponse(200, "", signature.line().encode()), leaves(10))

        proof = merkle.consistency_proof(10, 33, leaf_hashes=leaves(33))
        [signature] = push_checkpoint(self.url + "/", self.signed(leaves(33)), 10, proof)
        with self.assertRaises(WitnessConflict) as conflict:
            push_checkpoint(self.url, self.signed(leaves(50)), 10, [])
        self.assertEqual(conflict.exception.size, 33)

        forked = leaves(50, fork_at=7)
        with self.assertRaises(WitnessRefused) as refused:
            push_checkpoint(self.url, self.signed(forked), 33, merkle.consistency_proof(33, 50, leaf_hashes=forked))
        self.assertEqual(refused.exception.status, 422)

        anchor = fetch_checkpoint(self.url, ORIGIN)
        assert anchor is not None
        self.assertEqual(note.open_checkpoint(anchor, self.log_key.verifier())[0].size, 33)
        note.open_note(anchor, [self.witness.verifier()])

    def test_refusals_and_unknown_paths(self):
        stranger = note.Signer.generate(ORIGIN)
        with self.assertRaises(WitnessRefused) as refused:
            push_checkpoint(self.url, self.signed(leaves(3), stranger), 0, [])
        self.assertEqual(refused.exception.status, 403)
        with self.assertRaises(WitnessRefused) as refused:
            push_checkpoint(self.url + "/nowhere", self.signed(leaves(3)), 0, [])
        self.assertEqual(refused.exception.status, 404)

    def test_an_unreachable_witness_is_unavailable(self):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]  # closed again before the request: nothing listens there
        with self.assertRaises(WitnessUnavailable):
            push_checkpoint(f"http://127.0.0.1:{port}", self.signed(leaves(3)), 0, [], timeout=5)
        with self.assertRaises(ValueError):
            push_checkpoint("file:///etc/passwd", self.signed(leaves(3)), 0, [])


class LockTests(WitnessTestCase):
    def test_a_request_waits_for_the_lock(self):
        """While another request holds the lock, a second one cannot read-check-persist."""
        import fcntl

        fd = os.open(self.dir / "state.lock", os.O_RDWR | os.O_CREAT)
        self.addCleanup(os.close, fd)
        fcntl.flock(fd, fcntl.LOCK_EX)
        done = threading.Event()

        def request():
            self.add(leaves(10))
            done.set()

        worker = threading.Thread(target=request)
        worker.start()
        self.assertFalse(done.wait(0.2))
        self.assertFalse((self.dir / "state.json").exists())
        fcntl.flock(fd, fcntl.LOCK_UN)
        worker.join()
        self.assertTrue(done.is_set())
        self.assertEqual(read_state(self.dir)[ORIGIN].size, 10)
