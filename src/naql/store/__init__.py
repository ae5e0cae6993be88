"""The index: an embedded store of articles, what the pipeline computed about them, and the
last trace of them all (``naql index add``, ``naql query``, ``naql stories``/``show``/``export``).

:class:`Store` is the interface the index uses; :class:`SqliteStore` (one file, no server) is
the engine. Another engine would implement the same methods.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol

from naql.records import Trace
from naql.store.sqlite import SqliteStore, StoreError

__all__ = ["SqliteStore", "Store", "StoreError", "open_store"]


class Store(Protocol):
    """What the index needs from an engine."""

    readonly: bool

    def transaction(self) -> AbstractContextManager[Any]: ...
    def get_meta(self, key: str) -> str | None: ...
    def set_meta(self, key: str, value: str) -> None: ...
    def put_inputs(
        self, records: Sequence[tuple[str, str, bytes]]
    ) -> tuple[int, list[str], int]: ...
    def inputs(self) -> list[tuple[str, bytes]]: ...
    def count(self, table: str) -> int: ...
    def get_many(self, kind: str, keys: Sequence[str]) -> dict[str, bytes]: ...
    def put_many(self, kind: str, items: Mapping[str, bytes]) -> None: ...
    def prune_memo(self, used: Mapping[str, set[str]]) -> int: ...
    def save_trace(self, trace: Trace) -> dict[str, int]: ...
    def get_blob(self, name: str) -> bytes | None: ...
    def put_blob(self, name: str, value: bytes) -> None: ...
    def close(self) -> None: ...


def open_store(path: str | Path, *, readonly: bool = False) -> SqliteStore:
    """The index at ``path`` (created on first write unless ``readonly``)."""
    return SqliteStore(path, readonly=readonly)
