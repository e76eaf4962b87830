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

CREATE TABLE audit_checkpoints (
    tree_size  INTEGER NOT NULL PRIMARY KEY,
    note       TEXT    NOT NULL,   -- C2SP signed note: checkpoint, log signature, witness cosignatures
    created_at TEXT    NOT NULL
) STRICT;

CREATE TABLE audit_signing_key (
    id                 INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    name               TEXT    NOT NULL,
    public_key         BLOB    NOT NULL,   -- SubjectPublicKeyInfo (DER), ECDSA P-256
    sealed_private_key BLOB    NOT NULL,   -- PKCS#8 sealed under the keyring (AES-256-GCM); never plaintext
    created_at         TEXT    NOT NULL
) STRICT;
