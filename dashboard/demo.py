"""Whether the data folder holds the invented demo data.

The demo's folder carries a marker file, `.demo`; every page and the committee
pack then say the figures are invented. A folder without the marker (an empty
folder, a copy filled with the mission's real exports, generated benchmark data)
is real data: the notice is gone. Delete the marker when real data goes in. A
store on PostgreSQL keeps the marker of the folder copied into it
(`python -m dashboard to-database`; `to-folder` writes it back); a database
filled otherwise holds real data.
"""

from __future__ import annotations

from pathlib import Path

MARKER = ".demo"


def is_demo(where: object) -> bool:
    """`where`: a data folder, or a store (a folder store's root is looked at; a
    database store is asked for the marker copied into it)."""
    marker = getattr(where, "demo_marker", None)
    if callable(marker):
        return marker() is not None
    root = where if isinstance(where, Path) else getattr(where, "root", None)
    return isinstance(root, Path) and (root / MARKER).is_file()
