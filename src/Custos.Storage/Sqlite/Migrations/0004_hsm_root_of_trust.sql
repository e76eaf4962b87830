-- Custos SQLite schema, version 4: the HSM as root of trust.
-- Seal type 'hsm': the root key encrypted by a key that never leaves the HSM, so that Custos unseals
-- itself at start; the operators' shares then only recover the root key if the HSM is lost.
ALTER TABLE seal_config ADD COLUMN wrapped_root_key   BLOB NULL;
ALTER TABLE seal_config ADD COLUMN root_key_protector TEXT NULL;

-- Where the audit signing key's private half lives: NULL = sealed under the keyring in this row,
-- 'hsm:...' = in the HSM (sealed_private_key is then empty).
ALTER TABLE audit_signing_key ADD COLUMN location TEXT NULL;
