"""Console start: time from starting the process to the first paint of the sign-in window,
against a bare PySide6 window started the same way; and the memory each holds then.

Both are bench/start_probe.py in a fresh process (Qt offscreen, empty settings so the
console shows its sign-in window), timed from just before the process is started; runs
alternate, after one warm-up run each. Where the console's start goes: ``python -X
importtime`` on importing the console's application module, summed by top-level package.
The console's memory during a video session comes from the glass-to-glass sessions.

    .venv/bin/python bench/console_start.py [--runs 10]
"""

from __future__ import annotations

import argparse
import collections
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import BENCH, ROOT, median, percentile, python, quick, server_env

PROBE = BENCH / "start_probe.py"
MODES = {"console": "sign-in window of the console", "bare": "bare PySide6 window"}


def probe_env(config_home: Path) -> dict[str, str]:
    return server_env(QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(config_home),
                      PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")


def start_once(mode: str, env: dict[str, str]) -> dict[str, float]:
    started = time.time()
    done = subprocess.run([python(), str(PROBE), mode], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=True)
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    return {"seconds": shown["painted_at"] - started, "rss_mib": shown["rss_mib"]}


WATCHED = ("advisor_app.app", "advisor_app.controller", "advisor_app.headless", "aiortc",
           "av", "advisor_app.media.capture", "advisor_app.net.live", "live_protocol",
           "server.db.models", "requests", "keyring", "qasync", "PySide6.QtWidgets")


def import_profile(module: str = "advisor_app.app", top: int = 8) -> dict[str, Any]:
    """Where importing ``module`` spends its time (ms): own time summed by top-level
    package, and the cumulative time of a few modules (each where it is first imported)."""
    done = subprocess.run([python(), "-X", "importtime", "-c", f"import {module}"],
                          env=server_env(), cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=True)
    own: dict[str, float] = collections.defaultdict(float)
    cumulative: dict[str, float] = {}
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        mine, total, name = (part.strip() for part in
                             line.removeprefix("import time:").split("|"))
        own[name.split(".")[0]] += int(mine) / 1000
        if name in WATCHED:
            cumulative.setdefault(name, int(total) / 1000)
    return {"packages": sorted(own.items(), key=lambda item: -item[1])[:top],
            "modules": [(name, cumulative[name]) for name in WATCHED if name in cumulative]}


def run(runs: int) -> dict[str, Any]:
    samples: dict[str, list[dict[str, float]]] = {mode: [] for mode in MODES}
    with tempfile.TemporaryDirectory(prefix="vb-bench-") as folder:
        env = probe_env(Path(folder))
        for mode in MODES:
            start_once(mode, env)  # warm-up: bytecode caches, the file cache
        for index in range(runs):
            for mode in MODES if index % 2 == 0 else reversed(MODES):
                samples[mode].append(start_once(mode, env))
    summary = {mode: {"median_s": median([s["seconds"] for s in rows]),
                      "p95_s": percentile([s["seconds"] for s in rows], 0.95),
                      "rss_mib": median([s["rss_mib"] for s in rows])}
               for mode, rows in samples.items()}
    import_profile("advisor_app.app")  # warm-up
    return {"runs": runs, "summary": summary, "imports": import_profile("advisor_app.app")}


def default_runs() -> int:
    return 3 if quick() else 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=default_runs())
    args = parser.parse_args()
    print(json.dumps(run(args.runs), indent=2))


if __name__ == "__main__":
    main()
