"""``parse_range``: one byte range against a size, the cases media players send and the malformed ones."""

from __future__ import annotations

from django.test import SimpleTestCase
from hypothesis import given
from hypothesis import strategies as st

from sanxiang.lib.byteranges import ByteRange, Unsatisfiable, parse_range


class ParseRangeTests(SimpleTestCase):
    def test_table(self):
        cases = [
            ("bytes=0-99", 1000, ByteRange(0, 99, 1000)),
            ("bytes=0-", 1000, ByteRange(0, 999, 1000)),
            ("bytes=900-2000", 1000, ByteRange(900, 999, 1000)),
            ("bytes=-100", 1000, ByteRange(900, 999, 1000)),
            ("bytes=-5000", 1000, ByteRange(0, 999, 1000)),
            ("BYTES = 5-5", 1000, ByteRange(5, 5, 1000)),
            (None, 1000, None),
            ("", 1000, None),
            ("items=0-1", 1000, None),
            ("bytes=0-1,5-6", 1000, None),
            ("bytes=abc", 1000, None),
            ("bytes=-", 1000, None),
            ("bytes=10-5", 1000, None),
            ("bytes=1x-5", 1000, None),
        ]
        for header, size, expected in cases:
            with self.subTest(header=header):
                self.assertEqual(parse_range(header, size), expected)

    def test_unsatisfiable(self):
        for header, size in (("bytes=1000-", 1000), ("bytes=1000-1005", 1000), ("bytes=-0", 1000), ("bytes=-1", 0)):
            with self.subTest(header=header), self.assertRaises(Unsatisfiable):
                parse_range(header, size)

    def test_content_range_and_length(self):
        byte_range = ByteRange(10, 19, 100)
        self.assertEqual((byte_range.content_range, byte_range.length), ("bytes 10-19/100", 10))

    @given(st.integers(0, 10_000), st.integers(0, 10_000), st.integers(1, 10_000))
    def test_a_served_range_always_lies_inside_the_representation(self, first, last, size):
        try:
            byte_range = parse_range(f"bytes={first}-{last}", size)
        except Unsatisfiable:
            self.assertGreaterEqual(first, size)
            return
        if byte_range is not None:
            self.assertTrue(0 <= byte_range.first <= byte_range.last < size)
            self.assertEqual(byte_range.first, first)
