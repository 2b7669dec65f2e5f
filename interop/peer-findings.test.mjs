// node --test interop/peer-findings.test.mjs
// peer-findings.commit.hex: a Commit Courier's interop server made in the tamper check (suite 3,
// public handshake, empty Commit with an UpdatePath, 546 bytes): path.nodes<V> has its length
// 0x4075 (117) at bytes 295-296, the one node's encrypted_path_secret<V> 0x4052 (82) at 330-331.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import test from "node:test";
import { explainAcceptedCommit, LENIENT_VECTOR_LENGTH } from "./peer-findings.mjs";

const commit = Buffer.from(readFileSync(new URL("./peer-findings.commit.hex", import.meta.url), "utf8").trim(), "hex");
const OPENMLS = "OpenMLS (Wire core-crypto 10.3.0 wasm, Courier interop wrapper)";
const flip = (at, bit) => {
  const copy = Buffer.from(commit);
  copy[at] ^= 1 << bit;
  return copy;
};

test("explains exactly the lowered struct-vector lengths OpenMLS reads past, nothing else", () => {
  const explained = [];
  for (let at = 0; at < commit.length; at++) {
    for (let bit = 0; bit < 8; bit++) {
      const why = explainAcceptedCommit(OPENMLS, commit, flip(at, bit));
      if (why) explained.push(`${at}.${bit}`);
      if (why) assert.ok(why.startsWith(`${LENIENT_VECTOR_LENGTH}: `));
    }
  }
  // 117 = 0b1110101 and 82 = 0b1010010 lowered by one set bit; bit 6 would leave a two-byte
  // length under 64, which tls_codec rejects as not minimal (and so does OpenMLS).
  assert.deepEqual(explained, ["296.0", "296.2", "296.4", "296.5", "331.1", "331.4"]);
});

test("explains nothing for another receiver, another field, a raised length or a second change", () => {
  assert.equal(explainAcceptedCommit("ts-mls 1.6.4", commit, flip(296, 0)), null);
  assert.equal(explainAcceptedCommit("Courier.Mls (C#/.NET 10) MLSClient", commit, flip(296, 0)), null);
  assert.equal(explainAcceptedCommit(OPENMLS, commit, flip(296, 1)), null); // 117 -> 119
  assert.equal(explainAcceptedCommit(OPENMLS, commit, flip(450, 3)), null); // Commit signature
  assert.equal(explainAcceptedCommit(OPENMLS, commit, commit), null); // nothing changed
  const two = flip(296, 0); // both lengths lowered: more than the one flipped bit
  two[331] ^= 1 << 1;
  assert.equal(explainAcceptedCommit(OPENMLS, commit, two), null);
  const other = flip(296, 0); // a lowered length and another byte changed
  other[100] ^= 1;
  assert.equal(explainAcceptedCommit(OPENMLS, commit, other), null);
});
