"""``sniff``: recordings recognised, other formats named, text caught, unknown binaries let through."""

from __future__ import annotations

from django.test import SimpleTestCase
from hypothesis import given
from hypothesis import strategies as st

from sanxiang.lib.sniff import sniff


class SniffTests(SimpleTestCase):
    def test_table(self):
        cases = [
            (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00", "av"),
            (b"\x00\x00\x00\x14ftypqt  ", "av"),
            (b"\x00\x00\x00\x18ftyp3gp4", "av"),
            (b"\x00\x00\x00\x18ftypheic", "image"),
            (b"RIFF\x24\x00\x00\x00WAVEfmt ", "av"),
            (b"RIFF\x24\x00\x00\x00AVI LIST", "av"),
            (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image"),
            (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81", "av"),
            (b"OggS\x00\x02", "av"),
            (b"ID3\x04\x00", "av"),
            (b"\xff\xfb\x90\x64", "av"),
            (b"#!AMR\n\x3c\x91\x17", "av"),
            (b"\x89PNG\r\n\x1a\n\x00\x00", "image"),
            (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image"),
            (b"GIF89a\x01\x00", "image"),
            (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "document"),
            (b"%PDF-1.7\n", "text"),
            (b"PK\x03\x04\x14\x00", "archive"),
            (b"<html><body>", "text"),
            ("执法记录仪视频".encode(), "text"),
            ("执".encode()[:2], "text"),
            (bytes(range(64)), ""),
            (b"", ""),
        ]
        for head, family in cases:
            with self.subTest(head=head):
                self.assertEqual(sniff(head).family, family)

    @given(st.text(min_size=1, max_size=20).filter(lambda t: t.isprintable()))
    def test_printable_text_is_never_taken_for_a_recording(self, text):
        head = text.encode()[:64]
        self.assertNotEqual(sniff(head).family, "av", head)
