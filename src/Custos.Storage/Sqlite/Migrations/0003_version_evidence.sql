-- Custos SQLite schema, version 3: evidence about where each key version's material is held.
-- A JSON object of plain-text facts read back from the keystore when the version was made (for an
-- HSM: CKA_LOCAL, CKA_ALWAYS_SENSITIVE, CKA_NEVER_EXTRACTABLE, token manufacturer, model, serial).
-- Never key material. NULL for keystores with nothing to attest (software).

ALTER TABLE key_versions ADD COLUMN evidence TEXT NULL;
