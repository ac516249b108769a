"""``videoberatung-advisor``: the advisor console (PySide6). Entry point."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="videoberatung-advisor",
                                     description="Videoberatung advisor console")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument("--server", metavar="URL",
                        help="the server to sign in to (default: the last one used)")
    args = parser.parse_args(argv)
    if args.version:
        try:
            installed = version("videoberatung")
        except PackageNotFoundError:
            installed = "0+source"
        print(f"videoberatung-advisor {installed}")
        return 0
    from advisor_app.app import run

    return run(args.server)


if __name__ == "__main__":
    raise SystemExit(main())
