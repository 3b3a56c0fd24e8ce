"""Leaf appends per second through ``Frontier``, against plain SHA-256 of the same bytes.

Run from the repository root: ``python -m bench.merkle_bench [--leaves N] [--repeat R]``.

Every figure is the best CPU time of ``--repeat`` runs over the same ``--leaves`` entry bodies
(65,536 distinct canonical-JSON bodies of about 320 bytes shaped like RECORD-LOG.md §2,
reused in turn so that building them is not timed). The reference loop hashes each body
with ``hashlib.sha256`` and nothing else; the ratio says how much of the append cost is
the tree rather than the hash every log must compute anyway.
"""

from __future__ import annotations

import argparse
import hashlib
import time
from collections.abc import Callable

from sanxiang.record.merkle import SHA256, SM3, Frontier, HashAlgorithm, canonical_json

DISTINCT_BODIES = 65_536


def make_bodies(count: int) -> list[bytes]:
    """Return ``count`` references to realistic entry bodies (RECORD-LOG.md §2 example)."""
    distinct = [
        canonical_json(
            {
                "v": 1,
                "log": "tiexi-cgzf.example/record/2026",
                "seq": seq,
                "ts": 1_764_400_000_123 + seq,
                "act": "evidence.view",
                "actor": {"uid": 42 + seq % 97, "badge": f"210106-{seq % 9973:05d}"},
                "case": f"2026-{seq % 1_000_000:06d}",
                "obj": "sha256:" + hashlib.sha256(seq.to_bytes(8, "big")).hexdigest(),
                "ip": f"10.12.{seq % 256}.{seq % 251}",
                "reason": "调取执法记录仪视频用于法制审核",
            }
        )
        for seq in range(DISTINCT_BODIES)
    ]
    return [distinct[i % DISTINCT_BODIES] for i in range(count)]


def reference(bodies: list[bytes]) -> None:
    sha256 = hashlib.sha256
    for body in bodies:
        sha256(body).digest()


def appends(algorithm: HashAlgorithm) -> Callable[[list[bytes]], None]:
    def run(bodies: list[bytes]) -> None:
        frontier = Frontier(algorithm=algorithm)
        append, hash_leaf = frontier.append, algorithm.leaf_hash
        for body in bodies:
            append(hash_leaf(body))
        frontier.root()

    return run


def appends_with_root(bodies: list[bytes]) -> None:
    frontier = Frontier()
    append, hash_leaf, tree_root = frontier.append, SHA256.leaf_hash, frontier.root
    for body in bodies:
        append(hash_leaf(body))
        tree_root()


def cpu_seconds(run: Callable[[list[bytes]], None], bodies: list[bytes]) -> float:
    """Return the CPU seconds of one run: other processes on a busy machine do not count."""
    started = time.process_time()
    run(bodies)
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leaves", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    bodies = make_bodies(args.leaves)
    mean_size = sum(map(len, bodies[:DISTINCT_BODIES])) / min(len(bodies), DISTINCT_BODIES)
    print(f"{args.leaves:,} leaves, bodies of {mean_size:.0f} B on average, best CPU time of {args.repeat} runs")

    cases: list[tuple[str, Callable[[list[bytes]], None]]] = [
        ("reference: hashlib.sha256(body)", reference),
        ("Frontier.append(SHA256.leaf_hash(body))", appends(SHA256)),
        ("  same, plus root() after every append", appends_with_root),
        ("Frontier.append(SM3.leaf_hash(body))", appends(SM3)),
    ]
    # Rounds interleave the cases so that a change in machine load hits all of them alike.
    seconds: dict[str, list[float]] = {label: [] for label, _ in cases}
    for _ in range(args.repeat):
        for label, run in cases:
            seconds[label].append(cpu_seconds(run, bodies))
    base = len(bodies) / min(seconds[cases[0][0]])
    for label, _ in cases:
        per_second = len(bodies) / min(seconds[label])
        print(f"{label:<42} {per_second:>11,.0f} /s {1e6 / per_second:6.2f} us/leaf  ratio {per_second / base:5.3f}")


if __name__ == "__main__":
    main()
