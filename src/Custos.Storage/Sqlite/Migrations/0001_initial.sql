-- Custos SQLite schema, version 1.
-- Times are ISO-8601 UTC text with exactly six fractional digits and 'Z'
-- ('2025-03-14T09:26:53.589793Z'): fixed width, so text order is time order.
-- Enums are stored by their wire names (KeyNames); lists and maps as JSON text.

CREATE TABLE keys (
    id                       TEXT    NOT NULL PRIMARY KEY,
    alias                    TEXT    NULL UNIQUE,
    purpose                  TEXT    NOT NULL,
    custody                  TEXT    NOT NULL,
    spec                     TEXT    NOT NULL,
    state                    TEXT    NOT NULL,
    state_before_destruction TEXT    NULL,
    destruction_date         TEXT    NULL,
    primary_version          INTEGER NOT NULL,
    created_at               TEXT    NOT NULL,
    updated_at               TEXT    NOT NULL,
    last_rotated_at          TEXT    NOT NULL,
    revision                 INTEGER NOT NULL,
    description              TEXT    NOT NULL,
    owner                    TEXT    NOT NULL,
    classification           TEXT    NOT NULL,
    data_categories          TEXT    NOT NULL, -- JSON array of strings
    allowed_jurisdictions    TEXT    NOT NULL, -- JSON array of strings
    retention_days           INTEGER NULL,
    rotation_period_days     INTEGER NULL,
    tags                     TEXT    NOT NULL, -- JSON object of string to string
    -- ManagedKey.NextRotationAt, maintained on every write so that ListDueAsync is an indexed query.
    next_rotation_at         TEXT    NULL
) STRICT;

CREATE INDEX keys_destruction_due ON keys (destruction_date) WHERE destruction_date IS NOT NULL;
CREATE INDEX keys_rotation_due ON keys (next_rotation_at) WHERE next_rotation_at IS NOT NULL;

CREATE TABLE key_versions (
    key_id       TEXT    NOT NULL REFERENCES keys (id),
    version      INTEGER NOT NULL,
    state        TEXT    NOT NULL,
    keystore     TEXT    NOT NULL,
    material     BLOB    NULL,     -- the keystore's handle (never plaintext); NULL once destroyed
    created_at   TEXT    NOT NULL,
    destroyed_at TEXT    NULL,
    PRIMARY KEY (key_id, version)
) STRICT;

CREATE TABLE tokens (
    id          TEXT NOT NULL PRIMARY KEY,
    secret_hash BLOB NOT NULL UNIQUE, -- SHA-256 of the secret; the secret itself is never stored
    name        TEXT NOT NULL,
    scopes      TEXT NOT NULL,        -- JSON array of strings
    created_at  TEXT NOT NULL,
    expires_at  TEXT NULL,
    revoked_at  TEXT NULL
) STRICT;

CREATE INDEX tokens_created ON tokens (created_at);

CREATE TABLE seal_config (
    id                INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    type              TEXT    NOT NULL,
    shares            INTEGER NOT NULL,
    threshold         INTEGER NOT NULL,
    root_key_id       TEXT    NOT NULL,
    encrypted_keyring BLOB    NOT NULL,
    created_at        TEXT    NOT NULL
) STRICT;
