// The few fields of MLS framing (RFC 9420 §6) the server reads itself, because core-crypto keeps
// them to itself: the MLSMessage header, the authenticated data of a PrivateMessage and whether a
// PublicMessage Commit has an UpdatePath. Nothing here decides whether a message is valid:
// core-crypto processes every message.

export const WIRE_FORMAT = { publicMessage: 1, privateMessage: 2, welcome: 3, groupInfo: 4, keyPackage: 5 };
const MLS10 = 1;

class Reader {
  constructor(bytes) {
    this.b = Uint8Array.from(bytes);
    this.at = 0;
  }
  take(n) {
    if (this.at + n > this.b.length) throw new Error("truncated message");
    const v = this.b.subarray(this.at, this.at + n);
    this.at += n;
    return v;
  }
  u8() {
    return this.take(1)[0];
  }
  u16() {
    const v = this.take(2);
    return (v[0] << 8) | v[1];
  }
  // §2.1.2: a variable-size vector length, 1, 2 or 4 bytes by its top two bits.
  vector() {
    const size = 1 << (this.b[this.at] >> 6);
    if (size === 8) throw new Error("invalid vector length");
    const v = this.take(size);
    let n = v[0] & 0x3f;
    for (let i = 1; i < size; i++) n = n * 256 + v[i];
    return this.take(n);
  }
}

// An MLSMessage header { version = mls10; wire_format } before `body`.
export function frame(wireFormat, body) {
  return Buffer.concat([Buffer.from([0, MLS10, wireFormat >> 8, wireFormat & 0xff]), Buffer.from(body)]);
}

// The body of an MLSMessage with the given wire format.
export function unframe(bytes, wireFormat, what) {
  const r = new Reader(bytes);
  if (r.u16() !== MLS10 || r.u16() !== wireFormat) throw new Error(`not an MLSMessage carrying a ${what}`);
  return r.b.subarray(r.at);
}

// PrivateMessage { group_id<V>; uint64 epoch; ContentType content_type; authenticated_data<V>; ... }
export function authenticatedData(message) {
  const r = new Reader(unframe(message, WIRE_FORMAT.privateMessage, "PrivateMessage"));
  r.vector();
  r.take(8);
  r.u8();
  return r.vector();
}

// PublicMessage { FramedContent { group_id<V>; uint64 epoch; Sender; authenticated_data<V>;
// ContentType = commit; Commit { ProposalOrRef proposals<V>; optional<UpdatePath> path; } } ... }
export function commitHasPath(message) {
  const r = new Reader(unframe(message, WIRE_FORMAT.publicMessage, "PublicMessage"));
  r.vector();
  r.take(8);
  const senderType = r.u8();
  if (senderType === 1 || senderType === 2) r.take(4); // member, external: a uint32 index
  r.vector();
  if (r.u8() !== 3) throw new Error("not a Commit");
  r.vector();
  return r.u8() === 1;
}
