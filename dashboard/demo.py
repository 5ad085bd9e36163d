"""Whether the data folder holds the invented demo data.

The demo's folder carries a marker file, `.demo`; every page and the committee
pack then say the figures are invented. A folder without the marker (an empty
folder, a copy filled with the mission's real exports, generated benchmark data)
is real data: the notice is gone. Delete the marker when real data goes in.
"""

from __future__ import annotations

from pathlib import Path

MARKER = ".demo"


def is_demo(root: Path) -> bool:
    return (root / MARKER).is_file()
