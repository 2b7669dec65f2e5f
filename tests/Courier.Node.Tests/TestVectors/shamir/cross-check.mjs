import { split, combine } from 'shamir-secret-sharing';
import { readFileSync, writeFileSync } from 'fs';
const hex = b => Buffer.from(b).toString('hex');
const un = h => new Uint8Array(Buffer.from(h, 'hex'));
// 1. Courier's vectors, combined by the independent implementation (its share format is y || x).
const ours = JSON.parse(readFileSync(process.argv[2], 'utf8'));
let checked = 0;
for (const v of ours) {
  const shares = v.shares.map(s => { const b = un(s); return new Uint8Array([...b.slice(2), b[0]]); });
  for (let start = 0; start + v.threshold <= shares.length; start++) {
    const got = hex(await combine(shares.slice(start, start + v.threshold)));
    if (got !== v.secret) { console.log('MISMATCH', v.seed, start, got, v.secret); process.exit(1); }
    checked++;
  }
}
console.log(`npm combine agreed on ${checked} subsets of Courier's ${ours.length} vectors`);
// 2. Splits made by the independent implementation, for Courier to combine.
const cases = [[ 'courier', 2, 3 ], [ '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 3, 5 ], [ 'ff'.repeat(16), 5, 5 ], [ 'deadbeef', 4, 9 ]];
const out = [];
for (const [s, k, n] of cases) {
  const secret = s === 'courier' ? new TextEncoder().encode(s) : un(s);
  const shares = await split(secret, n, k);
  out.push({ secret: hex(secret), threshold: k, shares: shares.map(hex) });
}
writeFileSync(process.argv[3], JSON.stringify(out, null, 2) + '\n');
console.log(`wrote ${out.length} splits`);
