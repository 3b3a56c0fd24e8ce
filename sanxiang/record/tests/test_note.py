"""Signed notes, checkpoints and cosignatures: the Go reference vectors, round trips and refusals."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanxiang.record import note

# golang.org/x/mod/sumdb/note note_test.go
VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
SIG_LINE = (
    "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)


def test_signing_reproduces_the_reference_note_byte_for_byte():
    signer = note.Signer.parse(SKEY)
    assert signer.vkey() == VKEY
    assert signer.skey() == SKEY
    assert note.sign_note(TEXT, signer) == TEXT + "\n" + SIG_LINE


def test_the_reference_note_opens_with_the_reference_key():
    text, verified = note.open_note(TEXT + "\n" + SIG_LINE, [note.Verifier.parse(VKEY)])
    assert text == TEXT
    assert [v.name for v, _ in verified] == ["PeterNeumann"]


@pytest.mark.parametrize(
    "bad",
    [
        VKEY.replace("+c74f20a3", "+c74f20a4"),  # key id does not match
        VKEY.replace("ARpc", "AhpC"),  # another key type / key
        "PeterNeumann+c74f20a3",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        VKEY + "=",
    ],
)
def test_mangled_verifier_keys_are_refused(bad):
    with pytest.raises(note.NoteError):
        note.Verifier.parse(bad)


def test_a_changed_text_or_signature_is_refused():
    verifier = note.Verifier.parse(VKEY)
    with pytest.raises(note.NoteError):
        note.open_note(TEXT.replace("answer", "Answer") + "\n" + SIG_LINE, [verifier])
    raw = bytearray(base64.b64decode(SIG_LINE.split()[-1]))
    raw[10] ^= 1
    forged = f"— PeterNeumann {base64.b64encode(bytes(raw)).decode()}\n"
    with pytest.raises(note.NoteError):
        note.open_note(TEXT + "\n" + forged, [verifier])


def test_unknown_keys_are_ignored_but_one_known_signature_is_needed():
    other = note.Signer.generate("other.example")
    signed = note.sign_note(TEXT, other, note.Signer.parse(SKEY))
    text, verified = note.open_note(signed, [note.Verifier.parse(VKEY)])
    assert len(verified) == 1
    with pytest.raises(note.NoteError):
        note.open_note(note.sign_note(TEXT, other), [note.Verifier.parse(VKEY)])


@pytest.mark.parametrize(
    "bad", ["", "no newline", "a\n\nb\n", TEXT + "\n", TEXT + "\n— x\n", TEXT + "\n- PeterNeumann abcd\n"]
)
def test_malformed_notes_are_refused(bad):
    with pytest.raises(note.NoteError):
        note.open_note(bad, [note.Verifier.parse(VKEY)])


def test_checkpoint_round_trip_and_cosignature():
    log = note.Signer.generate("log.example/record")
    witness = note.Signer.generate("witness.example", note.ALG_COSIGNATURE_V1)
    cp = note.Checkpoint("log.example/record", 12, bytes(range(32)))
    signed = note.sign_note(cp.text(), log)
    opened, _ = note.open_checkpoint(signed, log.verifier())
    assert opened == cp
    cosig = note.cosign(witness, cp.text(), 1_764_400_000)
    cosigned = note.add_signature_lines(signed, [cosig])
    text, verified = note.open_note(cosigned, [log.verifier(), witness.verifier()])
    assert {v.name for v, _ in verified} == {"log.example/record", "witness.example"}
    assert {v.name: s.timestamp for v, s in verified}["witness.example"] == 1_764_400_000
    assert note.Verifier.parse(witness.vkey()) == witness.verifier()
    # A cosignature moved to another checkpoint does not verify.
    other = note.sign_note(note.Checkpoint("log.example/record", 13, bytes(32)).text(), log)
    with pytest.raises(note.NoteError):
        note.open_note(note.add_signature_lines(other, [cosig]), [log.verifier(), witness.verifier()])


@pytest.mark.parametrize(
    "text",
    ["o\n012\nAAAA\n", "o\n-1\n" + base64.b64encode(bytes(32)).decode() + "\n", "o\n1\nAAAA\n", "\n1\nx\n", "o\n1\n"],
)
def test_malformed_checkpoints_are_refused(text):
    with pytest.raises(note.NoteError):
        note.parse_checkpoint(text)


@given(
    origin=st.from_regex(r"[a-z0-9./-]{1,40}", fullmatch=True),
    size=st.integers(min_value=0, max_value=2**63 - 1),
    root=st.binary(min_size=32, max_size=32),
)
def test_checkpoint_text_parses_back(origin, size, root):
    cp = note.Checkpoint(origin, size, root)
    assert note.parse_checkpoint(cp.text()) == cp
