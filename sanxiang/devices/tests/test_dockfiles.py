"""Reading a dock folder: media kinds, file-name patterns, sidecars, the walk (no database)."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from pathlib import Path
from unittest import TestCase

from sanxiang.cases.tests.test_general_procedure import at
from sanxiang.devices import dockfiles


class NameTests(TestCase):
    def test_the_patterns(self):
        half_past_eight = at("2026-06-01", 8).replace(minute=30)
        cases = [
            ("DSJ-0001_20260601083000.mp4", "DSJ-0001", half_past_eight),
            ("DSJ-0001_20260601083000_0001.MP4", "DSJ-0001", half_past_eight),
            ("DSJ_V9_000123_20260601083000_A.mov", "DSJ_V9_000123", half_past_eight),
            ("22030001_20260601083000.jpg", "22030001", half_past_eight),
            ("22030001_20260601083000_x.y.jpg", "22030001", half_past_eight),
        ]
        for name, ident, when in cases:
            with self.subTest(name=name):
                info = dockfiles.parse_name(name)
                assert info is not None
                self.assertEqual((info.ident, info.captured_at), (ident, when))

    def test_names_that_do_not_follow_a_pattern(self):
        for name in (
            "VID_0001.mp4",
            "DSJ-0001_2026060108300.mp4",
            "DSJ-0001_20261301083000.mp4",
            "_20260601083000.mp4",
            "clip.mp4",
        ):
            with self.subTest(name=name):
                self.assertIsNone(dockfiles.parse_name(name))


class KindTests(TestCase):
    def test_media_kinds(self):
        table = [
            ("a.MP4", ("video", "video/mp4")), ("a.mov", ("video", "video/quicktime")), ("a.wav", ("audio", "audio/wav")),
            ("a.AMR", ("audio", "audio/amr")), ("a.jpg", ("photo", "image/jpeg")), ("a.heic", ("photo", "image/heic")),
            ("a.webm", ("video", "video/webm")), ("a.txt", None), ("a.json", None), (".hidden.mp4", None), ("a.mp4.part", None),
        ]  # fmt: skip
        for name, expected in table:
            with self.subTest(name=name):
                self.assertEqual(dockfiles.media_kind(Path(name)), expected)


class FolderTestCase(TestCase):
    def setUp(self):
        self.dir = Path(tempfile.mkdtemp(prefix="sanxiang-dock-"))
        self.addCleanup(shutil.rmtree, self.dir, True)

    def write(self, name: str, data: bytes | str) -> Path:
        path = self.dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        return path


class SidecarTests(FolderTestCase):
    def test_a_full_sidecar(self):
        video = self.write("v.mp4", b"video")
        digest = hashlib.sha256(b"video").hexdigest()
        self.write(
            "v.mp4.json",
            json.dumps({"device_serial": "dsj-0001", "officer_cert_no": " 22030001 ", "captured_at": "2026-06-01T08:30:00",
                        "location": "站前街道", "sha256": digest.upper(), "battery": 80}),
        )  # fmt: skip
        sidecar = dockfiles.read_sidecar(video)
        assert sidecar is not None
        self.assertEqual(sidecar.device_serial, "dsj-0001")
        self.assertEqual(sidecar.officer_cert_no, "22030001")
        self.assertEqual(sidecar.captured_at, at("2026-06-01", 8).replace(minute=30))  # local time without an offset
        self.assertEqual((sidecar.location, sidecar.sha256), ("站前街道", digest))
        self.assertEqual(dockfiles.file_sha256(video), digest)

    def test_no_sidecar_is_none(self):
        self.assertIsNone(dockfiles.read_sidecar(self.write("v.mp4", b"video")))

    def test_unusable_sidecars_are_refused_with_the_reason(self):
        table = [
            ("{not json", "cannot be read"),
            ("[1, 2]", "must hold a JSON object"),
            ('{"sha256": "abc"}', "64 hexadecimal digits"),
            ('{"captured_at": "yesterday"}', "not an ISO 8601 time"),
            ('{"device_serial": 12}', "must be a string"),
            (json.dumps({"location": "x" * 201}), "more than 200 characters"),
        ]
        video = self.write("v.mp4", b"video")
        for text, message in table:
            with self.subTest(text=text[:20]):
                self.write("v.mp4.json", text)
                with self.assertRaisesRegex(dockfiles.SidecarError, message):
                    dockfiles.read_sidecar(video)


class WalkTests(FolderTestCase):
    def test_it_walks_recursively_in_name_order_and_lists_what_it_ignores(self):
        b = self.write("day1/b.mp4", b"b")
        a = self.write("day1/a.jpg", b"a")
        c = self.write("day2/sub/c.wav", b"c")
        self.write("day1/a.jpg.json", "{}")
        notes = self.write("notes.txt", "x")
        stray = self.write("day2/other.json", "{}")
        media, ignored = dockfiles.walk(self.dir)
        self.assertEqual(media, [a, b, c])
        self.assertEqual(sorted(ignored), sorted([notes, stray]))
        self.assertEqual(dockfiles.walk(b), ([b], []))


class ImplausibleInputTests(FolderTestCase):
    def test_a_name_with_a_time_before_2000_gives_the_ident_but_no_time(self):
        self.assertEqual(dockfiles.parse_name("DSJ-0001_00010101000000_0001.mp4"), dockfiles.NameInfo("DSJ-0001", None))
        self.assertEqual(dockfiles.parse_name("DSJ-0001_19991231235959.mp4"), dockfiles.NameInfo("DSJ-0001", None))
        info = dockfiles.parse_name("DSJ-0001_20000101000000.mp4")
        self.assertIsNotNone(info and info.captured_at)

    def test_oversized_deep_or_early_sidecars_are_refused(self):
        table = [
            ("[" * 200_000 + "]" * 200_000, "larger than 65536 bytes"),
            ("[" * 30_000 + "]" * 30_000, "cannot be read"),  # under the size cap, but nested too deeply
            ('{"captured_at": "0001-01-01T00:00:00+14:00"}', "before 2000-01-01"),
            ("\xff", "cannot be read"),
        ]
        video = self.write("v.mp4", b"video")
        for text, message in table:
            with self.subTest(text=text[:20]):
                self.write("v.mp4.json", text.encode("latin-1"))
                with self.assertRaisesRegex(dockfiles.SidecarError, message):
                    dockfiles.read_sidecar(video)
