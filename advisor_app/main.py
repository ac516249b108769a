"""``videoberatung-advisor``: the advisor console (PySide6). Entry point."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="videoberatung-advisor",
                                     description="Videoberatung advisor console")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument("--self-test", action="store_true",
                        help="check Qt, QtMultimedia, the codecs and a WebRTC call on loopback "
                        "(no display, server or keyring needed), then exit: 0 when all passed")
    parser.add_argument("--server", metavar="URL",
                        help="the server to sign in to (default: the last one used)")
    parser.add_argument("--credentials-file", metavar="PATH", type=Path,
                        help="sign in with the JSON {server, username, password} in this file "
                        "(the demo's var/demo-advisor.json); nothing is stored")
    args = parser.parse_args(argv)
    if args.version:
        try:
            installed = version("videoberatung")
        except PackageNotFoundError:
            installed = "0+source"
        print(f"videoberatung-advisor {installed}")
        return 0
    if args.self_test:
        from advisor_app.selftest import run_self_test

        return run_self_test()
    credentials = None
    if args.credentials_file:
        try:
            data = json.loads(args.credentials_file.read_text(encoding="utf-8"))
            credentials = (str(data["server"]), str(data["username"]), str(data["password"]))
        except (OSError, ValueError, KeyError, TypeError) as problem:
            parser.error(f"cannot read {args.credentials_file}: {problem}")
    from advisor_app.app import run

    return run(args.server or (credentials[0] if credentials else None), credentials)


if __name__ == "__main__":
    raise SystemExit(main())
