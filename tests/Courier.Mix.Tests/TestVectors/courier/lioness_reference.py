# Independent computation of LIONESS-BLAKE2b-ChaCha20-Encrypt (Katzenpost Lioness spec §3.1) for
# LionessTests: Python hashlib (BLAKE2b) and the "cryptography" package (ChaCha20), not Courier code.
import hashlib
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms
def chacha(k, n, m):
    c = Cipher(algorithms.ChaCha20(k, b"\0\0\0\0" + n), mode=None).encryptor()
    return c.update(m)
def h(k, m): return hashlib.blake2b(m, key=k, digest_size=32).digest()
def x(a, b): return bytes(i ^ j for i, j in zip(a, b))
def enc(key, iv, p):
    k = [key[i*32:(i+1)*32] for i in range(4)]; v = [iv[i*12:(i+1)*12] for i in range(4)]
    L, R = p[:32], p[32:]
    R = chacha(x(L, k[0]), v[0], R)
    L = x(L, h(k[1] + v[1], R))
    R = chacha(x(L, k[2]), v[2], R)
    L = x(L, h(k[3] + v[3], R))
    return L + R
key = bytes(range(128)); iv = bytes(range(128, 176))
for n in (33, 100):
    p = bytes((i * 7) % 256 for i in range(n))
    print(n, enc(key, iv, p).hex())
