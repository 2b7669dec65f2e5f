// Benchmark of OpenMLS through Wire's core-crypto 10.3.0 (native build), for comparison with
// Courier.Mls and ts-mls in bench/run-mls-bench.sh. Ciphersuite 1:
// MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519. Measured as bench/ts-mls/bench.mjs is, through
// ../mls-measure.mjs, with the same JSON on the last line of stdout; progress goes to stderr.
// Usage: node bench.mjs [--quick] [--n 10,100,1000]
// CORE_CRYPTO_NATIVE, if set, is the path of the corecrypto.js to load (a copy beside a patched
// libcore_crypto_ffi.so, see prepare-native.sh); otherwise the package's own.
//
// core-crypto exposes conversations, not MLS operations one by one: every op below is one
// core-crypto call in its own transaction (which also writes the result to its in-memory
// database), and its Commits are merged as soon as its transport accepts them. Where that differs
// from the other sides, the result carries a "note".

import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { equalBytes, log, measureEach, parseArgs, plans, results, time } from "../mls-measure.mjs";

const SUITE_ID = 1;

const { quick, sizes } = parseArgs(process.argv.slice(2));
const { plan, kpPlan, msgPlan } = plans(quick);
const BATCH = 100; // messages per transaction in the batched variant

const enc = new TextEncoder();
const cc = await import(process.env.CORE_CRYPTO_NATIVE ? pathToFileURL(process.env.CORE_CRYPTO_NATIVE).href : "@wireapp/core-crypto/native");
const suite = cc.cipherSuiteFromU16(SUITE_ID);

// The package's exports map names only ./browser and ./native, so its package.json is read by path.
function coreCryptoVersion() {
  const pkg = new URL("./node_modules/@wireapp/core-crypto/package.json", import.meta.url);
  return JSON.parse(readFileSync(pkg, "utf8")).version;
}

// A core-crypto client: its own instance and in-memory database, a basic credential, and a
// transport that keeps the CommitBundles it is handed (the "delivery service"). core-crypto takes
// only client ids "<uuid>:<device id in hex>@<domain>".
let deviceCounter = 0;
async function newClient() {
  const id = new cc.ClientId(new cc.Uuid(randomUUID()), new cc.DeviceId(BigInt(++deviceCounter)), "bench.example");
  const instance = cc.CoreCrypto.new(await cc.Database.inMemory());
  const sent = [];
  const transport = {
    async sendCommitBundle(bundle) {
      sent.push(bundle);
    },
    async prepareForTransport() {
      return new Uint8Array();
    },
  };
  const credential = await instance.transaction(async (ctx) => {
    await ctx.mlsInit(id, transport);
    return ctx.addCredential(cc.Credential.basic(suite, id));
  });
  const tx = (fn) => instance.transaction(fn);
  const lastBundle = () => {
    if (sent.length !== 1) throw new Error(`core-crypto handed ${sent.length} CommitBundles to the transport, expected 1`);
    return sent.pop();
  };
  return { instance, credential, tx, lastBundle, keyPackage: () => tx((ctx) => ctx.generateKeyPackage(credential)) };
}

let groupCounter = 0;
const newConversationId = () => new cc.ConversationId(enc.encode(`bench-group-${++groupCounter}`));

// A fresh one-member conversation of `creator`.
async function newConversation(creator) {
  const id = newConversationId();
  await creator.tx((ctx) => ctx.createConversation(id, creator.credential));
  return id;
}

const wipe = (client, id) => client.tx((ctx) => ctx.wipeConversation(id));
const exporter = (client, id) => client.tx((ctx) => ctx.exportSecretKey(id, 32)).then((s) => s.copyBytes());

const NOTES = {
  key_package_generation: "generateKeyPackage in its own transaction (the private keys are stored in the in-memory database), then serialize",
  add_commit:
    "addClientsToConversation with n-1 KeyPackages on a fresh one-member conversation: creates the Commit and Welcome (GroupInfo with ratchet_tree), hands them to the transport and merges the Commit",
  join_from_welcome: "processWelcomeMessage of the Welcome of that iteration's add commit, by the last added member (fresh KeyPackage each iteration)",
  update_commit:
    "updateKeyingMaterial right after the Add commit (all parent nodes blank, n-1 HPKE encryptions): creates the full-path Commit, hands it to the transport and merges it",
  process_update_commit: "decryptMessage of that Commit by the joined member; core-crypto sends Commits as PublicMessages (ts-mls and Courier: PrivateMessage)",
  protect_unprotect: "encryptMessage by the creator, then decryptMessage by the last member, one transaction each",
  batched: `encryptMessage of ${BATCH} messages in one transaction, then decryptMessage of them in one transaction; time per pair`,
};

async function main() {
  const version = coreCryptoVersion();
  log(`OpenMLS via core-crypto ${version} (native) on node ${process.version}, ciphersuite ${SUITE_ID}${quick ? " (quick)" : ""}, n = ${sizes.join(", ")}`);

  const kpClient = await newClient();
  log("key_package_generation");
  await measureEach([["key_package_generation", NOTES.key_package_generation]], null, kpPlan, async () => {
    const t = process.hrtime.bigint();
    const kp = await kpClient.keyPackage();
    kp.serialize();
    return { key_package_generation: time(t) };
  });

  const maxN = Math.max(...sizes, 10);
  log(`making ${maxN} clients`);
  const creator = await newClient();
  const others = [];
  for (let i = 1; i < maxN; i++) others.push(await newClient());

  let tenMemberGroup = null;
  for (const n of sizes) {
    const p = plan(n);
    log(`group of ${n}: generating ${n - 2} key packages`);
    // Members 1 .. n-2 are only added (one KeyPackage each, added to every iteration's group); the
    // last member joins, from a fresh KeyPackage each iteration.
    const added = [];
    for (let i = 0; i < n - 2; i++) added.push(await others[i].keyPackage());
    const joiner = others[n - 2];
    let kept = null;
    await measureEach(
      [
        ["add_commit", NOTES.add_commit],
        ["join_from_welcome", NOTES.join_from_welcome],
        ["update_commit", NOTES.update_commit],
        ["process_update_commit", NOTES.process_update_commit],
      ],
      n,
      p,
      async () => {
        if (kept !== null) await Promise.all([wipe(creator, kept.id), wipe(joiner, kept.joined)]);
        const id = await newConversation(creator);
        const keyPackages = [...added, await joiner.keyPackage()];

        let t = process.hrtime.bigint();
        await creator.tx((ctx) => ctx.addClientsToConversation(id, keyPackages));
        const welcome = creator.lastBundle().welcome.serialize();
        const add = time(t);

        t = process.hrtime.bigint();
        const joined = await joiner.tx((ctx) => ctx.processWelcomeMessage(new cc.Welcome(welcome)));
        const join = time(t);

        t = process.hrtime.bigint();
        await creator.tx((ctx) => ctx.updateKeyingMaterial(id));
        const commit = creator.lastBundle().commit;
        const update = time(t);

        t = process.hrtime.bigint();
        const m = await joiner.tx((ctx) => ctx.decryptMessage(joined, commit));
        const processed = time(t);
        if (m.tag !== "Commit") throw new Error(`n=${n}: the update Commit was read as ${m.tag}`);
        if (!equalBytes(await exporter(creator, id), await exporter(joiner, joined))) {
          throw new Error(`n=${n}: member disagrees with the committer after the update commit`);
        }
        kept = { id, joined };
        return { add_commit: add, join_from_welcome: join, update_commit: update, process_update_commit: processed };
      },
    );
    if (n === 10) tenMemberGroup = { sender: { client: creator, id: kept.id }, receiver: { client: joiner, id: kept.joined } };
    else await Promise.all([wipe(creator, kept.id), wipe(joiner, kept.joined)]);
  }

  if (tenMemberGroup === null) {
    log("setting up a 10-member group for application messages");
    const id = await newConversation(creator);
    const keyPackages = [];
    for (let i = 0; i < 9; i++) keyPackages.push(await others[i].keyPackage());
    await creator.tx((ctx) => ctx.addClientsToConversation(id, keyPackages));
    const welcome = creator.lastBundle().welcome.serialize();
    const joined = await others[8].tx((ctx) => ctx.processWelcomeMessage(new cc.Welcome(welcome)));
    tenMemberGroup = { sender: { client: creator, id }, receiver: { client: others[8], id: joined } };
  }
  const { sender, receiver } = tenMemberGroup;
  const check = (m, plaintext, op) => {
    if (m.tag !== "Text" || !equalBytes(m.inner.plaintext, plaintext)) throw new Error(`${op}: the receiver did not recover the plaintext`);
  };
  for (const [op, size] of [
    ["protect_unprotect_100B", 100],
    ["protect_unprotect_1KiB", 1024],
  ]) {
    const plaintext = new Uint8Array(size).fill(0x61);
    await measureEach([[op, NOTES.protect_unprotect]], null, msgPlan, async () => {
      const t = process.hrtime.bigint();
      const wire = await sender.client.tx((ctx) => ctx.encryptMessage(sender.id, plaintext));
      const m = await receiver.client.tx((ctx) => ctx.decryptMessage(receiver.id, wire));
      const elapsed = time(t);
      check(m, plaintext, op);
      return { [op]: elapsed };
    });
  }
  const plaintext = new Uint8Array(1024).fill(0x61);
  const batchPlan = { ...msgPlan, warmup: Math.ceil(msgPlan.warmup / BATCH), min: Math.ceil(msgPlan.min / BATCH), max: Math.ceil(msgPlan.max / BATCH) };
  await measureEach([["protect_unprotect_1KiB_batched", NOTES.batched]], null, batchPlan, async () => {
    const t = process.hrtime.bigint();
    const wires = await sender.client.tx(async (ctx) => {
      const out = [];
      for (let i = 0; i < BATCH; i++) out.push(await ctx.encryptMessage(sender.id, plaintext));
      return out;
    });
    const ms = await receiver.client.tx(async (ctx) => {
      const out = [];
      for (const w of wires) out.push(await ctx.decryptMessage(receiver.id, w));
      return out;
    });
    const elapsed = time(t) / BigInt(BATCH);
    for (const m of ms) check(m, plaintext, "protect_unprotect_1KiB_batched");
    return { protect_unprotect_1KiB_batched: elapsed };
  });

  process.stdout.write(
    JSON.stringify({ implementation: "OpenMLS", version: `core-crypto ${version} (native)`, node: process.version, ciphersuite: SUITE_ID, results }) + "\n",
  );
}

await main();
