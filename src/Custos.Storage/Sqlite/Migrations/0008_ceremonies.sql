-- Custos SQLite schema, version 8: key ceremonies (dual control over initialisation). Version 7 belongs
-- to another change; the runner applies whatever is newer than the file's version, in order.

-- An init ceremony: the canonical transcript every operator signs, and, until it completes, the root
-- token's record (accessor id and SHA-256 of its secret; the secret is never stored). The token is
-- copied into tokens, in force, only when the ceremony completes.
CREATE TABLE ceremonies (
    id                TEXT    NOT NULL PRIMARY KEY,
    kind              TEXT    NOT NULL CHECK (kind IN ('init')),
    transcript        TEXT    NOT NULL,
    transcript_sha256 BLOB    NOT NULL,
    threshold         INTEGER NOT NULL,
    status            TEXT    NOT NULL CHECK (status IN ('pending', 'complete')),
    created_at        TEXT    NOT NULL,
    completed_at      TEXT    NULL,
    root_token_id     TEXT    NULL,
    root_token_hash   BLOB    NULL
) STRICT;

-- The operators of a ceremony, in transcript order: their public key, the SHA-256 of the share handed to
-- them (never the share) and, once they confirmed, their signature over the transcript.
CREATE TABLE ceremony_operators (
    ceremony_id  TEXT    NOT NULL REFERENCES ceremonies (id),
    position     INTEGER NOT NULL,
    name         TEXT    NOT NULL,
    public_key   BLOB    NOT NULL,  -- DER SubjectPublicKeyInfo
    share_sha256 BLOB    NOT NULL,
    signature    BLOB    NULL,
    confirmed_at TEXT    NULL,
    PRIMARY KEY (ceremony_id, name),
    UNIQUE (ceremony_id, position)
) STRICT;

-- The init ceremony, when initialisation was held as one: no unseal until it is complete.
ALTER TABLE seal_config ADD COLUMN ceremony_id TEXT NULL REFERENCES ceremonies (id);
