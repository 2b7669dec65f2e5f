// FROST(Ed25519, SHA-512) by @noble/curves (its ed25519_FROST, RFC 9591), the independent side of
// tests/Courier.Frost.Tests/NobleTests.cs. One JSON request on stdin, one JSON answer on stdout;
// bytes are lowercase hex, identifiers noble's (the 32-byte scalar in hex). Randomness comes from the
// request (nonce randomness as RFC 9591 draws it, or a seed stretched by SHA-512), so a run can be replayed.
//   {"op":"sign", "min", "max", "commitments":[C_0..], "participants":[id], "signers":[{"identifier","signingShare","hiding","binding"}], "message"}
//     -> {"commitments":[{identifier,hiding,binding}], "shares":{id: z_i}, "signature"}   (hiding/binding: nonce randomness)
//   {"op":"dealer", "min", "max", "seed"} -> {"commitments":[..], "shares":{id: share}}
//   {"op":"dkg1", "min", "max", "seeds":{id: seed}} -> {"round1":[{identifier, commitment:[..], proofOfKnowledge}]}
//   {"op":"dkg2", "min", "max", "seeds", "round1":[all], "round2":[{from,to,share} sent to noble's participants by others]}
//     -> {"round2":[{from,to,share}] for the others, "keys":{id: {"signingShare","commitments":[..],"verifyingShares":{id: point}}}}
import { ed25519, ed25519_FROST as frost } from '@noble/curves/ed25519.js';
import { createHash } from 'node:crypto';

const hex = (b) => Buffer.from(b).toString('hex');
const bytes = (h) => Uint8Array.from(Buffer.from(h, 'hex'));

// A replayable byte stream: SHA-512(seed || counter) blocks.
function seeded(seed) {
  let buffer = new Uint8Array(0);
  let counter = 0;
  return (n = 32) => {
    while (buffer.length < n) {
      const block = createHash('sha512').update(bytes(seed)).update(Uint8Array.of(counter++)).digest();
      buffer = Uint8Array.from([...buffer, ...block]);
    }
    const out = buffer.slice(0, n);
    buffer = buffer.slice(n);
    return out;
  };
}

// The chunks given, in order (RFC 9591's nonce randomness: hiding, then binding).
function replay(chunks) {
  const queue = chunks.map(bytes);
  return (n = 32) => {
    const next = queue.shift();
    if (!next || next.length !== n) throw new Error('replayed randomness ran out or has the wrong size');
    return next;
  };
}

// Verifying shares computed here from the commitments (Σ C_j · id^j), with noble's points, not Courier's.
function publicPackage(min, max, commitments, participants) {
  const Fn = ed25519.Point.Fn;
  const points = commitments.map((c) => ed25519.Point.fromHex(c));
  const verifyingShares = {};
  for (const id of participants) {
    const x = Fn.fromBytes(bytes(id));
    let acc = points[0];
    let power = Fn.ONE;
    for (let j = 1; j < points.length; j++) {
      power = Fn.mul(power, x);
      acc = acc.add(points[j].multiply(power));
    }
    verifyingShares[id] = acc.toBytes();
  }
  return { signers: { min, max }, commitments: commitments.map(bytes), verifyingShares };
}

function sign(req) {
  const pub = publicPackage(req.min, req.max, req.commitments, req.participants);
  const message = bytes(req.message);
  const rounds = req.signers.map((s) => {
    const secret = { identifier: s.identifier, signingShare: bytes(s.signingShare) };
    frost.validateSecret(secret, pub);
    return { secret, ...frost.commit(secret, replay([s.hiding, s.binding])) };
  });
  const list = rounds.map((r) => r.commitments);
  const shares = {};
  for (const r of rounds) shares[r.secret.identifier] = frost.signShare(r.secret, pub, r.nonces, list, message);
  for (const r of rounds) {
    if (!frost.verifyShare(pub, list, message, r.secret.identifier, shares[r.secret.identifier])) throw new Error('noble refused its own share');
  }
  const signature = frost.aggregate(pub, list, message, shares);
  return {
    commitments: list.map((c) => ({ identifier: c.identifier, hiding: hex(c.hiding), binding: hex(c.binding) })),
    shares: Object.fromEntries(Object.entries(shares).map(([k, v]) => [k, hex(v)])),
    signature: hex(signature),
    verifies: frost.verify(signature, message, pub.commitments[0]),
  };
}

function dealer(req) {
  const ids = Array.from({ length: req.max }, (_, i) => frost.Identifier.fromNumber(i + 1));
  const deal = frost.trustedDealer({ min: req.min, max: req.max }, ids, undefined, seeded(req.seed));
  return {
    commitments: deal.public.commitments.map(hex),
    shares: Object.fromEntries(Object.entries(deal.secretShares).map(([k, v]) => [k, hex(v.signingShare)])),
  };
}

const round1Json = (p) => ({ identifier: p.identifier, commitment: p.commitment.map(hex), proofOfKnowledge: hex(p.proofOfKnowledge) });
const round1Bytes = (p) => ({ identifier: p.identifier, commitment: p.commitment.map(bytes), proofOfKnowledge: bytes(p.proofOfKnowledge) });

function round1All(req) {
  const out = {};
  for (const [id, seed] of Object.entries(req.seeds)) out[id] = frost.DKG.round1(id, { min: req.min, max: req.max }, undefined, seeded(seed));
  return out;
}

function dkg2(req) {
  const mine = round1All(req);
  const all = req.round1.map(round1Bytes);
  const round2 = [];
  for (const [id, r1] of Object.entries(mine)) {
    const packages = frost.DKG.round2(r1.secret, all.filter((p) => p.identifier !== id));
    for (const [to, p] of Object.entries(packages)) round2.push({ from: id, to, share: hex(p.signingShare) });
  }
  const received = [...round2, ...req.round2];
  const keys = {};
  for (const [id, r1] of Object.entries(mine)) {
    const others = all.filter((p) => p.identifier !== id);
    const incoming = received.filter((p) => p.to === id).map((p) => ({ identifier: p.from, signingShare: bytes(p.share) }));
    const key = frost.DKG.round3(r1.secret, others, incoming);
    keys[id] = {
      signingShare: hex(key.secret.signingShare),
      commitments: key.public.commitments.map(hex),
      verifyingShares: Object.fromEntries(Object.entries(key.public.verifyingShares).map(([k, v]) => [k, hex(v)])),
    };
  }
  return { round2: round2.filter((p) => !(p.to in mine)), keys };
}

const ops = {
  sign,
  dealer,
  dkg1: (req) => ({ round1: Object.values(round1All(req)).map((r) => round1Json(r.public)) }),
  dkg2,
};

let input = '';
process.stdin.setEncoding('utf8');
for await (const chunk of process.stdin) input += chunk;
const req = JSON.parse(input);
try {
  process.stdout.write(JSON.stringify(ops[req.op](req)));
} catch (e) {
  process.stdout.write(JSON.stringify({ error: String(e.message ?? e) }));
  process.exitCode = 1;
}
