-- Custos SQLite schema, version 9: the legal register (7 and 8 are other branches' approvals and ceremonies).
-- One row per provider that operates a location holding key material or serving keys: its contracts
-- (DPA, SCCs, audit rights, law-enforcement commitments), subprocessors, certifications and staffing, as
-- the canonical JSON that residency rules are checked against. Every change is audited (register.put,
-- register.delete) in the same transaction.
CREATE TABLE providers (
    id          TEXT PRIMARY KEY,     -- provider id, named by locations as their operator
    document    TEXT NOT NULL,        -- canonical JSON of the entry
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL         -- principal id ("system" for dev mode's placeholder)
) STRICT;
