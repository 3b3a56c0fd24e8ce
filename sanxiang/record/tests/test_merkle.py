"""The Merkle core against RFC 6962/9162 reference vectors, and its invariants under Hypothesis."""

import hashlib
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanxiang.record.merkle import (
    ALGORITHMS,
    MAX_SAFE_INTEGER,
    SHA256,
    SM3,
    Frontier,
    HashAlgorithm,
    JSONValue,
    Subtree,
    canonical_json,
    consistency_proof,
    get_algorithm,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    root_from_inclusion_proof,
    verify_consistency,
    verify_inclusion,
)

# The certificate-transparency reference tree (google/certificate-transparency
# merkle_tree_test.cc, carried on in transparency-dev/merkle proof/verify_test.go).
CT_LEAVES = [
    bytes.fromhex(h)
    for h in ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
]
CT_ROOTS = [  # index = tree size
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
CT_INCLUSION = [  # (0-based leaf index, tree size, audit path)
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (0, 1, []),
]
CT_CONSISTENCY = [  # (old size, new size, proof)
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]
CT_HASHES = [leaf_hash(data) for data in CT_LEAVES]
SOME_HASH = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")


def unhex(hashes: list[str]) -> list[bytes]:
    return [bytes.fromhex(h) for h in hashes]


def flip(data: bytes, position: int = 0) -> bytes:
    changed = bytearray(data)
    changed[position % len(changed)] ^= 0x10
    return bytes(changed)


# --- Known answers ---------------------------------------------------------------------


def test_reference_roots_for_every_size() -> None:
    assert SHA256.empty_root.hex() == CT_ROOTS[0]
    for size in range(len(CT_LEAVES) + 1):
        assert root(CT_HASHES[:size]).hex() == CT_ROOTS[size], size


def test_frontier_reaches_every_reference_root() -> None:
    frontier = Frontier()
    assert frontier.root().hex() == CT_ROOTS[0]
    for size, hashed in enumerate(CT_HASHES, start=1):
        frontier.append(hashed)
        assert frontier.size == size
        assert frontier.root().hex() == CT_ROOTS[size], size


def test_hashing_is_domain_separated() -> None:
    assert leaf_hash(b"") == hashlib.sha256(b"\x00").digest()
    left, right = CT_HASHES[0], CT_HASHES[1]
    assert node_hash(left, right) == hashlib.sha256(b"\x01" + left + right).digest()
    assert node_hash(left, right).hex() == CT_ROOTS[2]
    # SHA-256's shortcuts past ``digest`` agree with the generic definitions.
    assert SHA256.leaf_hash(b"abc") == HashAlgorithm.leaf_hash(SHA256, b"abc")
    assert SHA256.node_hash(left, right) == HashAlgorithm.node_hash(SHA256, left, right)


@pytest.mark.parametrize(("index", "size", "path"), CT_INCLUSION)
def test_reference_inclusion_proofs(index: int, size: int, path: list[str]) -> None:
    expected = unhex(path)
    tree_root = bytes.fromhex(CT_ROOTS[size])
    assert inclusion_proof(index, size, leaf_hashes=CT_HASHES) == expected
    assert root_from_inclusion_proof(CT_HASHES[index], index, size, expected) == tree_root
    assert verify_inclusion(CT_HASHES[index], index, size, expected, tree_root) is True
    for probe in corrupted_inclusion(index, size, expected, tree_root):
        assert verify_inclusion(*probe) is False, probe


def corrupted_inclusion(index: int, size: int, path: list[bytes], tree_root: bytes) -> list[tuple[Any, ...]]:
    """The probes of transparency-dev's verify_test.go corruptInclusionProof."""
    leaf = CT_HASHES[index]
    probes: list[tuple[Any, ...]] = [
        (leaf, index - 1, size, path, tree_root),
        (leaf, index + 1, size, path, tree_root),
        (leaf, index ^ 2, size, path, tree_root),
        (leaf, index, size * 2, path, tree_root),
        (leaf, index, size // 2, path, tree_root),
        (b"WrongLeaf", index, size, path, tree_root),
        (leaf, index, size, path, SHA256.empty_root),
        (leaf, index, size, path, SOME_HASH),
        (leaf, index, size, [*path, b""], tree_root),
        (leaf, index, size, [*path, tree_root], tree_root),
        (leaf, index, size, [b"", *path], tree_root),
        (leaf, index, size, [tree_root, *path], tree_root),
    ]
    for i in range(len(path)):
        probes.append((leaf, index, size, [*path[:i], flip(path[i]), *path[i + 1 :]], tree_root))
    if path:
        probes.append((leaf, index, size, path[:-1], tree_root))
    if len(path) > 1:
        probes.append((leaf, index, size, [path[0], SOME_HASH, *path[1:]], tree_root))
    return probes


@pytest.mark.parametrize(("old", "new", "path"), CT_CONSISTENCY)
def test_reference_consistency_proofs(old: int, new: int, path: list[str]) -> None:
    expected = unhex(path)
    old_root, new_root = bytes.fromhex(CT_ROOTS[old]), bytes.fromhex(CT_ROOTS[new])
    assert consistency_proof(old, new, leaf_hashes=CT_HASHES) == expected
    assert verify_consistency(old, new, old_root, new_root, expected) is True
    if not expected:
        return
    for probe in corrupted_consistency(old, new, old_root, new_root, expected):
        assert verify_consistency(*probe) is False, probe


def corrupted_consistency(old: int, new: int, r1: bytes, r2: bytes, path: list[bytes]) -> list[tuple[Any, ...]]:
    """The probes of transparency-dev's verify_test.go corruptConsistencyProof."""
    probes: list[tuple[Any, ...]] = [
        (old - 1, new, r1, r2, path),
        (old + 1, new, r1, r2, path),
        (old ^ 2, new, r1, r2, path),
        (old, new * 2, r1, r2, path),
        (old, new // 2, r1, r2, path),
        (old, new, b"WrongRoot", r2, path),
        (old, new, r1, b"WrongRoot", path),
        (old, new, r2, r1, path),
        (old, new, r1, r2, []),
        (old, new, r1, r2, [*path, b""]),
        (old, new, r1, r2, [*path, r1]),
        (old, new, r1, r2, [*path, r2]),
        (old, new, r1, r2, [b"", *path]),
        (old, new, r1, r2, [r1, *path]),
        (old, new, r1, r2, [r2, *path]),
        (old, new, r1, r2, [path[0], *path]),
        (old, new, r1, r2, path[:-1]),
    ]
    for i in range(len(path)):
        probes.append((old, new, r1, r2, [*path[:i], flip(path[i]), *path[i + 1 :]]))
    return probes


def test_trivial_consistency_cases() -> None:
    empty = SHA256.empty_root
    r1 = bytes.fromhex(CT_ROOTS[1])
    assert verify_consistency(0, 0, empty, empty, []) is True
    assert verify_consistency(0, 0, empty, SOME_HASH, []) is False  # two empty trees, two roots
    assert verify_consistency(0, 5, empty, bytes.fromhex(CT_ROOTS[5]), []) is True
    assert verify_consistency(1, 1, r1, r1, []) is True
    assert verify_consistency(0, 5, SOME_HASH, r1, []) is False  # a size-0 root must be MTH({})
    assert verify_consistency(0, 1, empty, r1, [empty]) is False
    assert verify_consistency(1, 1, r1, SOME_HASH, []) is False
    assert verify_consistency(1, 1, r1, r1, [empty]) is False
    assert verify_consistency(2, 1, r1, r1, []) is False
    assert verify_consistency(1, 2, r1, bytes.fromhex(CT_ROOTS[2]), []) is False


# --- Malformed input never raises ------------------------------------------------------


GOOD_LEAF = CT_HASHES[5]
GOOD_PATH = unhex(CT_INCLUSION[1][2])
GOOD_ROOT = bytes.fromhex(CT_ROOTS[8])
MALFORMED_INCLUSION: list[tuple[Any, ...]] = [
    (GOOD_LEAF, 8, 8, GOOD_PATH, GOOD_ROOT),
    (GOOD_LEAF, -1, 8, GOOD_PATH, GOOD_ROOT),
    (GOOD_LEAF, 5, -8, GOOD_PATH, GOOD_ROOT),
    (GOOD_LEAF, 5, 2**64, GOOD_PATH, GOOD_ROOT),
    (GOOD_LEAF, 0, 0, [], SHA256.empty_root),
    (GOOD_LEAF, True, 8, GOOD_PATH, GOOD_ROOT),
    (GOOD_LEAF, 5.0, 8, GOOD_PATH, GOOD_ROOT),
    (GOOD_LEAF, "5", 8, GOOD_PATH, GOOD_ROOT),
    (GOOD_LEAF, None, None, None, None),
    (GOOD_LEAF[:31], 5, 8, GOOD_PATH, GOOD_ROOT),
    (GOOD_LEAF.hex(), 5, 8, GOOD_PATH, GOOD_ROOT),
    (GOOD_LEAF, 5, 8, GOOD_PATH, GOOD_ROOT + b"\x00"),
    (GOOD_LEAF, 5, 8, [h.hex() for h in GOOD_PATH], GOOD_ROOT),
    (GOOD_LEAF, 5, 8, b"".join(GOOD_PATH), GOOD_ROOT),
    (GOOD_LEAF, 5, 8, [GOOD_PATH[0], None, GOOD_PATH[2]], GOOD_ROOT),
    (GOOD_LEAF, 5, 8, GOOD_PATH * 100, GOOD_ROOT),
    (GOOD_LEAF, 5, 8, 42, GOOD_ROOT),
]


@pytest.mark.parametrize("args", MALFORMED_INCLUSION)
def test_verify_inclusion_answers_false_for_malformed_input(args: tuple[Any, ...]) -> None:
    assert verify_inclusion(*args) is False


def test_verify_inclusion_accepts_bytes_like_values() -> None:
    path = [bytearray(h) for h in GOOD_PATH]
    assert verify_inclusion(memoryview(GOOD_LEAF), 5, 8, path, bytearray(GOOD_ROOT)) is True  # type: ignore[arg-type]


def test_root_from_inclusion_proof_says_why() -> None:
    with pytest.raises(ValueError, match="outside a tree"):
        root_from_inclusion_proof(GOOD_LEAF, 8, 8, GOOD_PATH)
    with pytest.raises(ValueError, match="shorter"):
        root_from_inclusion_proof(GOOD_LEAF, 5, 8, GOOD_PATH[:2])
    with pytest.raises(ValueError, match="longer"):
        root_from_inclusion_proof(GOOD_LEAF, 5, 8, [*GOOD_PATH, GOOD_ROOT])


@pytest.mark.parametrize(
    "args",
    [
        (-1, 8, GOOD_ROOT, GOOD_ROOT, []),
        (6, 2**64, GOOD_ROOT, GOOD_ROOT, [GOOD_ROOT]),
        (6, 8, GOOD_ROOT[:16], GOOD_ROOT, [GOOD_ROOT]),
        (6, 8, GOOD_ROOT, None, [GOOD_ROOT]),
        (6, 8, GOOD_ROOT, GOOD_ROOT, "not a proof"),
        (6, 8, GOOD_ROOT, GOOD_ROOT, [GOOD_ROOT, 3]),
        (6, 8, GOOD_ROOT, GOOD_ROOT, [GOOD_ROOT] * 1000),
        (6.0, 8, GOOD_ROOT, GOOD_ROOT, [GOOD_ROOT]),
        (None, None, None, None, None),
    ],
)
def test_verify_consistency_answers_false_for_malformed_input(args: tuple[Any, ...]) -> None:
    assert verify_consistency(*args) is False


# --- Proof generation errors and sources -----------------------------------------------


def test_proof_generation_refuses_impossible_requests() -> None:
    with pytest.raises(ValueError, match="outside a tree"):
        inclusion_proof(8, 8, leaf_hashes=CT_HASHES)
    with pytest.raises(ValueError, match="larger than"):
        consistency_proof(5, 4, leaf_hashes=CT_HASHES)
    with pytest.raises(ValueError, match="only 8 leaf hashes"):
        inclusion_proof(0, 9, leaf_hashes=CT_HASHES)
    with pytest.raises(TypeError, match="exactly one"):
        inclusion_proof(0, 8)
    with pytest.raises(TypeError, match="exactly one"):
        consistency_proof(1, 8, leaf_hashes=CT_HASHES, subtree_hash=lambda start, end: b"")


def test_leaf_getter_is_a_source() -> None:
    assert inclusion_proof(5, 8, leaf_hashes=CT_HASHES.__getitem__) == GOOD_PATH


def stored_subtrees(hashes: list[bytes], algorithm: HashAlgorithm = SHA256) -> dict[tuple[int, int], bytes]:
    """What the database store would hold: leaf hashes (level 0) plus the nodes ``append`` emitted."""
    nodes = {(0, i): h for i, h in enumerate(hashes)}
    frontier = Frontier(algorithm=algorithm)
    for hashed in hashes:
        for subtree in frontier.append(hashed):
            nodes[subtree.level, subtree.idx] = subtree.hash
    return nodes


def subtree_reader(nodes: dict[tuple[int, int], bytes], calls: list[tuple[int, int]]):
    def subtree_hash(start: int, end: int) -> bytes:
        width = end - start
        assert width > 0 and width & (width - 1) == 0 and start % width == 0, (start, end)
        calls.append((start, end))
        level = width.bit_length() - 1
        return nodes[level, start >> level]

    return subtree_hash


def test_subtree_source_gives_the_same_proofs_in_log_calls() -> None:
    hashes = [leaf_hash(i.to_bytes(4, "big")) for i in range(1000)]
    nodes = stored_subtrees(hashes)
    calls: list[tuple[int, int]] = []
    reader = subtree_reader(nodes, calls)
    assert inclusion_proof(700, 1000, subtree_hash=reader) == inclusion_proof(700, 1000, leaf_hashes=hashes)
    assert len(calls) <= 2 * 10
    calls.clear()
    assert consistency_proof(700, 1000, subtree_hash=reader) == consistency_proof(700, 1000, leaf_hashes=hashes)
    assert len(calls) <= 2 * 10


def test_every_proof_of_every_small_tree_verifies() -> None:
    """Each tree shape up to 33 leaves, every index and every old size, through the stored-node source."""
    hashes = [leaf_hash(i.to_bytes(2, "big")) for i in range(33)]
    reader = subtree_reader(stored_subtrees(hashes), [])
    roots = [root(hashes[:size]) for size in range(len(hashes) + 1)]
    for size in range(1, len(hashes) + 1):
        for index in range(size):
            proof = inclusion_proof(index, size, subtree_hash=reader)
            assert proof == inclusion_proof(index, size, leaf_hashes=hashes)
            assert verify_inclusion(hashes[index], index, size, proof, roots[size]) is True
            assert verify_inclusion(hashes[index], index, size, proof, roots[size - 1]) is False
        for old in range(size + 1):
            proof = consistency_proof(old, size, subtree_hash=reader)
            assert verify_consistency(old, size, roots[old], roots[size], proof) is True
            if 0 < old < size:
                assert verify_consistency(old, size, roots[old - 1], roots[size], proof) is False
                assert verify_consistency(old - 1, size, roots[old - 1], roots[size], proof) is False


# --- Frontier --------------------------------------------------------------------------


def test_frontier_emits_completed_nodes() -> None:
    frontier = Frontier()
    assert frontier.append(CT_HASHES[0]) == []
    assert frontier.append(CT_HASHES[1]) == [Subtree(1, 0, bytes.fromhex(CT_ROOTS[2]))]
    assert frontier.append(CT_HASHES[2]) == []
    completed = frontier.append(CT_HASHES[3])
    assert [(s.level, s.idx) for s in completed] == [(1, 1), (2, 0)]
    assert completed[-1].hash.hex() == CT_ROOTS[4]


def test_frontier_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="31 bytes"):
        Frontier().append(b"x" * 31)
    with pytest.raises(ValueError, match="3 frontier hashes, not 2"):
        Frontier.from_hashes(7, CT_HASHES[:2])
    with pytest.raises(ValueError, match="not 32"):
        Frontier.from_hashes(1, [b"short"])
    with pytest.raises(ValueError, match="whole number"):
        Frontier.from_bytes(1, b"x" * 33)
    with pytest.raises(ValueError, match="integer"):
        Frontier.from_hashes(-1, [])


def test_frontier_size_and_storage_stay_logarithmic() -> None:
    frontier = Frontier.from_hashes(2**40 - 1, [SOME_HASH] * 40)
    assert len(frontier.to_bytes()) == 40 * 32
    frontier.append(SOME_HASH)
    assert frontier.size == 2**40
    assert len(frontier.hashes) == 1


leaf_lists = st.lists(st.binary(max_size=12), min_size=1, max_size=40, unique=True).map(
    lambda items: [leaf_hash(item) for item in items]
)


@given(leaf_lists)
def test_frontier_matches_recursive_root_for_every_prefix(hashes: list[bytes]) -> None:
    frontier = Frontier()
    for size, hashed in enumerate(hashes, start=1):
        for subtree in frontier.append(hashed):
            start = subtree.idx << subtree.level
            assert subtree.hash == root(hashes[start : start + (1 << subtree.level)])
        assert frontier.root() == root(hashes[:size])
        assert len(frontier.hashes) == size.bit_count()


@given(leaf_lists, st.integers(min_value=0, max_value=40))
def test_frontier_serialisation_round_trips(hashes: list[bytes], more: int) -> None:
    frontier = Frontier()
    for hashed in hashes:
        frontier.append(hashed)
    copies = [
        Frontier.from_hashes(frontier.size, frontier.hashes),
        Frontier.from_bytes(frontier.size, frontier.to_bytes()),
    ]
    for copy in copies:
        assert copy.size == frontier.size
        assert copy.root() == frontier.root()
    extra = [leaf_hash(i.to_bytes(2, "big") + b"more") for i in range(more)]
    for hashed in extra:
        frontier.append(hashed)
        for copy in copies:
            copy.append(hashed)
    assert {copy.root() for copy in copies} == {frontier.root()} == {root(hashes + extra)}


# --- Proofs under Hypothesis -----------------------------------------------------------


@given(leaf_lists, st.data())
def test_inclusion_proofs_verify_and_detect_changes(hashes: list[bytes], data: st.DataObject) -> None:
    size = data.draw(st.integers(min_value=1, max_value=len(hashes)), label="size")
    index = data.draw(st.integers(min_value=0, max_value=size - 1), label="index")
    tree_root = root(hashes[:size])
    proof = inclusion_proof(index, size, leaf_hashes=hashes)
    assert verify_inclusion(hashes[index], index, size, proof, tree_root) is True

    assert verify_inclusion(flip(hashes[index]), index, size, proof, tree_root) is False
    assert verify_inclusion(hashes[index], index, size, proof, flip(tree_root, data.draw(st.integers()))) is False
    if size > 1:
        other = data.draw(st.integers(min_value=0, max_value=size - 1).filter(lambda i: i != index), label="other")
        assert verify_inclusion(hashes[index], other, size, proof, tree_root) is False
        assert verify_inclusion(hashes[other], index, size, proof, tree_root) is False
        at = data.draw(st.integers(min_value=0, max_value=len(proof) - 1), label="at")
        tampered = [*proof[:at], flip(proof[at], data.draw(st.integers())), *proof[at + 1 :]]
        assert verify_inclusion(hashes[index], index, size, tampered, tree_root) is False


@given(leaf_lists, st.data())
def test_consistency_proofs_verify_and_detect_rewritten_history(hashes: list[bytes], data: st.DataObject) -> None:
    new = data.draw(st.integers(min_value=0, max_value=len(hashes)), label="new")
    old = data.draw(st.integers(min_value=0, max_value=new), label="old")
    old_root, new_root = root(hashes[:old]), root(hashes[:new])
    proof = consistency_proof(old, new, leaf_hashes=hashes)
    assert verify_consistency(old, new, old_root, new_root, proof) is True
    if old == 0:
        return
    changed = data.draw(st.integers(min_value=0, max_value=old - 1), label="changed")
    rewritten = [*hashes[:changed], flip(hashes[changed]), *hashes[changed + 1 :]]
    # The old checkpoint no longer matches the rewritten log, whichever side is rewritten.
    assert verify_consistency(old, new, root(rewritten[:old]), new_root, proof) is False
    forged = consistency_proof(old, new, leaf_hashes=rewritten)
    assert verify_consistency(old, new, old_root, root(rewritten[:new]), forged) is False
    if proof:
        at = data.draw(st.integers(min_value=0, max_value=len(proof) - 1), label="at")
        tampered = [*proof[:at], flip(proof[at]), *proof[at + 1 :]]
        assert verify_consistency(old, new, old_root, new_root, tampered) is False


# --- SM3 -------------------------------------------------------------------------------


def test_algorithms_are_chosen_by_name() -> None:
    assert get_algorithm("sha256") is SHA256
    assert get_algorithm("sm3") is SM3
    assert set(ALGORITHMS) == {"sha256", "sm3"}
    with pytest.raises(ValueError, match="known: sha256, sm3"):
        get_algorithm("md5")


def test_sm3_is_the_standard_function() -> None:
    # GB/T 32905-2016 Appendix A, example 1.
    assert SM3.digest(b"abc").hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert SM3.leaf_hash(b"") == SM3.digest(b"\x00")


def test_sm3_tree_differs_and_its_proofs_verify() -> None:
    hashes = [leaf_hash(data, algorithm=SM3) for data in CT_LEAVES]
    nodes = stored_subtrees(hashes, SM3)
    frontier = Frontier(algorithm=SM3)
    for size, hashed in enumerate(hashes, start=1):
        frontier.append(hashed)
        tree_root = root(hashes[:size], algorithm=SM3)
        assert frontier.root() == tree_root
        assert tree_root.hex() != CT_ROOTS[size]
        for index in range(size):
            proof = inclusion_proof(index, size, subtree_hash=subtree_reader(nodes, []), algorithm=SM3)
            assert verify_inclusion(hashes[index], index, size, proof, tree_root, algorithm=SM3) is True
            if proof:  # a one-leaf tree's root is its leaf hash: nothing to hash with the wrong function
                assert verify_inclusion(hashes[index], index, size, proof, tree_root) is False
        for old in range(size + 1):
            proof = consistency_proof(old, size, leaf_hashes=hashes, algorithm=SM3)
            old_root = root(hashes[:old], algorithm=SM3)
            assert verify_consistency(old, size, old_root, tree_root, proof, algorithm=SM3) is True
    assert Frontier.from_bytes(8, frontier.to_bytes(), algorithm=SM3).root() == frontier.root()


# --- Canonical JSON --------------------------------------------------------------------


def test_canonical_json_sorts_keys_and_drops_whitespace() -> None:
    entry: JSONValue = {"v": 1, "act": "evidence.view", "actor": {"uid": 42, "badge": "A-07"}, "ok": True, "x": None}
    assert canonical_json(entry) == (
        b'{"act":"evidence.view","actor":{"badge":"A-07","uid":42},"ok":true,"v":1,"x":null}'
    )


def test_canonical_json_keeps_unicode_as_utf8() -> None:
    body = canonical_json({"reason": "调取执法记录仪视频", "quote": 'a"b\\c', "ctl": "\n\x01\u2028"})
    assert body == '{"ctl":"\\n\\u0001\u2028","quote":"a\\"b\\\\c","reason":"调取执法记录仪视频"}'.encode()


def test_canonical_json_sorts_keys_by_utf16_like_rfc8785() -> None:
    # RFC 8785 §3.2.3: the emoji (surrogates D83D DE00) sorts before U+FB33 in UTF-16 order.
    entry = {"\u20ac": 1, "\r": 2, "\ufb33": 3, "1": 4, "\U0001f600": 5, "\u0080": 6, "\u00f6": 7}
    assert canonical_json(entry) == '{"\\r":2,"1":4,"\u0080":6,"ö":7,"€":1,"😀":5,"\ufb33":3}'.encode()


@pytest.mark.parametrize("value", [1.0, float("nan"), {"a": [0.5]}])
def test_canonical_json_refuses_floats(value: Any) -> None:
    with pytest.raises(TypeError, match="floats are not allowed"):
        canonical_json(value)


@pytest.mark.parametrize("value", [b"raw", {1: "a"}, {"d": hashlib}, [{"s": {1, 2}}]])
def test_canonical_json_refuses_other_types(value: Any) -> None:
    with pytest.raises(TypeError):
        canonical_json(value)


def test_canonical_json_refuses_inexact_integers_and_lone_surrogates() -> None:
    assert canonical_json([MAX_SAFE_INTEGER, -MAX_SAFE_INTEGER]) == b"[9007199254740991,-9007199254740991]"
    with pytest.raises(ValueError, match="outside"):
        canonical_json({"n": MAX_SAFE_INTEGER + 1})
    with pytest.raises(ValueError, match="surrogates"):
        canonical_json({"s": "\ud800"})


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-MAX_SAFE_INTEGER, max_value=MAX_SAFE_INTEGER)
    | st.text(st.characters(max_codepoint=0xFFFF, exclude_categories=["Cs"])),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(st.characters(max_codepoint=0xFFFF, exclude_categories=["Cs"])), children, max_size=4)
    ),
    max_leaves=20,
)


@given(json_values)
def test_canonical_json_is_the_design_recipe_and_round_trips(value: Any) -> None:
    body = canonical_json(value)
    recipe = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    assert body == recipe
    assert canonical_json(json.loads(body)) == body
