-- Custos SQLite schema, version 6: groups on tokens, and the versioned access policy.
ALTER TABLE tokens ADD COLUMN groups TEXT NOT NULL DEFAULT '[]'; -- JSON array of group names

-- Every version of the access policy ever proposed. A version is proposed (pending), then approved by a
-- security officer other than its author (active; the active one before it becomes superseded) or
-- rejected. With no active version the built-in default policy (version 0) is in force.
CREATE TABLE policies (
    version     INTEGER PRIMARY KEY,
    document    TEXT NOT NULL,        -- canonical JSON of the policy document
    sha256      BLOB NOT NULL,        -- SHA-256 of document, what approvals refer to
    author      TEXT NOT NULL,        -- principal id
    comment     TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('pending', 'active', 'superseded', 'rejected')),
    decided_by  TEXT NULL,
    decided_at  TEXT NULL
) STRICT;
CREATE UNIQUE INDEX policies_one_active ON policies (status) WHERE status = 'active';
