"""The header parsers of the tus protocol, on the examples of the protocol text and on edge cases."""

from __future__ import annotations

import base64
import hashlib

from django.test import SimpleTestCase
from hypothesis import given
from hypothesis import strategies as st

from sanxiang.uploads.protocol import TusError, encode_metadata, parse_checksum, parse_length, parse_metadata


class MetadataTests(SimpleTestCase):
    def test_the_example_of_the_protocol_text(self):
        header = "filename d29ybGRfZG9taW5hdGlvbl9wbGFuLnBkZg==,is_confidential"
        self.assertEqual(parse_metadata(header), {"filename": "world_domination_plan.pdf", "is_confidential": None})

    def test_absent_or_blank_metadata_is_empty(self):
        self.assertEqual(parse_metadata(None), {})
        self.assertEqual(parse_metadata("  "), {})

    def test_spaces_around_pairs_and_utf8_values(self):
        value = base64.b64encode("执法记录仪.mp4".encode()).decode()
        self.assertEqual(parse_metadata(f" filename {value} , step YQ== "), {"filename": "执法记录仪.mp4", "step": "a"})

    def test_malformed_headers_are_400(self):
        for header in [
            "a b c",
            "a,,b",
            "key\tdmFs",
            "dup YQ==,dup Yg==",
            "k not*base64",
            "k //4=",
            ",",
            "caf\u00e9 YQ==",
        ]:
            with self.subTest(header=header), self.assertRaises(TusError) as refused:
                parse_metadata(header)
            self.assertEqual(refused.exception.status, 400)

    @given(
        st.dictionaries(st.from_regex(r"[a-z_][a-z0-9_.\-]{0,15}", fullmatch=True), st.none() | st.text(max_size=40))
    )
    def test_encode_and_parse_are_inverse(self, metadata):
        self.assertEqual(parse_metadata(encode_metadata(metadata)), metadata)


class ChecksumAndLengthTests(SimpleTestCase):
    def test_a_checksum_header_is_parsed(self):
        digest = hashlib.sha256(b"x").digest()
        checksum = parse_checksum("sha256 " + base64.b64encode(digest).decode())
        assert checksum is not None
        self.assertEqual((checksum.algorithm, checksum.digest), ("sha256", digest))
        self.assertIsNone(parse_checksum(None))

    def test_bad_checksum_headers_are_400(self):
        sha1 = base64.b64encode(hashlib.sha1(b"x", usedforsecurity=False).digest()).decode()
        for header in ["crc32 AAAAAA==", "sha1", f"sha256 {sha1}", "md5 ***", f"sha1 {sha1} extra"]:
            with self.subTest(header=header), self.assertRaises(TusError) as refused:
                parse_checksum(header)
            self.assertEqual(refused.exception.status, 400)

    def test_lengths(self):
        self.assertEqual(parse_length(" 42 ", "Upload-Length"), 42)
        for value in [None, "", "-1", "1.5", "0x10", "1" * 20]:
            with self.subTest(value=value), self.assertRaises(TusError):
                parse_length(value, "Upload-Length")
