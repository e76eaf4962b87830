-- Custos SQLite schema, version 7: approval keys on tokens, quorum approval requests, their signed
-- decisions, and the grants that approved data-plane requests yield.
ALTER TABLE tokens ADD COLUMN approval_key BLOB NULL; -- DER SubjectPublicKeyInfo the holder signs approvals with (never a private key)

-- A request that a policy rule put under quorum. At most one is pending per subject (requester, operation,
-- key, context hash or parameters). Status: pending -> approved (quorum) -> executed (an administrative
-- operation ran once), or pending -> denied (one eligible denial), or pending -> expired (past expires_at;
-- a pending row past its time is read as expired and marked so when its subject comes up again).
CREATE TABLE approval_requests (
    id                  TEXT    NOT NULL PRIMARY KEY, -- apr_...
    subject_sha256      BLOB    NOT NULL,             -- SHA-256 of the canonical subject
    requester_id        TEXT    NOT NULL,
    requester_name      TEXT    NOT NULL,
    requester_roles     TEXT    NOT NULL,             -- JSON array, snapshot at request time
    requester_groups    TEXT    NOT NULL,             -- JSON array, snapshot at request time
    requester_address   TEXT    NULL,
    justification       TEXT    NULL,
    operation           TEXT    NOT NULL,             -- policy operation name
    key_id              TEXT    NULL,                 -- NULL when creating a key
    context_sha256      TEXT    NULL,                 -- hex, data-plane requests
    parameters          TEXT    NULL,                 -- canonical action and JSON parameters, administrative requests
    policy_version      INTEGER NOT NULL,
    rule_id             TEXT    NOT NULL,
    required            INTEGER NOT NULL,
    approver_group      TEXT    NULL,
    grant_minutes       INTEGER NOT NULL,
    grant_uses          INTEGER NOT NULL,
    created_at          TEXT    NOT NULL,
    expires_at          TEXT    NOT NULL,
    status              TEXT    NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'expired', 'executed')),
    decided_at          TEXT    NULL,
    grant_id            TEXT    NULL,
    outcome             TEXT    NULL                  -- what the administrative operation did when it ran
) STRICT;
CREATE UNIQUE INDEX approval_requests_one_pending ON approval_requests (subject_sha256) WHERE status = 'pending';
CREATE INDEX approval_requests_subject ON approval_requests (subject_sha256, status);
CREATE INDEX approval_requests_created ON approval_requests (created_at);

-- One signed decision per approver and request (so one approver never counts twice).
CREATE TABLE approval_decisions (
    request_id    TEXT NOT NULL REFERENCES approval_requests (id),
    approver_id   TEXT NOT NULL,
    approver_name TEXT NOT NULL,
    decision      TEXT NOT NULL CHECK (decision IN ('approve', 'deny')),
    reason        TEXT NULL,
    public_key    BLOB NOT NULL, -- DER SubjectPublicKeyInfo the signature verified with
    signature     BLOB NOT NULL, -- over the statement (custos-approval/v1) of the request and this decision
    decided_at    TEXT NOT NULL,
    PRIMARY KEY (request_id, approver_id)
) STRICT;

-- What approvals of a data-plane request yield: that principal may do that operation with that key and
-- context, until expires_at, at most uses times. Uses are taken one at a time by a conditional UPDATE.
CREATE TABLE grants (
    id             TEXT    NOT NULL PRIMARY KEY, -- grt_...
    approval_id    TEXT    NOT NULL REFERENCES approval_requests (id),
    principal_id   TEXT    NOT NULL,
    operation      TEXT    NOT NULL,
    key_id         TEXT    NULL,
    context_sha256 TEXT    NOT NULL,
    approved_by    TEXT    NOT NULL,             -- JSON array of approver ids
    created_at     TEXT    NOT NULL,
    expires_at     TEXT    NOT NULL,
    uses           INTEGER NOT NULL,
    uses_left      INTEGER NOT NULL CHECK (uses_left >= 0),
    revoked_at     TEXT    NULL,
    revoked_by     TEXT    NULL
) STRICT;
CREATE INDEX grants_scope ON grants (principal_id, operation, key_id, context_sha256);
