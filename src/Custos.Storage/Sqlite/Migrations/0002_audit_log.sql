-- Custos SQLite schema, version 2: the audit log.
-- Each row is one leaf of the RFC 6962 Merkle tree: idx is the 0-based leaf index (dense, never
-- reused), leaf_hash = SHA-256(0x00 || event), event is the canonical JSON leaf data. The other
-- columns repeat fields of the event for filtering; the event is what is hashed and verified.

CREATE TABLE audit_events (
    idx        INTEGER NOT NULL PRIMARY KEY,
    leaf_hash  BLOB    NOT NULL,
    event      BLOB    NOT NULL,
    time       TEXT    NOT NULL,
    principal  TEXT    NOT NULL,
    operation  TEXT    NOT NULL,
    key_id     TEXT    NULL,
    outcome    TEXT    NOT NULL
) STRICT;

-- No secondary indexes yet: every index costs each append; query indexes come with the audit API.
