// @noble/curves' ed25519_FROST timed on the operations bench/Courier.Frost.Bench measures, for a ratio
// in docs/benchmarks.md ("FROST"). A stopwatch, not a benchmark harness: warm-up, then the mean of N runs.
//   node bench.mjs   (under flock -o /tmp/courier-bench.lock)
import { ed25519_FROST as frost } from '@noble/curves/ed25519.js';

const message = new Uint8Array(256);
function time(name, n, fn) {
  for (let i = 0; i < Math.max(5, n / 10); i++) fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  const us = Number(process.hrtime.bigint() - start) / 1000 / n;
  console.log(`${name}: ${us.toFixed(1)} µs`);
}

for (const [k, n] of [[3, 5], [7, 15]]) {
  const deal = frost.trustedDealer({ min: k, max: n });
  const secrets = Object.values(deal.secretShares).slice(0, k);
  const rounds = secrets.map((s) => ({ s, ...frost.commit(s) }));
  const list = rounds.map((r) => r.commitments);
  const copy = (nonces) => ({ hiding: nonces.hiding.slice(), binding: nonces.binding.slice() });
  const shares = {};
  for (const r of rounds) shares[r.s.identifier] = frost.signShare(r.s, deal.public, copy(r.nonces), list, message);
  const sig = frost.aggregate(deal.public, list, message, shares);
  console.log(`noble ${k}-of-${n}`);
  time('  round one (one signer)', 200, () => frost.commit(secrets[0]));
  time('  round two (one signer)', 100, () => frost.signShare(secrets[0], deal.public, copy(rounds[0].nonces), list, message));
  time('  aggregate', 100, () => frost.aggregate(deal.public, list, message, shares));
  time('  verify every share', 50, () => Object.entries(shares).every(([id, z]) => frost.verifyShare(deal.public, list, message, id, z)));
  time('  verify signature', 200, () => frost.verify(sig, message, deal.public.commitments[0]));
}
