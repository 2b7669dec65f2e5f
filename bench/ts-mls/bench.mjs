// Benchmark of ts-mls (npm "ts-mls") for comparison with Courier.Mls.
// Ciphersuite 1: MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519.
// Progress goes to stderr; the last line of stdout is one JSON object with the results.
// Usage: node bench.mjs [--quick] [--n 10,100,1000]

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import {
  createApplicationMessage,
  createCommit,
  createGroup,
  decodeMlsMessage,
  defaultCapabilities,
  defaultLifetime,
  emptyPskIndex,
  encodeMlsMessage,
  generateKeyPackage,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  joinGroup,
  makePskIndex,
  processPrivateMessage,
} from "ts-mls";
import { equalBytes, log, measure, parseArgs, plans, results, time } from "../mls-measure.mjs";

const SUITE_ID = 1;
const SUITE_NAME = "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519";

const { quick, sizes } = parseArgs(process.argv.slice(2));
const { plan, kpPlan, msgPlan } = plans(quick);
const enc = new TextEncoder();

function tsMlsVersion() {
  const require = createRequire(import.meta.url);
  const entry = require.resolve("ts-mls"); // .../ts-mls/dist/src/index.js
  const pkg = JSON.parse(readFileSync(join(dirname(entry), "..", "..", "package.json"), "utf8"));
  return pkg.version;
}

const credential = (name) => ({ credentialType: "basic", identity: enc.encode(name) });
const newKeyPackage = (cs, name) => generateKeyPackage(credential(name), defaultCapabilities(), defaultLifetime, [], cs);
const welcomeBytes = (welcome) => encodeMlsMessage({ version: "mls10", wireformat: "mls_welcome", welcome });
const addProposal = (kp) => ({ proposalType: "add", add: { keyPackage: kp.publicPackage } });

async function main() {
  const version = tsMlsVersion();
  const cs = await getCiphersuiteImpl(getCiphersuiteFromName(SUITE_NAME));
  log(`ts-mls ${version} on node ${process.version}, ciphersuite ${SUITE_ID}${quick ? " (quick)" : ""}, n = ${sizes.join(", ")}`);

  log("key_package_generation");
  await measure("key_package_generation", null, kpPlan, async () => {
    const t = process.hrtime.bigint();
    const kp = await newKeyPackage(cs, "member");
    encodeMlsMessage({ version: "mls10", wireformat: "mls_key_package", keyPackage: kp.publicPackage });
    return time(t);
  });

  let tenMemberGroup = null;
  for (const n of sizes) {
    const p = plan(n);
    log(`group of ${n}: generating ${n} key packages`);
    const creator = await newKeyPackage(cs, "member0");
    const joiners = [];
    for (let i = 1; i < n; i++) joiners.push(await newKeyPackage(cs, `member${i}`));
    const oneMember = await createGroup(enc.encode(`bench-group-${n}`), creator.publicPackage, creator.privatePackage, [], cs);
    const adds = joiners.map(addProposal);

    // Every iteration commits from the same one-member state; ts-mls states are immutable values.
    let lastAdd;
    await measure("add_commit", n, p, async () => {
      const t = process.hrtime.bigint();
      const r = await createCommit({ state: oneMember, cipherSuite: cs }, { extraProposals: adds, ratchetTreeExtension: true });
      const wire = { commit: encodeMlsMessage(r.commit), welcome: welcomeBytes(r.welcome) };
      const elapsed = time(t);
      lastAdd = { result: r, wire };
      return elapsed;
    });

    // The last added member (the leaf farthest from the committer) joins from the Welcome; the
    // ratchet tree comes from the GroupInfo's ratchet_tree extension.
    const joiner = joiners[joiners.length - 1];
    let joined;
    await measure("join_from_welcome", n, p, async () => {
      const t = process.hrtime.bigint();
      const m = decodeMlsMessage(lastAdd.wire.welcome, 0)[0];
      joined = await joinGroup(m.welcome, joiner.publicPackage, joiner.privatePackage, emptyPskIndex, cs);
      return time(t);
    });
    const committer = lastAdd.result.newState;
    if (!equalBytes(joined.keySchedule.epochAuthenticator, committer.keySchedule.epochAuthenticator)) {
      throw new Error(`n=${n}: joiner disagrees with the committer on the epoch authenticator`);
    }

    // Update: the creator commits with no proposals, so the Commit carries an UpdatePath. The tree
    // is the one right after the Add commit (no path), so all parent nodes are blank and the path
    // secrets are encrypted to every other leaf (n - 1 HPKE encryptions).
    let lastUpdate;
    await measure("update_commit", n, p, async () => {
      const t = process.hrtime.bigint();
      const r = await createCommit({ state: committer, cipherSuite: cs });
      const wire = encodeMlsMessage(r.commit);
      const elapsed = time(t);
      lastUpdate = { result: r, wire };
      return elapsed;
    });

    let processed;
    await measure("process_update_commit", n, p, async () => {
      const t = process.hrtime.bigint();
      const m = decodeMlsMessage(lastUpdate.wire, 0)[0];
      processed = await processPrivateMessage(joined, m.privateMessage, makePskIndex(joined, {}), cs);
      return time(t);
    });
    if (
      processed.kind !== "newState" ||
      !equalBytes(processed.newState.keySchedule.epochAuthenticator, lastUpdate.result.newState.keySchedule.epochAuthenticator)
    ) {
      throw new Error(`n=${n}: member disagrees with the committer after the update commit`);
    }

    if (n === 10) tenMemberGroup = { sender: committer, receiver: joined };
  }

  // Application messages in a 10-member group: the creator protects, the last member unprotects.
  if (tenMemberGroup === null) {
    log("setting up a 10-member group for application messages");
    const creator = await newKeyPackage(cs, "member0");
    const joiners = [];
    for (let i = 1; i < 10; i++) joiners.push(await newKeyPackage(cs, `member${i}`));
    const g = await createGroup(enc.encode("bench-group-msg"), creator.publicPackage, creator.privatePackage, [], cs);
    const r = await createCommit({ state: g, cipherSuite: cs }, { extraProposals: joiners.map(addProposal), ratchetTreeExtension: true });
    const last = joiners[joiners.length - 1];
    const receiver = await joinGroup(r.welcome, last.publicPackage, last.privatePackage, emptyPskIndex, cs);
    tenMemberGroup = { sender: r.newState, receiver };
  }
  for (const [op, size] of [
    ["protect_unprotect_100B", 100],
    ["protect_unprotect_1KiB", 1024],
  ]) {
    const plaintext = new Uint8Array(size).fill(0x61);
    let { sender, receiver } = tenMemberGroup;
    let received;
    await measure(op, null, msgPlan, async () => {
      const t = process.hrtime.bigint();
      const out = await createApplicationMessage(sender, plaintext, cs);
      const wire = encodeMlsMessage({ version: "mls10", wireformat: "mls_private_message", privateMessage: out.privateMessage });
      const m = decodeMlsMessage(wire, 0)[0];
      const r = await processPrivateMessage(receiver, m.privateMessage, emptyPskIndex, cs);
      const elapsed = time(t);
      sender = out.newState;
      receiver = r.newState;
      received = r;
      return elapsed;
    });
    if (received.kind !== "applicationMessage" || !equalBytes(received.message, plaintext)) {
      throw new Error(`${op}: the receiver did not recover the plaintext`);
    }
    tenMemberGroup = { sender, receiver };
  }

  process.stdout.write(
    JSON.stringify({ implementation: "ts-mls", version, node: process.version, ciphersuite: SUITE_ID, results }) + "\n",
  );
}

await main();
