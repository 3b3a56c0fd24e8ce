"""``verify --deep`` over gigabytes of evidence files, against plain SHA-256 of the same bytes.

Run from the repository root: ``python -m bench verify_blobs [--gib 5] [--file-mib 1024]``.

Fixture (not timed): ``--gib`` of pseudo-random files of ``--file-mib`` each, stored in a
fresh local evidence store through ``blob_put_path`` and recorded as ``EvidenceObject`` rows
in a fresh SQLite database. Then, with every stored file dropped from the page cache before
each pass (reads come from the disk, as in a nightly scrub):

* reference: ``hashlib.sha256`` fed by a plain 1 MiB ``readinto`` loop over every stored file;
* verify: the evidence check that ``sanxiang verify --deep`` runs (``evidence.checks.blob_check``:
  the store listing merged with the rows, every file re-hashed through the storage API).

Both passes run twice, interleaved (reference, verify, reference, verify); the figure is the
best of each, in GB/s, and the ratio verify / reference (target ≥ 0.7).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench.blobs import ROOT, MiB, evict, make_file, plain_sha256


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gib", type=float, default=5.0, help="total size in GiB (default 5)")
    parser.add_argument("--file-mib", type=int, default=1024, help="size of each file in MiB (default 1024)")
    parser.add_argument("--dir", type=Path, default=ROOT / "var" / "bench-blobs")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="verify-", dir=args.dir))
    try:
        _run(work, int(args.gib * 1024 * MiB), args.file_mib * MiB)
    finally:
        for folder, _dirs, files in os.walk(work):
            os.chmod(folder, 0o700)
            for name in files:
                with contextlib.suppress(OSError):
                    os.chmod(os.path.join(folder, name), 0o600)
        shutil.rmtree(work, ignore_errors=True)


def _run(work: Path, total: int, file_size: int) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ["SANXIANG_DATA_DIR"] = str(work / "data")
    os.environ["SANXIANG_EVIDENCE_DIR"] = str(work / "evidence")
    os.environ["SANXIANG_EVIDENCE_STAGING_DIR"] = str(work / "evidence-staging")
    os.environ.pop("SANXIANG_EVIDENCE_S3_BUCKET", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from sanxiang.evidence import blobstore
    from sanxiang.evidence.checks import blob_check
    from sanxiang.evidence.models import EvidenceObject
    from sanxiang.record.verify import Options, Report

    stored: list[Path] = []
    made = 0
    seed = 1
    started = time.perf_counter()
    while made < total:
        size = min(file_size, total - made)
        path = blobstore.staging_dir() / f"in-{seed}.bin"
        make_file(path, size, seed=seed)
        sha256, _ = plain_sha256(path)
        blob = blobstore.blob_put_path(path, sha256=sha256, move=True)
        EvidenceObject.objects.create(sha256=blob.sha256, size=blob.size, media_type="video/mp4")
        stored.append(Path(os.environ["SANXIANG_EVIDENCE_DIR"]) / blobstore.object_name(blob.sha256))
        made += size
        seed += 1
    print(
        f"fixture: {len(stored)} files, {made / 1e9:.2f} GB stored in {time.perf_counter() - started:.0f} s (not timed)"
    )

    def evict_all() -> None:
        for path in stored:
            evict(path)

    def reference() -> None:
        for path in stored:
            plain_sha256(path)

    def deep_verify() -> None:
        report = Report(origin="bench")
        blob_check(report, Options(deep=True))
        if report.problems or report.blobs != len(stored):
            sys.exit(f"verify found problems: {report.problems[:3]}")

    best = {"reference": float("inf"), "verify": float("inf")}
    for _round in range(2):
        for label, run in (("reference", reference), ("verify", deep_verify)):
            evict_all()
            t = time.perf_counter()
            run()
            best[label] = min(best[label], time.perf_counter() - t)
    print(f"verify --deep over {made / 1e9:.2f} GB of evidence files (cold page cache, best of 2)")
    print(f"  reference  plain sha256 loop   {made / best['reference'] / 1e9:6.3f} GB/s")
    print(f"  verify     blob_check(deep)    {made / best['verify'] / 1e9:6.3f} GB/s")
    print(f"  ratio verify / reference       {best['reference'] / best['verify']:6.2f}   (target ≥ 0.7)")


if __name__ == "__main__":
    main()
