"""The index's tables, and how an older index is brought up to date.

``PRAGMA application_id`` marks the file as naql's (so an SQLite file of another program is
refused, never written into); ``PRAGMA user_version`` is the schema version. Each migration
takes the file from one version to the next inside one transaction.
"""

from __future__ import annotations

# "naql" in ASCII: what `file` and other tools read at offset 68 of the database header.
APPLICATION_ID = 0x6E61716C
VERSION = 1

# Version 1. Inputs are the pages as read (before cleaning: chrome is learned from the whole
# archive, so every add re-cleans from them). The memo holds what the costly stages computed
# (naql.memo). The rest is the last trace of the whole archive, one row per record, each with
# its JSON and the columns browsing filters on.
SCHEMA_1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE inputs (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    hash TEXT NOT NULL,
    added TEXT NOT NULL,
    record BLOB NOT NULL
);
CREATE TABLE memo (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    value BLOB NOT NULL,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;
CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    input TEXT NOT NULL,
    outlet TEXT,
    date TEXT,
    title TEXT,
    url TEXT,
    story TEXT,
    hash TEXT NOT NULL,
    record TEXT NOT NULL
);
CREATE INDEX articles_story ON articles (story);
CREATE INDEX articles_outlet ON articles (outlet);
CREATE TABLE alignments (
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    a_share REAL NOT NULL,
    b_share REAL NOT NULL,
    hash TEXT NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY (a, b)
);
CREATE INDEX alignments_b ON alignments (b);
CREATE TABLE stories (
    id TEXT PRIMARY KEY,
    number INTEGER NOT NULL,
    label TEXT NOT NULL,
    size INTEGER NOT NULL,
    first_date TEXT,
    last_date TEXT,
    origin TEXT,
    origin_outlet TEXT,
    independent_sources INTEGER NOT NULL,
    outlets TEXT NOT NULL,
    hash TEXT NOT NULL,
    record TEXT NOT NULL
);
CREATE TABLE verdicts (
    article TEXT PRIMARY KEY,
    story TEXT NOT NULL,
    derivation TEXT NOT NULL,
    hash TEXT NOT NULL,
    record TEXT NOT NULL
);
CREATE TABLE credits (
    article TEXT NOT NULL,
    n INTEGER NOT NULL,
    outlet TEXT NOT NULL,
    role TEXT NOT NULL,
    hash TEXT NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY (article, n)
);
CREATE TABLE blobs (name TEXT PRIMARY KEY, value BLOB NOT NULL);
"""

# MIGRATIONS[v] takes a version-v file to version v + 1.
MIGRATIONS: dict[int, str] = {0: SCHEMA_1}
