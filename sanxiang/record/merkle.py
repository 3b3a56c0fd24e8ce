"""The Merkle-tree core of the record log: RFC 9162 §2.1 hashing, proofs and verification.

Pure functions over hashes; no Django, no database. Only the standard library and
``cryptography`` (for SM3) are imported, so the standalone verifier that checks an
export without the platform can use this module as it is.

* Hashing (RFC 9162 §2.1.1): ``leaf = H(0x00 || data)``, ``node = H(0x01 || left || right)``,
  ``MTH({}) = H("")``; a tree of n > 1 leaves splits at the largest power of two
  smaller than n. SHA-256 is the log's algorithm; SM3 (GB/T 32905-2016) feeds the
  optional parallel tree of RECORD-LOG.md §3.
* ``Frontier`` is the compact range the append path keeps: the roots of the perfect
  subtrees along the right edge, at most 64 hashes, so one append and the new root
  each cost O(log n) hashes.
* Proofs (RFC 9162 §2.1.3.1 and §2.1.4.1) read perfect-subtree hashes through a
  ``subtree_hash(start, end)`` callable, which the database-backed store answers
  from its stored nodes; a sequence or getter of leaf hashes works too.
* Verification follows RFC 9162 §2.1.3.2 and §2.1.4.2 step by step and answers
  ``False``, never an exception, for malformed input.
* ``canonical_json`` produces the exact entry bytes that become a leaf.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import NamedTuple, TypeAlias

from cryptography.hazmat.primitives import hashes as crypto_hashes

__all__ = [
    "ALGORITHMS",
    "MAX_SAFE_INTEGER",
    "SHA256",
    "SM3",
    "Frontier",
    "HashAlgorithm",
    "JSONValue",
    "LeafHashes",
    "Subtree",
    "SubtreeHashFn",
    "canonical_json",
    "consistency_proof",
    "get_algorithm",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "root",
    "root_from_inclusion_proof",
    "verify_consistency",
    "verify_inclusion",
]

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"

# A tree size is a 64-bit unsigned integer in RFC 9162 and a bigint in the schema,
# so a frontier never holds more than 64 hashes.
MAX_TREE_SIZE = 2**63 - 1


# --- Hash algorithms -------------------------------------------------------------------


class HashAlgorithm(ABC):
    """One hash function with RFC 9162 domain separation; pick one by name with ``get_algorithm``."""

    name: str
    digest_size: int

    @abstractmethod
    def digest(self, data: bytes) -> bytes:
        """Return the plain hash of ``data``."""

    def leaf_hash(self, data: bytes) -> bytes:
        """Return ``H(0x00 || data)``, the hash of one leaf."""
        return self.digest(LEAF_PREFIX + data)

    def node_hash(self, left: bytes, right: bytes) -> bytes:
        """Return ``H(0x01 || left || right)``, the hash of an interior node."""
        return self.digest(NODE_PREFIX + left + right)

    @property
    def empty_root(self) -> bytes:
        """Return ``MTH({}) = H("")``, the root of the empty tree."""
        return self.digest(b"")

    def __repr__(self) -> str:
        return f"<HashAlgorithm {self.name}>"


_sha256 = hashlib.sha256


class _Sha256(HashAlgorithm):
    name = "sha256"
    digest_size = 32

    def digest(self, data: bytes) -> bytes:
        return _sha256(data).digest()

    # The two hashes of the append path call hashlib directly: one Python call less
    # per hash is about a tenth of the cost of an append.
    def leaf_hash(self, data: bytes) -> bytes:
        return _sha256(LEAF_PREFIX + data).digest()

    def node_hash(self, left: bytes, right: bytes) -> bytes:
        return _sha256(NODE_PREFIX + left + right).digest()


class _Sm3(HashAlgorithm):
    name = "sm3"
    digest_size = 32
    _algorithm = crypto_hashes.SM3()

    def digest(self, data: bytes) -> bytes:
        # cryptography bundles its own OpenSSL, so SM3 works even where the system
        # OpenSSL behind hashlib was built without it.
        context = crypto_hashes.Hash(self._algorithm)
        context.update(data)
        return context.finalize()


SHA256: HashAlgorithm = _Sha256()
SM3: HashAlgorithm = _Sm3()
ALGORITHMS: Mapping[str, HashAlgorithm] = MappingProxyType({a.name: a for a in (SHA256, SM3)})


def get_algorithm(name: str) -> HashAlgorithm:
    """Return the algorithm called ``name`` ("sha256" or "sm3"); raise ``ValueError`` for any other name."""
    try:
        return ALGORITHMS[name]
    except KeyError:
        known = ", ".join(sorted(ALGORITHMS))
        raise ValueError(f"unknown Merkle hash algorithm {name!r} (known: {known})") from None


def leaf_hash(data: bytes, *, algorithm: HashAlgorithm = SHA256) -> bytes:
    """Return the RFC 9162 leaf hash ``H(0x00 || data)``."""
    return algorithm.leaf_hash(data)


def node_hash(left: bytes, right: bytes, *, algorithm: HashAlgorithm = SHA256) -> bytes:
    """Return the RFC 9162 interior node hash ``H(0x01 || left || right)``."""
    return algorithm.node_hash(left, right)


def _split(n: int) -> int:
    """Return the largest power of two smaller than ``n`` (requires n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def root(leaf_hashes: Sequence[bytes], *, algorithm: HashAlgorithm = SHA256) -> bytes:
    """Return MTH(D[n]) of RFC 9162 §2.1.1 over already-hashed leaves.

    This is the plain recursive definition, kept as the reference that ``Frontier`` is
    tested against; it needs O(n) hashes for every call.
    """
    if not leaf_hashes:
        return algorithm.empty_root
    return _recursive_root(leaf_hashes, 0, len(leaf_hashes), algorithm)


def _recursive_root(leaf_hashes: Sequence[bytes], start: int, end: int, algorithm: HashAlgorithm) -> bytes:
    if end - start == 1:
        return leaf_hashes[start]
    middle = start + _split(end - start)
    left = _recursive_root(leaf_hashes, start, middle, algorithm)
    return algorithm.node_hash(left, _recursive_root(leaf_hashes, middle, end, algorithm))


def _check_hash(value: object, algorithm: HashAlgorithm, what: str) -> bytes:
    """Return ``value`` as bytes if it is a digest of the right length; raise ``ValueError`` otherwise."""
    if not isinstance(value, bytes | bytearray | memoryview):
        raise ValueError(f"{what} is {type(value).__name__}, not bytes")
    result = bytes(value)
    if len(result) != algorithm.digest_size:
        raise ValueError(f"{what} has {len(result)} bytes, not {algorithm.digest_size}")
    return result


def _check_size(value: object, what: str) -> int:
    """Return ``value`` if it is a tree size or index in [0, MAX_TREE_SIZE]; raise ``ValueError`` otherwise."""
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_TREE_SIZE:
        raise ValueError(f"{what} must be an integer in [0, 2**63 - 1], not {value!r}")
    return value


def _check_proof(proof: object, algorithm: HashAlgorithm) -> list[bytes]:
    if isinstance(proof, str | bytes | bytearray | memoryview) or not isinstance(proof, Sequence):
        raise ValueError("the proof must be a sequence of hashes")
    if len(proof) > 2 * 64:  # longer than any proof in a 2**63-leaf tree
        raise ValueError("the proof is too long")
    return [_check_hash(item, algorithm, f"proof[{i}]") for i, item in enumerate(proof)]


# --- Frontier (compact range) ----------------------------------------------------------


class Subtree(NamedTuple):
    """A perfect subtree: ``hash`` is the MTH of leaves ``[idx << level, (idx + 1) << level)``.

    The fields are the ``tlog_node`` columns; ``idx`` rather than ``index`` because
    ``tuple.index`` is a method.
    """

    level: int
    idx: int
    hash: bytes


class Frontier:
    """The right edge of a tree: the roots of its perfect subtrees, largest (leftmost) first.

    A tree of ``size`` leaves is the concatenation of one perfect subtree per set bit of
    ``size``, so the frontier holds ``popcount(size)`` hashes (at most 64). This is what
    ``tlog_head.frontier`` stores (RECORD-LOG.md §2): enough to append and to compute
    the root, never to produce proofs.
    """

    __slots__ = ("_algorithm", "_hashes", "_node_hash", "_size")

    def __init__(self, *, algorithm: HashAlgorithm = SHA256) -> None:
        """Create the frontier of the empty tree."""
        self._algorithm = algorithm
        self._node_hash = algorithm.node_hash
        self._hashes: list[bytes] = []
        self._size = 0

    @classmethod
    def from_hashes(cls, size: int, hashes: Sequence[bytes], *, algorithm: HashAlgorithm = SHA256) -> Frontier:
        """Rebuild a frontier from ``size`` and the list that ``hashes`` returned.

        Raises ``ValueError`` unless there is exactly one hash of the right length per set
        bit of ``size``.
        """
        _check_size(size, "size")
        if len(hashes) != size.bit_count():
            raise ValueError(f"a tree of {size} leaves has {size.bit_count()} frontier hashes, not {len(hashes)}")
        frontier = cls(algorithm=algorithm)
        frontier._hashes = [_check_hash(h, algorithm, f"hashes[{i}]") for i, h in enumerate(hashes)]
        frontier._size = size
        return frontier

    @classmethod
    def from_bytes(cls, size: int, data: bytes, *, algorithm: HashAlgorithm = SHA256) -> Frontier:
        """Rebuild a frontier from ``size`` and the concatenated hashes that ``to_bytes`` returned."""
        width = algorithm.digest_size
        if len(data) % width:
            raise ValueError(f"frontier bytes are not a whole number of {width}-byte hashes")
        return cls.from_hashes(size, [data[i : i + width] for i in range(0, len(data), width)], algorithm=algorithm)

    @property
    def algorithm(self) -> HashAlgorithm:
        return self._algorithm

    @property
    def size(self) -> int:
        """The number of leaves appended so far."""
        return self._size

    @property
    def hashes(self) -> list[bytes]:
        """A copy of the perfect-subtree roots, largest first; store it with ``size``."""
        return list(self._hashes)

    def to_bytes(self) -> bytes:
        """The hashes concatenated, for a ``bytea`` column (at most 64 x 32 bytes)."""
        return b"".join(self._hashes)

    def append(self, leaf_hash: bytes) -> list[Subtree]:
        """Add one leaf and return the perfect subtrees of level >= 1 it completed, lowest first.

        Steps (binary addition of one leaf to ``size``):
        1. Start with the leaf as a level-0 subtree at idx ``size``.
        2. While the lowest bit of the remaining size is set, the frontier ends in a
           sibling subtree of the same level: merge it in as the left child, one level up.
        3. Push the result. The merged subtrees are the new ``tlog_node`` rows.
        """
        if len(leaf_hash) != self._algorithm.digest_size:
            raise ValueError(f"leaf hash has {len(leaf_hash)} bytes, not {self._algorithm.digest_size}")
        position = self._size
        if not position & 1:  # half of all appends complete no subtree
            self._hashes.append(bytes(leaf_hash))
            self._size = position + 1
            return []
        if position >= MAX_TREE_SIZE:
            raise ValueError("the tree is full")
        self._size = position + 1
        completed: list[Subtree] = []
        current = bytes(leaf_hash)
        level = 0
        while position & 1:
            current = self._node_hash(self._hashes.pop(), current)
            position >>= 1
            level += 1
            completed.append(Subtree(level, position, current))
        self._hashes.append(current)
        return completed

    def root(self) -> bytes:
        """Return the root of the tree so far: fold the subtrees from the right (RFC 9162 split rule)."""
        if not self._hashes:
            return self._algorithm.empty_root
        result = self._hashes[-1]
        for left in reversed(self._hashes[:-1]):
            result = self._node_hash(left, result)
        return result

    def __repr__(self) -> str:
        return f"<Frontier {self._algorithm.name} size={self._size}>"


# --- Proof generation (RFC 9162 §2.1.3.1 and §2.1.4.1) --------------------------------

LeafHashes: TypeAlias = Sequence[bytes] | Callable[[int], bytes]
"""Leaf hashes by index: a sequence, or a getter such as ``lambda i: store.leaf_hash(i)``."""

SubtreeHashFn: TypeAlias = Callable[[int, int], bytes]
"""``subtree_hash(start, end)`` returns MTH(D[start:end]).

Proof generation calls it only for perfect subtrees: ``end - start`` is a power of two
and ``start`` a multiple of it, so a store can answer from its ``tlog_node`` rows
(level ``log2(end - start)``, idx ``start >> level``) or its leaf hashes (level 0).
"""


def _subtree_hash_from_leaves(leaf_hashes: LeafHashes, size: int, algorithm: HashAlgorithm) -> SubtreeHashFn:
    if isinstance(leaf_hashes, Sequence):
        if len(leaf_hashes) < size:
            raise ValueError(f"only {len(leaf_hashes)} leaf hashes for a tree of {size}")
        leaf_at: Callable[[int], bytes] = leaf_hashes.__getitem__
    else:
        leaf_at = leaf_hashes

    def subtree_hash(start: int, end: int) -> bytes:
        frontier = Frontier(algorithm=algorithm)
        for index in range(start, end):
            frontier.append(leaf_at(index))
        return frontier.root()

    return subtree_hash


class _TreeView:
    """A tree seen through the hashes of its perfect subtrees."""

    def __init__(self, subtree_hash: SubtreeHashFn, algorithm: HashAlgorithm) -> None:
        self.subtree_hash = subtree_hash
        self.algorithm = algorithm

    def range_hash(self, start: int, end: int) -> bytes:
        """Return MTH(D[start:end]) where ``start`` is aligned to the largest power of two <= end - start.

        Ranges on the right edge are not perfect; split them into perfect subtrees by
        the bits of their length (largest first) and fold those from the right.
        """
        pieces: list[bytes] = []
        remaining = end - start
        while remaining:
            width = 1 << (remaining.bit_length() - 1)
            pieces.append(self.subtree_hash(start, start + width))
            start += width
            remaining -= width
        result = pieces.pop()
        while pieces:
            result = self.algorithm.node_hash(pieces.pop(), result)
        return result

    def path(self, index: int, start: int, end: int) -> list[bytes]:
        """PATH(m, D[start:end]) of RFC 9162 §2.1.3.1, with ``index`` absolute."""
        if end - start == 1:
            return []
        middle = start + _split(end - start)
        if index < middle:
            proof = self.path(index, start, middle)
            proof.append(self.range_hash(middle, end))
        else:
            proof = self.path(index, middle, end)
            proof.append(self.range_hash(start, middle))
        return proof

    def subproof(self, old_end: int, start: int, end: int, whole: bool) -> list[bytes]:
        """SUBPROOF(m, D[start:end], b) of RFC 9162 §2.1.4.1, with ``old_end = start + m``."""
        if old_end == end:
            return [] if whole else [self.range_hash(start, end)]
        middle = start + _split(end - start)
        if old_end <= middle:
            proof = self.subproof(old_end, start, middle, whole)
            proof.append(self.range_hash(middle, end))
        else:
            proof = self.subproof(old_end, middle, end, False)
            proof.append(self.range_hash(start, middle))
        return proof


def _tree_view(
    size: int,
    leaf_hashes: LeafHashes | None,
    subtree_hash: SubtreeHashFn | None,
    algorithm: HashAlgorithm,
) -> _TreeView:
    if subtree_hash is not None and leaf_hashes is None:
        return _TreeView(subtree_hash, algorithm)
    if leaf_hashes is not None and subtree_hash is None:
        return _TreeView(_subtree_hash_from_leaves(leaf_hashes, size, algorithm), algorithm)
    raise TypeError("pass exactly one of leaf_hashes and subtree_hash")


def inclusion_proof(
    index: int,
    size: int,
    *,
    leaf_hashes: LeafHashes | None = None,
    subtree_hash: SubtreeHashFn | None = None,
    algorithm: HashAlgorithm = SHA256,
) -> list[bytes]:
    """Return the audit path of leaf ``index`` in the tree of the first ``size`` leaves.

    Pass exactly one source: ``leaf_hashes`` (every hash is recomputed from the leaves,
    O(size) work) or ``subtree_hash`` (O(log size) calls). The path runs from the leaf
    upwards, as RFC 9162 §2.1.3.1 orders it. Raises ``ValueError`` unless
    0 <= index < size, and ``TypeError`` unless exactly one source is given.
    """
    _check_size(size, "size")
    if _check_size(index, "index") >= size:
        raise ValueError(f"leaf index {index} is outside a tree of {size} leaves")
    return _tree_view(size, leaf_hashes, subtree_hash, algorithm).path(index, 0, size)


def consistency_proof(
    old_size: int,
    new_size: int,
    *,
    leaf_hashes: LeafHashes | None = None,
    subtree_hash: SubtreeHashFn | None = None,
    algorithm: HashAlgorithm = SHA256,
) -> list[bytes]:
    """Return the proof that the tree of ``old_size`` leaves is a prefix of the one of ``new_size``.

    The proof is empty when ``old_size`` is 0 or equal to ``new_size``. Sources as for
    ``inclusion_proof``. Raises ``ValueError`` unless 0 <= old_size <= new_size.
    """
    _check_size(new_size, "new_size")
    if _check_size(old_size, "old_size") > new_size:
        raise ValueError(f"old size {old_size} is larger than new size {new_size}")
    view = _tree_view(new_size, leaf_hashes, subtree_hash, algorithm)
    if old_size in (0, new_size):
        return []
    return view.subproof(old_size, 0, new_size, True)


# --- Verification (RFC 9162 §2.1.3.2 and §2.1.4.2) -------------------------------------


def root_from_inclusion_proof(
    leaf_hash: bytes,
    index: int,
    size: int,
    proof: Sequence[bytes],
    *,
    algorithm: HashAlgorithm = SHA256,
) -> bytes:
    """Return the root that ``proof`` implies for the leaf, or raise ``ValueError`` if it cannot fit.

    Steps of RFC 9162 §2.1.3.2 (the final comparison with a root is left to the caller):
    1. Fail if ``index >= size``.
    2. ``fn = index``, ``sn = size - 1``, ``r = leaf_hash``.
    3. For each ``p`` in the proof: fail if ``sn == 0``; if ``fn`` is odd or ``fn == sn``,
       ``r = HASH(0x01 || p || r)`` and, if ``fn`` was even, shift ``fn`` and ``sn``
       right until ``fn`` is odd or 0; otherwise ``r = HASH(0x01 || r || p)``. Then
       shift both right once.
    4. Fail unless ``sn == 0``.
    """
    size = _check_size(size, "size")
    fn = _check_size(index, "index")
    result = _check_hash(leaf_hash, algorithm, "leaf_hash")
    path = _check_proof(proof, algorithm)
    if fn >= size:
        raise ValueError(f"leaf index {fn} is outside a tree of {size} leaves")
    sn = size - 1
    for sibling in path:
        if sn == 0:
            raise ValueError("the proof is longer than the path to the root")
        if fn & 1 or fn == sn:
            result = algorithm.node_hash(sibling, result)
            while fn and not (fn & 1):
                fn >>= 1
                sn >>= 1
        else:
            result = algorithm.node_hash(result, sibling)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ValueError("the proof is shorter than the path to the root")
    return result


def verify_inclusion(
    leaf_hash: bytes,
    index: int,
    size: int,
    proof: Sequence[bytes],
    root: bytes,
    *,
    algorithm: HashAlgorithm = SHA256,
) -> bool:
    """Return True if ``proof`` shows the leaf at ``index`` in the tree of ``size`` leaves with ``root``.

    Never raises: malformed input of any kind (wrong lengths, index >= size, non-bytes)
    gives False.
    """
    try:
        expected = _check_hash(root, algorithm, "root")
        return root_from_inclusion_proof(leaf_hash, index, size, proof, algorithm=algorithm) == expected
    except ValueError:
        return False


def verify_consistency(
    old_size: int,
    new_size: int,
    old_root: bytes,
    new_root: bytes,
    proof: Sequence[bytes],
    *,
    algorithm: HashAlgorithm = SHA256,
) -> bool:
    """Return True if ``proof`` shows the tree (old_size, old_root) is a prefix of (new_size, new_root).

    Equal sizes need an empty proof and equal roots. RFC 9162 leaves old_size 0 undefined;
    here it needs an empty proof and ``old_root`` equal to the empty-tree root, so a
    checkpoint of size 0 with any other root is refused. Never raises: malformed input
    gives False.
    """
    try:
        return _consistent(old_size, new_size, old_root, new_root, proof, algorithm)
    except ValueError:
        return False


def _consistent(
    old_size: object,
    new_size: object,
    old_root: object,
    new_root: object,
    proof: object,
    algorithm: HashAlgorithm,
) -> bool:
    first = _check_size(old_size, "old_size")
    second = _check_size(new_size, "new_size")
    first_hash = _check_hash(old_root, algorithm, "old_root")
    second_hash = _check_hash(new_root, algorithm, "new_root")
    path = _check_proof(proof, algorithm)
    if first > second:
        return False
    if first == 0:
        # Anything extends the empty tree, but a second empty tree must have the empty root too.
        return not path and first_hash == algorithm.empty_root and (second > 0 or second_hash == first_hash)
    if first == second:
        return not path and first_hash == second_hash
    fr, sr = _roots_from_consistency_path(first, second, first_hash, path, algorithm)
    return fr == first_hash and sr == second_hash


def _roots_from_consistency_path(
    first: int, second: int, first_hash: bytes, path: list[bytes], algorithm: HashAlgorithm
) -> tuple[bytes, bytes]:
    """Return (fr, sr) of RFC 9162 §2.1.4.2 for 0 < first < second; raise ``ValueError`` on failure.

    Steps:
    1. Fail on an empty path.
    2. If ``first`` is a power of two, prepend ``first_hash`` (its tree is a node of the new one).
    3. ``fn = first - 1``, ``sn = second - 1``; while ``fn`` is odd, shift both right.
    4. ``fr = sr = path[0]``. For each further ``c``: fail if ``sn == 0``; if ``fn`` is odd or
       ``fn == sn``, ``fr = HASH(0x01 || c || fr)``, ``sr = HASH(0x01 || c || sr)`` and, if
       ``fn`` was even, shift both right until ``fn`` is odd or 0; otherwise
       ``sr = HASH(0x01 || sr || c)``. Then shift both right once.
    5. Fail unless ``sn == 0``; the caller compares fr and sr with the two roots.
    """
    if not path:
        raise ValueError("empty consistency proof")
    if (first & (first - 1)) == 0:
        path = [first_hash, *path]
    fn = first - 1
    sn = second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ValueError("the proof is longer than the path to the root")
        if fn & 1 or fn == sn:
            fr = algorithm.node_hash(c, fr)
            sr = algorithm.node_hash(c, sr)
            while fn and not (fn & 1):
                fn >>= 1
                sn >>= 1
        else:
            sr = algorithm.node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ValueError("the proof is shorter than the path to the root")
    return fr, sr


# --- Canonical entry bytes -------------------------------------------------------------

JSONValue: TypeAlias = None | bool | int | str | Sequence["JSONValue"] | Mapping[str, "JSONValue"]
"""What a log entry may contain: no floats, no bytes, no dates (pass ISO strings or integers)."""

MAX_SAFE_INTEGER = 2**53 - 1
"""RFC 7493 (I-JSON) §2.2: larger integers are not exact in JavaScript or RFC 8785 JCS."""


def canonical_json(obj: JSONValue) -> bytes:
    """Return the canonical UTF-8 bytes of a log entry (RECORD-LOG.md §2 "Entry encoding").

    The output is ``json.dumps(obj, sort_keys=True, separators=(",", ":"),
    ensure_ascii=False).encode()`` as the design specifies, restricted so that it is
    also RFC 8785 (JCS) output and other languages can reproduce it:

    * keys are sorted by UTF-16 code units (RFC 8785 §3.2.3); this differs from Python's
      code-point order only for keys mixing characters above U+FFFF with U+E000-U+FFFF;
    * integers must lie within +-(2**53 - 1) (``ValueError`` otherwise);
    * floats (they have no canonical decimal form here), bytes, dates and any other
      type raise ``TypeError``, as do non-string keys (``json`` would silently turn
      ``1`` into ``"1"``);
    * strings with lone surrogates raise ``UnicodeEncodeError`` (a ``ValueError``).

    Store the returned bytes and hash them; never rebuild them when verifying.
    """
    text = json.dumps(_normalise(obj), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.encode("utf-8")


def _normalise(value: object) -> object:
    """Return a plain copy of ``value`` (dicts with keys in JCS order) or raise for what JSON cannot hold exactly."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            raise ValueError(f"integer {value} is outside +-(2**53 - 1); store it as a string")
        return int(value)
    if isinstance(value, float):
        raise TypeError("floats are not allowed in a log entry (no canonical form); use integers or strings")
    if isinstance(value, Mapping):
        for key in value:
            if not isinstance(key, str):
                raise TypeError(f"log entry keys must be str, not {type(key).__name__}")
        keys = sorted(value, key=lambda key: key.encode("utf-16-be", "surrogatepass"))
        return {key: _normalise(value[key]) for key in keys}
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray | memoryview):
        return [_normalise(item) for item in value]
    raise TypeError(f"{type(value).__name__} is not allowed in a log entry; convert it to str or int first")
