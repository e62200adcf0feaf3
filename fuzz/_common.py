"""What the harnesses share: `HARNESS --seeds FOLDER` writes its seed inputs; any other arguments go to
libFuzzer (scripts/fuzz.sh passes the time limit, the corpus folders and where to write a crash)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path

import atheris


def run(test_one_input: Callable[[bytes], None], write_seeds: Callable[[Path], None]) -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--seeds":
        folder = Path(sys.argv[2])
        folder.mkdir(parents=True, exist_ok=True)
        write_seeds(folder)
        return
    # The code under test logs the errors it handles; a log line per input would drown libFuzzer's own.
    logging.disable(logging.CRITICAL)
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
