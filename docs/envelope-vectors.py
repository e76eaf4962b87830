# Minimal independent implementation of docs/envelope-format.md (version 1) to compute test vectors.
import hashlib, struct
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

def hkdf(ikm, salt, info):
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(ikm)

def context_bytes(pairs):
    items = sorted(((k.encode(), v.encode()) for k, v in pairs.items()), key=lambda kv: kv[0])
    out = struct.pack(">H", len(items))
    for k, v in items:
        out += struct.pack(">H", len(k)) + k + struct.pack(">H", len(v)) + v
    return out

def nonce(seq):
    return b"\0" * 8 + struct.pack(">I", seq)

def envelope(dek, message_id, frame_length, context, wrapped, plaintext):
    suite = struct.pack(">H", 1)
    content_key = hkdf(dek, message_id, b"custos/envelope/v1/content-key" + suite)
    commitment = hkdf(dek, message_id, b"custos/envelope/v1/commitment" + suite)
    h = b"CUSE" + b"\x01" + suite + message_id + struct.pack(">I", frame_length) + context_bytes(context)
    h += bytes([len(wrapped)])
    for key_id, version, blob in wrapped:
        h += bytes([len(key_id)]) + key_id.encode() + struct.pack(">IH", version, len(blob)) + blob
    h += commitment
    gcm = AESGCM(content_key)
    h += gcm.encrypt(nonce(0), b"", h)  # empty plaintext: the output is the tag
    H = hashlib.sha256(h).digest()
    out = h
    chunks = [plaintext[i:i + frame_length] for i in range(0, len(plaintext), frame_length)] or [b""]
    for i, chunk in enumerate(chunks):
        seq = i + 1
        flag = 1 if i == len(chunks) - 1 else 0
        prefix = bytes([flag]) + struct.pack(">II", seq, len(chunk))
        out += prefix + gcm.encrypt(nonce(seq), chunk, H + prefix)
    return h, out

DEK = bytes(range(32))
MID = bytes(range(0x20, 0x40))
CTX = {"tenant": "acme", "purpose": "test-vector"}
WRAPPED = [("eu-west/kek", 1, b"wrapped-dek-eu"), ("ch-zurich/kek", 7, b"wrapped-dek-ch")]
if __name__ == "__main__":
    for name, pt in [("0", b""), ("1", b"Custos envelope v1 test vector."), ("2", bytes(i % 251 for i in range(8193))), ("3", bytes(i % 251 for i in range(4096)))]:
        h, e = envelope(DEK, MID, 4096, CTX, WRAPPED, pt)
        print(name, len(h), len(e), hashlib.sha256(e).hexdigest(), e[len(h):len(h)+9].hex(), e[-16:].hex() if len(e) < 400 else "")
