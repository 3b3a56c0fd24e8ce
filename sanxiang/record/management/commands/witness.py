"""``sanxiang witness init|serve|show``: the checkpoint witness another unit runs (RECORD-LOG.md §6).

::

    sanxiang witness init --dir /srv/witness --name sfj.example/witness
    sanxiang witness serve --dir /srv/witness --log-key 'sanxiang.local/record+1a2b3c4d+AQ…' [--log-key …]
                           [--host 127.0.0.1] [--port 7380]
    sanxiang witness show --dir /srv/witness

``init`` prints the witness's verifier key: give it to the platform's operators,
who configure it as a witness key. ``serve`` needs no database; the logic lives
in ``sanxiang.record.witness``, this command only parses arguments.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanxiang.record import witness


def port_number(value: str) -> int:
    """A TCP port for argparse: 0 (any free port) to 65535."""
    if not value.isdigit() or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number (0-65535)")
    return int(value)


class Command(BaseCommand):
    help = "Run a C2SP tlog-witness: cosign checkpoints of configured logs that extend what it cosigned before."
    requires_system_checks: list[str] = []  # the witness machine has no platform database to check

    def add_arguments(self, parser: CommandParser) -> None:
        operations = parser.add_subparsers(dest="operation", required=True)
        init = operations.add_parser("init", help="Create the witness directory and its cosignature key")
        init.add_argument("--dir", required=True, type=Path, help="Witness directory (key and state)")
        init.add_argument("--name", required=True, help="Witness key name, e.g. sfj.example/witness")
        serve = operations.add_parser("serve", help="Serve POST /add-checkpoint and GET /checkpoint")
        serve.add_argument("--dir", required=True, type=Path, help="Witness directory (key and state)")
        serve.add_argument(
            "--log-key",
            action="append",
            required=True,
            metavar="[ORIGIN=]VKEY",
            help="A log's verifier key; the origin defaults to the key name. Repeat for more logs or keys.",
        )
        serve.add_argument("--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1)")
        serve.add_argument("--port", type=port_number, default=7380, help="Port to listen on (default 7380)")
        show = operations.add_parser("show", help="Print the accepted checkpoints")
        show.add_argument("--dir", required=True, type=Path, help="Witness directory")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['operation']}")(options)
        except witness.WitnessSetupError as exc:
            raise CommandError(str(exc)) from exc

    def _init(self, options: dict[str, Any]) -> None:
        signer = witness.witness_init(options["dir"], options["name"])
        self.stdout.write(f"Created {options['dir'] / witness.KEY_FILE}. Give the platform this witness key:")
        self.stdout.write(signer.vkey())

    def _serve(self, options: dict[str, Any]) -> None:
        state_dir: Path = options["dir"]
        signer = witness.load_signer(state_dir)
        logs = witness.parse_log_keys(options["log_key"])
        witness.read_state(state_dir)  # refuse to start on a corrupt state file
        try:
            server = witness.WitnessServer(
                (options["host"], options["port"]), state_dir=state_dir, log_verifiers=logs, signer=signer
            )
        except OSError as exc:
            raise CommandError(f"cannot listen on {options['host']}:{options['port']}: {exc.strerror}") from exc
        host, port = server.server_address[:2]
        self.stdout.write(f"Witness {signer.vkey()}")
        self.stdout.write(f"Logs: {', '.join(sorted(logs))}; listening on http://{host!s}:{port}/")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            self.stdout.write("Stopped.")
        finally:
            server.server_close()

    def _show(self, options: dict[str, Any]) -> None:
        state = witness.read_state(options["dir"])
        if not state:
            self.stdout.write("No checkpoint accepted yet.")
        for accepted in sorted(state.values(), key=lambda a: a.origin):
            at = dt.datetime.fromtimestamp(accepted.accepted_at, tz=dt.UTC).isoformat()
            root = base64.b64encode(accepted.root).decode()
            self.stdout.write(f"{accepted.origin}  size {accepted.size}  root {root}  cosigned {at}")
