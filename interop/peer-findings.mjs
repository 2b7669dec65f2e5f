// Peer findings of the tamper check: a flipped bit a receiver accepts for a known, explained
// reason. Each is matched exactly (the receiver, the message and where the bit is), so that any
// other accepted flip still fails the check. See interop/README.md, "The tamper finding".

// openmls-lenient-vector-length: OpenMLS (core-crypto 10.3.0, tls_codec 0.4.2) reads a vector of
// structs by decoding elements until the bytes read reach or pass the declared length, without
// requiring them to equal it, and verifies the signature and membership tag over its own
// re-encoding. A Commit whose struct-vector length was lowered (still above the start of the last
// element) therefore decodes to the same content and is accepted. RFC 9420 §2.1.2 (and the TLS
// presentation language it builds on, RFC 8446 §3.4) makes that length the byte count of the
// encoded elements; such a message encodes no Commit at all. Matched when the tampered message,
// decoded that lenient way, differs from the untouched one only in one struct-vector length,
// lowered to a value the lenient decoding reads past.
export const LENIENT_VECTOR_LENGTH = "openmls-lenient-vector-length";

class Reader {
  constructor(bytes) {
    this.b = bytes;
    this.at = 0;
    this.vectors = []; // struct vectors: { at, size, declared, read }
  }
  take(n) {
    if (this.at + n > this.b.length) throw new Error("truncated");
    this.at += n;
    return this.b.subarray(this.at - n, this.at);
  }
  u8() {
    return this.take(1)[0];
  }
  u16() {
    return this.take(2).readUInt16BE(0);
  }
  // §2.1.2 variable-size length header: { at, size, value }.
  length() {
    const at = this.at;
    const size = 1 << (this.b[at] >> 6);
    if (size === 8) throw new Error("invalid vector length");
    const v = this.take(size);
    let value = v[0] & 0x3f;
    for (let i = 1; i < size; i++) value = value * 256 + v[i];
    return { at, size, value };
  }
  // opaque<V>: exactly the declared bytes (tls_codec reads byte vectors exactly).
  bytes() {
    return this.take(this.length().value);
  }
  // T items<V> read the lenient way: elements until the bytes read reach or pass the length.
  structs(item) {
    const { at, size, value } = this.length();
    const start = this.at;
    while (this.at - start < value) item();
    this.vectors.push({ at, size, declared: value, read: this.at - start });
  }
}

// RFC 9420 §6.2 PublicMessage carrying a Commit (§12.4) with an optional UpdatePath (§7.6).
function readPublicCommit(r) {
  if (r.u16() !== 1 || r.u16() !== 1) throw new Error("not an mls10 PublicMessage");
  r.bytes(); // group_id
  r.take(8); // epoch
  const senderType = r.u8();
  if (senderType === 1 || senderType === 2) r.take(4);
  else if (senderType !== 3 && senderType !== 4) throw new Error("sender type");
  r.bytes(); // authenticated_data
  if (r.u8() !== 3) throw new Error("not a Commit");
  r.structs(() => {
    throw new Error("proposals are not matched"); // the check's Commits are empty
  });
  const path = r.u8();
  if (path === 1) readUpdatePath(r);
  else if (path !== 0) throw new Error("optional");
  r.bytes(); // signature
  r.bytes(); // confirmation_tag
  if (senderType === 1) r.bytes(); // membership_tag
  if (r.at !== r.b.length) throw new Error("trailing bytes");
}

function readUpdatePath(r) {
  r.bytes(); // encryption_key
  r.bytes(); // signature_key
  const credentialType = r.u16();
  if (credentialType === 1) r.bytes();
  else if (credentialType === 2) r.structs(() => r.bytes());
  else throw new Error("credential type");
  for (let i = 0; i < 5; i++) r.structs(() => r.u16()); // capabilities
  const source = r.u8();
  if (source === 1) r.take(16);
  else if (source === 3) r.bytes();
  else if (source !== 2) throw new Error("leaf node source");
  r.structs(() => {
    r.u16();
    r.bytes();
  }); // extensions
  r.bytes(); // signature
  r.structs(() => {
    r.bytes(); // encryption_key
    r.structs(() => {
      r.bytes(); // kem_output
      r.bytes(); // ciphertext
    });
  });
}

// The finding's id and explanation when `receiverName` accepting `tampered` (the Commit
// `original` with one bit flipped) is a listed peer finding; otherwise null.
export function explainAcceptedCommit(receiverName, original, tampered) {
  if (!receiverName.startsWith("OpenMLS")) return null;
  const r = new Reader(Buffer.from(tampered));
  try {
    readPublicCommit(r);
  } catch {
    return null;
  }
  const lowered = r.vectors.filter((v) => v.declared !== v.read);
  if (lowered.length !== 1) return null;
  const [v] = lowered;
  // A lowered length in the one- or two-byte form; tls_codec does require the minimal encoding
  // (§2.1.2), so a two-byte length under 64 is rejected, not read past.
  if (v.size > 2 || v.declared > v.read || v.read >= 1 << (6 + 8 * (v.size - 1))) return null;
  if (v.size === 2 && v.declared < 64) return null;
  const rebuilt = Buffer.from(tampered);
  rebuilt[v.at] = (v.size === 1 ? 0 : 0x40) | (v.read >> (8 * (v.size - 1)));
  if (v.size === 2) rebuilt[v.at + 1] = v.read & 0xff;
  if (!rebuilt.equals(Buffer.from(original))) return null;
  return `${LENIENT_VECTOR_LENGTH}: the flip lowered the length of a vector of structs at byte ${v.at} from ${v.read} to ${v.declared}; OpenMLS decodes elements until the length is reached or passed and verifies over its re-encoding, so it read the untouched Commit (RFC 9420 §2.1.2, RFC 8446 §3.4: the length is the byte count of the elements)`;
}
