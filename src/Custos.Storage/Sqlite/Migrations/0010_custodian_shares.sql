-- Custos SQLite schema, version 10: a custodian node's key shares (threshold custody, issue 7). A custodian
-- (`custos custodian serve`) uses this schema for its own database: its audit log (the same tables as a
-- Custos server's) and this table. A Custos server never writes it.
-- One row per share this custodian holds: the share scalar sealed (AES-256-GCM) under the custodian's root
-- key, with key id, version, group fingerprint and index bound as AAD, beside the public group record. A
-- share made by a key generation or resharing round is 'pending' until the Custos server commits it;
-- committing a resharing deletes the shares of the previous group. secure_delete is on, so a deleted share's
-- bytes do not stay in free pages.
CREATE TABLE custodian_shares (
    key_id       TEXT    NOT NULL,
    key_version  INTEGER NOT NULL CHECK (key_version >= 1),
    fingerprint  TEXT    NOT NULL,     -- the group's fingerprint (lower-case hex SHA-256 of its encoding)
    participant  INTEGER NOT NULL CHECK (participant BETWEEN 1 AND 255),
    grp          BLOB    NOT NULL,     -- ThresholdGroup encoding (public)
    sealed_share BLOB    NOT NULL,     -- { nonce | ciphertext | tag } of the 32-byte scalar
    state        TEXT    NOT NULL CHECK (state IN ('pending', 'active')),
    round_id     TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    PRIMARY KEY (key_id, key_version, fingerprint)
) STRICT;
CREATE INDEX custodian_shares_round ON custodian_shares (round_id);
