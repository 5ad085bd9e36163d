"""What changed between two versions of a dataset (pure).

Rows are matched on the dataset's key; a changed row lists each changed cell
with its old and new value. Used by the timeline ("since the last committee")
and by the data page's preview of an upload.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from dashboard.contract import get_dataset


@dataclass(frozen=True)
class CellChange:
    key: tuple[str, ...]
    column: str
    old: object
    new: object


@dataclass
class Diff:
    key_columns: tuple[str, ...]
    added: pd.DataFrame
    removed: pd.DataFrame
    changed: list[CellChange] = field(default_factory=list)

    @property
    def changed_keys(self) -> list[tuple[str, ...]]:
        seen: dict[tuple[str, ...], None] = {}
        for c in self.changed:
            seen.setdefault(c.key, None)
        return list(seen)

    @property
    def empty(self) -> bool:
        return self.added.empty and self.removed.empty and not self.changed

    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "removed": len(self.removed),
            "changed": len(self.changed_keys),
        }


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and value != value


def _same(a: object, b: object) -> bool:
    if _is_missing(a) and _is_missing(b):
        return True
    if _is_missing(a) or _is_missing(b):
        return False
    if isinstance(a, pd.Timestamp) or isinstance(b, pd.Timestamp):
        return bool(pd.Timestamp(a) == pd.Timestamp(b))  # type: ignore[arg-type]
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(float(a) - float(b)) < 1e-9
    return a == b


def _keys(frame: pd.DataFrame, key: tuple[str, ...]) -> list[tuple[str, ...]]:
    return [
        tuple("" if _is_missing(v) else str(v) for v in row)
        for row in frame[list(key)].itertuples(index=False, name=None)
    ]


def diff_frames(old: pd.DataFrame, new: pd.DataFrame, dataset: str) -> Diff:
    """Rows added, removed and changed from `old` to `new` (typed frames)."""
    spec = get_dataset(dataset)
    key = spec.key or spec.column_names
    columns = [c for c in spec.column_names if c in old.columns and c in new.columns]
    old_keys, new_keys = _keys(old, key), _keys(new, key)
    old_index = {k: i for i, k in enumerate(old_keys)}
    new_index = {k: i for i, k in enumerate(new_keys)}
    added = new.iloc[[i for k, i in new_index.items() if k not in old_index]]
    removed = old.iloc[[i for k, i in old_index.items() if k not in new_index]]
    changed: list[CellChange] = []
    old_records = old[columns].to_dict("records")
    new_records = new[columns].to_dict("records")
    for k, j in new_index.items():
        i = old_index.get(k)
        if i is None:
            continue
        before, after = old_records[i], new_records[j]
        for column in columns:
            if not _same(before[column], after[column]):
                changed.append(CellChange(k, column, before[column], after[column]))
    return Diff(key, added.reset_index(drop=True), removed.reset_index(drop=True), changed)
