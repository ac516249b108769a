"""``videoberatung-advisor``: the advisor console (PySide6). Entry point."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="videoberatung-advisor",
                                     description="Videoberatung advisor console")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    args = parser.parse_args(argv)
    try:
        installed = version("videoberatung")
    except PackageNotFoundError:
        installed = "0+source"
    if args.version:
        print(f"videoberatung-advisor {installed}")
        return 0
    print("The advisor console is not built yet (see issue 5); the server is usable through "
          "its REST API.", file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
