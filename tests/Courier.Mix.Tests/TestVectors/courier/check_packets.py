# Independent check of sphinx_packet_vectors.json (Courier's own vectors), written from the Sphinx spec and
# the parameters in ../shared/vectors/sphinx/README.md with Python's hashlib/hmac and the "cryptography"
# package, not from Courier's C#. Unwraps every packet hop by hop; prints one line per case.
# Usage: python3 check_packets.py [sphinx_packet_vectors.json]
import hashlib, hmac, json, sys
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand
from cryptography.hazmat.primitives import hashes

R = 82
def x(a, b): return bytes(i ^ j for i, j in zip(a, b))
def x25519(k, p): return X25519PrivateKey.from_private_bytes(k).exchange(X25519PublicKey.from_public_bytes(p))
def chacha(k, n16, m): return Cipher(algorithms.ChaCha20(k, n16), mode=None).encryptor().update(m)
def h(k, m): return hashlib.blake2b(m, key=k, digest_size=32).digest()
def lioness_dec(km, c):
    k = [km[i*32:(i+1)*32] for i in range(4)]; v = [km[128+i*12:128+(i+1)*12] for i in range(4)]
    L, Rr = c[:32], c[32:]
    L = x(L, h(k[3] + v[3], Rr)); Rr = chacha(x(L, k[2]), b"\0"*4 + v[2], Rr)
    L = x(L, h(k[1] + v[1], Rr)); Rr = chacha(x(L, k[0]), b"\0"*4 + v[0], Rr)
    return L + Rr
def lioness_enc(km, p):
    k = [km[i*32:(i+1)*32] for i in range(4)]; v = [km[128+i*12:128+(i+1)*12] for i in range(4)]
    L, Rr = p[:32], p[32:]
    Rr = chacha(x(L, k[0]), b"\0"*4 + v[0], Rr); L = x(L, h(k[1] + v[1], Rr))
    Rr = chacha(x(L, k[2]), b"\0"*4 + v[2], Rr); L = x(L, h(k[3] + v[3], Rr))
    return L + Rr

def unwrap(priv, packet, max_hops):
    beta_len = R * max_hops; hl = 2 + 32 + beta_len + 32
    ad, alpha, beta, gamma = packet[:2], packet[2:34], packet[34:34+beta_len], packet[34+beta_len:hl]
    s = x25519(priv, alpha)
    keys = HKDFExpand(hashes.SHA256(), 336, b"katzenpost-kdf-v0-hkdf-sha256").derive(s)
    assert hmac.compare_digest(hmac.new(keys[:32], ad + alpha + beta, hashlib.sha256).digest(), gamma), "MAC"
    assert ad == b"\0\0"
    ctr = Cipher(algorithms.AES(keys[32:64]), modes.CTR(keys[64:80])).encryptor()
    b = ctr.update(beta + b"\0" * R)
    cmds, i, out = b[:R], 0, {}
    while i < R and cmds[i] != 0:
        t = cmds[i]
        n = {1: 64, 2: 32, 3: 16, 0x80: 4}[t]
        assert t not in out; out[t] = cmds[i+1:i+1+n]; i += 1 + n
    assert all(c == 0 for c in cmds[i:])
    payload = lioness_dec(keys[160:336], packet[hl:])
    if 1 in out:
        blind = chacha(keys[128:160], b"\0" * 16, b"\0" * 32)
        alpha = x25519(blind, alpha)
        return ad + alpha + b[R:] + out[1][32:] + payload, out
    return payload, out

vectors = json.load(open(sys.argv[1] if len(sys.argv) > 1 else "sphinx_packet_vectors.json"))
for n, v in enumerate(vectors):
    g = v["Geometry"]; hops = len(v["Path"]); packet = bytes.fromhex(v["Packets"][0])
    for i in range(hops):
        result, cmds = unwrap(bytes.fromhex(v["Nodes"][i]["PrivateKey"]), packet, g["MaxHops"])
        if i < hops - 1:
            assert cmds[1][:32].hex() == v["Path"][i+1]["ID"]
            assert result.hex() == v["Packets"][i+1], f"case {n} hop {i}"
            packet = result
    if v["Surb"]:
        keys = bytes.fromhex(v["SurbKeys"]); p = result
        for j in range(hops, 0, -1): p = lioness_enc(keys[j*176:(j+1)*176], p)
        result = lioness_dec(keys[:176], p)
    assert result[:32] == b"\0" * 32 and result[32:].hex() == v["Payload"], f"case {n} payload"
    print(f"case {n}: {hops} hops, {'SURB reply' if v['Surb'] else 'forward'}, message {g['MessageLength']} bytes: ok")
