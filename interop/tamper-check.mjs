// Tampered-message check across two MLSClient gRPC servers (interop/proto/mls_client.proto).
// For each direction (sender on one server, receiver on the other), each ciphersuite both servers
// support and each handshake mode, it builds a two-member group across the servers, then:
//   - flips one bit of an application message (Protect) at each of a spread of positions; the
//     receiver's Unprotect must reject every copy, and then still accept the untouched message;
//   - does the same with a Commit and the receiver's HandleCommit, and then checks that both
//     members agree on the epoch once the untouched Commit is handled.
// Usage: node interop/tamper-check.mjs --client 127.0.0.1:<p1> --client 127.0.0.1:<p2> [--positions N]
//        [--client-id-identities]
// Uses the gRPC packages installed for interop/ts-mls-client (run `npm ci` there first).
// Where a server answers UNIMPLEMENTED (OpenMLS through core-crypto: no encrypted handshake, no
// authenticated data, no epoch authenticator) the check does without: a handshake mode a server
// lacks is skipped, a message goes without authenticated data, and the epochs are compared
// through MLS-Exporter("exporter", "", 32). --client-id-identities: the members' identities in the
// form core-crypto requires, as the runner's option of that name.
// Ends with "tamper check: N passed, N failed, N skipped"; exits 1 on any failure.

import { createRequire } from "node:module";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";

const require = createRequire(new URL("./ts-mls-client/package.json", import.meta.url));
const grpc = require("@grpc/grpc-js");
const protoLoader = require("@grpc/proto-loader");
const PROTO_PATH = fileURLToPath(new URL("./proto/mls_client.proto", import.meta.url));

const utf8 = (s) => Buffer.from(s, "utf8");
const hex = (b) => Buffer.from(b).toString("hex");

function parseArgs(argv) {
  const a = { clients: [], positions: 24, clientIds: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--client") a.clients.push(argv[++i]);
    else if (argv[i] === "--client-id-identities") a.clientIds = true;
    else if (argv[i] === "--positions") a.positions = Number(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (a.clients.length !== 2) throw new Error("usage: node interop/tamper-check.mjs --client HOST:PORT --client HOST:PORT [--positions N]");
  for (const c of a.clients) {
    if (!/^(127\.0\.0\.1|localhost):\d+$/.test(c)) throw new Error(`only loopback servers are driven, not ${c}`);
  }
  return a;
}

function connect(address) {
  const def = protoLoader.loadSync(PROTO_PATH, { keepCase: true, longs: String, enums: String, defaults: true, arrays: true });
  const Client = grpc.loadPackageDefinition(def).mls_client.MLSClient;
  const client = new Client(address, grpc.credentials.createInsecure());
  const rpc = new Proxy(
    {},
    {
      get: (_, name) => (req = {}) =>
        new Promise((resolve, reject) => client[name](req, { deadline: Date.now() + 60_000 }, (e, r) => (e ? reject(e) : resolve(r)))),
    },
  );
  return { rpc, address, close: () => client.close() };
}

// One bit flipped at byte `position`; the bit moves with the position so all eight are used.
function flipped(message, position) {
  const copy = Buffer.from(message);
  copy[position] ^= 1 << position % 8;
  return copy;
}

// A spread of byte positions over the whole message: the first bytes (MLSMessage header, group
// id, epoch), evenly spaced ones through the body, and the last byte (tag or signature).
function positions(length, count) {
  const set = new Set([0, 1, 2, 3, 4, 5, 6, 7, length - 1]);
  for (let i = 0; i < count; i++) set.add(Math.floor(((i + 0.5) * length) / count));
  return [...set].filter((p) => p >= 0 && p < length).sort((a, b) => a - b);
}

let passed = 0;
let failed = 0;
let skipped = 0;
let clientIds = false;

// The runner's --client-id-identities form: "<uuid>:1@interop.invalid", a version-8 UUID from
// the SHA-256 of the name.
function identity(name) {
  if (!clientIds) return utf8(name);
  const h = createHash("sha256").update(name).digest().subarray(0, 16);
  h[6] = 0x80 | (h[6] & 0x0f);
  h[8] = 0x80 | (h[8] & 0x3f);
  const x = h.toString("hex");
  return utf8(`${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}:1@interop.invalid`);
}

const UNIMPLEMENTED = 12;
// Calls `first`; when the server answers UNIMPLEMENTED, calls `fallback` instead.
async function orElse(first, fallback) {
  try {
    return await first();
  } catch (e) {
    if (e.code !== UNIMPLEMENTED) throw e;
    return fallback(e);
  }
}

class Skip extends Error {}

// The epoch of each member: its epoch authenticator, or when a server has none, its exported secret.
async function sameEpoch(sender, alice, senderAuth, receiver, bob, receiverAuth) {
  if (senderAuth.length > 0 && receiverAuth.length > 0) return hex(senderAuth) === hex(receiverAuth);
  const exported = async (s, id) => hex((await s.rpc.Export({ state_id: id, label: "exporter", context: Buffer.alloc(0), key_length: 32 })).exported_secret);
  return (await exported(sender, alice)) === (await exported(receiver, bob));
}
function report(ok, label) {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? "ok  " : "FAIL"} ${label}`);
}

async function rejected(promise) {
  try {
    await promise;
    return { rejected: false };
  } catch (e) {
    return { rejected: true, detail: `${grpc.status[e.code]}: ${e.details}` };
  }
}

async function direction(sender, receiver, suite, encrypt, count) {
  const label = `suite ${suite}, ${encrypt ? "private" : "public"} handshake, ${sender.name} -> ${receiver.name}`;
  const groupId = utf8(`tamper-${suite}-${encrypt}-${Math.random()}`);
  const unsupported = (e) => {
    throw new Skip(`${label}: skipped, ${e.details}`);
  };
  const alice = (
    await orElse(() => sender.rpc.CreateGroup({ group_id: groupId, cipher_suite: suite, encrypt_handshake: encrypt, identity: identity("alice") }), unsupported)
  ).state_id;
  const kp = await receiver.rpc.CreateKeyPackage({ cipher_suite: suite, identity: identity("bob") });
  const add = await sender.rpc.Commit({ state_id: alice, by_value: [{ proposal_type: utf8("add"), key_package: kp.key_package }] });
  const created = await sender.rpc.HandlePendingCommit({ state_id: alice });
  const joined = await orElse(
    () => receiver.rpc.JoinGroup({ transaction_id: kp.transaction_id, welcome: add.welcome, encrypt_handshake: encrypt, identity: identity("bob") }),
    unsupported,
  );
  const bob = joined.state_id;
  if (!(await sameEpoch(sender, alice, created.epoch_authenticator, receiver, bob, joined.epoch_authenticator))) {
    throw new Error(`${label}: the members disagree after the join`);
  }

  // Application message (without authenticated data where the sender has none).
  const plaintext = utf8("tamper with me");
  const { ciphertext } = await orElse(
    () => sender.rpc.Protect({ state_id: alice, authenticated_data: utf8("aad"), plaintext }),
    () => sender.rpc.Protect({ state_id: alice, authenticated_data: Buffer.alloc(0), plaintext }),
  );
  const accepted = [];
  for (const p of positions(ciphertext.length, count)) {
    const r = await rejected(receiver.rpc.Unprotect({ state_id: bob, ciphertext: flipped(ciphertext, p) }));
    if (!r.rejected) accepted.push(p);
  }
  report(accepted.length === 0, `${label}: Unprotect rejects a flipped bit at each of ${positions(ciphertext.length, count).length} positions of a ${ciphertext.length}-byte message${accepted.length ? `; ACCEPTED at ${accepted.join(", ")}` : ""}`);
  const clean = await rejected(receiver.rpc.Unprotect({ state_id: bob, ciphertext }));
  report(!clean.rejected, `${label}: Unprotect then accepts the untouched message${clean.rejected ? ` (${clean.detail})` : ""}`);

  // Commit (an empty commit: a full UpdatePath).
  const { commit } = await sender.rpc.Commit({ state_id: alice });
  const acceptedCommits = [];
  for (const p of positions(commit.length, count)) {
    const r = await rejected(receiver.rpc.HandleCommit({ state_id: bob, commit: flipped(commit, p) }));
    if (!r.rejected) {
      acceptedCommits.push(p);
      break; // the receiver moved to another epoch; later attempts would say nothing
    }
  }
  report(
    acceptedCommits.length === 0,
    `${label}: HandleCommit rejects a flipped bit at each of ${positions(commit.length, count).length} positions of a ${commit.length}-byte commit${acceptedCommits.length ? `; ACCEPTED at ${acceptedCommits[0]}` : ""}`,
  );
  if (acceptedCommits.length === 0) {
    const mine = await sender.rpc.HandlePendingCommit({ state_id: alice });
    const theirs = await rejected(receiver.rpc.HandleCommit({ state_id: bob, commit }));
    let agree = false;
    if (!theirs.rejected) {
      const auth = await orElse(
        async () => (await receiver.rpc.StateAuth({ state_id: bob })).state_auth_secret,
        () => Buffer.alloc(0),
      );
      agree = await sameEpoch(sender, alice, mine.epoch_authenticator, receiver, bob, auth);
    }
    report(agree, `${label}: HandleCommit then accepts the untouched commit and both agree on the epoch${theirs.rejected ? ` (${theirs.detail})` : ""}`);
  }

  await sender.rpc.Free({ state_id: alice });
  await receiver.rpc.Free({ state_id: bob });
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  clientIds = args.clientIds;
  const servers = args.clients.map(connect);
  try {
    for (const s of servers) {
      s.name = (await s.rpc.Name()).name;
      s.suites = (await s.rpc.SupportedCiphersuites()).ciphersuites;
      console.log(`${s.address}: ${s.name}, ciphersuites [${s.suites.join(", ")}]`);
    }
    const suites = servers[0].suites.filter((x) => servers[1].suites.includes(x));
    for (const suite of suites) {
      for (const encrypt of [true, false]) {
        for (const [sender, receiver] of [servers, [...servers].reverse()]) {
          try {
            await direction(sender, receiver, suite, encrypt, args.positions);
          } catch (e) {
            if (e instanceof Skip) {
              skipped++;
              console.log(e.message);
              continue;
            }
            report(false, `suite ${suite}, ${encrypt ? "private" : "public"} handshake, ${sender.name} -> ${receiver.name}: ${e.details ?? e.message}`);
          }
        }
      }
    }
  } finally {
    servers.forEach((s) => s.close());
  }
  console.log(`tamper check: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exitCode = failed === 0 ? 0 : 1;
}

await main();
