"""`make bench`: run every benchmark under bench/ and print figures with their same-run reference ratios.

``python -m bench`` runs them all with their defaults; ``python -m bench <name> [options]``
runs one, passing the options on (``python -m bench case --cases 10000``). Names: merkle, case, blobs, log, tus, verify_blobs, publicity, documents.
"""

import sys
from collections.abc import Callable


def _merkle() -> None:
    from bench.merkle_bench import main

    main()


def _case() -> None:
    from bench.case_action_bench import main

    main()


def _log() -> None:
    from bench.log_bench import main

    main()


def _verify_blobs() -> None:
    from bench.verify_blobs import main

    main()


def _blobs() -> None:
    from bench.blobs import main

    main()


def _tus() -> None:
    from bench.tus import main

    main()


def _publicity() -> None:
    from bench.publicity_bench import main

    main()


def _documents() -> None:
    from bench.documents_bench import main

    main()


BENCHES: dict[str, Callable[[], None]] = {
    "merkle": _merkle,
    "case": _case,
    "blobs": _blobs,
    "log": _log,
    "tus": _tus,
    "verify_blobs": _verify_blobs,
    "publicity": _publicity,
    "documents": _documents,
}

if len(sys.argv) > 1 and sys.argv[1] in BENCHES:
    name = sys.argv.pop(1)
    sys.argv[0] = f"python -m bench {name}"
    BENCHES[name]()
elif len(sys.argv) > 1:
    sys.exit(f"usage: python -m bench [{'|'.join(BENCHES)}] [options]")
else:
    for run in BENCHES.values():
        run()
