-- Custos SQLite schema, version 5: per-token source-network allowlists.
-- A JSON array of CIDR networks the token may be used from; NULL = from anywhere.
ALTER TABLE tokens ADD COLUMN allowed_networks TEXT NULL;
