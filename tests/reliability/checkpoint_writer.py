"""Helper for test_checkpoint_faults: save version after version of a large state dict.

Usage: ``python checkpoint_writer.py PATH FIRST_VERSION``. Prints ``ready`` once imported,
then saves versions FIRST_VERSION, FIRST_VERSION + 1, ... to PATH forever, printing each
version number after its save returned. The test kills this process with SIGKILL at a
random moment and checks that PATH still holds one complete version. The test also forks
writer processes that run ``write_forever`` directly (no interpreter start-up per kill).
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import numpy as np

import tinygrad_lite as tl

LAYERS = 6
SIZE = 256  # 6 x 256 x 256 float64 = 3 MiB per version


def state(version: int) -> dict:
    """Version ``version`` of the state: every array is filled with the version number."""
    return {
        "step": version,
        "model": {
            f"layer{i}.weight": tl.tensor(np.full((SIZE, SIZE), float(version)))
            for i in range(LAYERS)
        },
        "bias": tl.tensor(np.full((SIZE,), version, dtype=np.int64)),
        "note": f"version {version}",
    }


def write_forever(path: str, version: int, emit: Callable[[str], None]) -> None:
    """Save versions ``version``, ``version + 1``, ... to ``path``; ``emit`` each one after
    its save returned."""
    emit("ready")
    while True:
        tl.save(state(version), path)
        emit(str(version))
        version += 1


def main() -> None:
    write_forever(sys.argv[1], int(sys.argv[2]), lambda line: print(line, flush=True))


if __name__ == "__main__":
    main()
