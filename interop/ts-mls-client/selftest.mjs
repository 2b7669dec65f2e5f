// Self-test of server.mjs through its gRPC interface, in the way the interop test runner drives a
// client. All actors are state sets in the same server.
// Usage: node selftest.mjs [--port <p>]   (without --port it starts server.mjs on a free port)

import grpc from "@grpc/grpc-js";
import protoLoader from "@grpc/proto-loader";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { decodeMlsMessage, encodeMlsMessage } from "ts-mls";

const PROTO_PATH = fileURLToPath(new URL("../proto/mls_client.proto", import.meta.url));
const SERVER_PATH = fileURLToPath(new URL("./server.mjs", import.meta.url));

const b = (s) => Buffer.from(s, "utf8");
const u8 = (x) => Uint8Array.from(x);
const hex = (x) => Buffer.from(x).toString("hex");

let passed = 0;
let failed = 0;
function check(cond, what) {
  if (!cond) throw new Error(`check failed: ${what}`);
}

async function startChild() {
  const child = spawn(process.execPath, [SERVER_PATH, "--port", "0"], { stdio: ["ignore", "ignore", "pipe"] });
  const port = await new Promise((resolve, reject) => {
    let err = "";
    child.stderr.on("data", (d) => {
      err += d;
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(err);
      if (m) resolve(Number(m[1]));
    });
    child.on("exit", (code) => reject(new Error(`server exited with ${code}: ${err}`)));
  });
  child.stderr.on("data", (d) => process.stderr.write(`[server] ${d}`));
  return { child, port };
}

function connect(port) {
  const def = protoLoader.loadSync(PROTO_PATH, { keepCase: true, longs: String, enums: String, defaults: true, arrays: true });
  const Client = grpc.loadPackageDefinition(def).mls_client.MLSClient;
  const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return new Proxy(
    {},
    {
      get: (_, name) => (req = {}) =>
        new Promise((resolve, reject) => client[name](req, { deadline: Date.now() + 120_000 }, (e, r) => (e ? reject(e) : resolve(r)))),
    },
  );
}

// A small driver that keeps, like the test runner, one state id per actor.
class Script {
  constructor(rpc, suite, encrypt) {
    Object.assign(this, { rpc, suite, encrypt, state: {}, tx: {} });
  }
  async keyPackage(actor) {
    const r = await this.rpc.CreateKeyPackage({ cipher_suite: this.suite, identity: b(actor) });
    this.tx[actor] = r.transaction_id;
    return r.key_package;
  }
  async createGroup(actor, groupId = `group-${this.suite}-${this.encrypt}-${Math.random()}`) {
    this.groupId = b(groupId);
    const r = await this.rpc.CreateGroup({ group_id: this.groupId, cipher_suite: this.suite, encrypt_handshake: this.encrypt, identity: b(actor) });
    this.state[actor] = r.state_id;
  }
  // Commit + HandlePendingCommit + HandleCommit by `members` + JoinGroup by `joiners`.
  async fullCommit(actor, { byReference = [], byValue = [], members = [], joiners = [], forcePath = false, externalTree = false }) {
    const c = await this.rpc.Commit({ state_id: this.state[actor], by_reference: byReference, by_value: byValue, force_path: forcePath, external_tree: externalTree });
    const p = await this.rpc.HandlePendingCommit({ state_id: this.state[actor] });
    this.state[actor] = p.state_id;
    for (const m of members) {
      const r = await this.rpc.HandleCommit({ state_id: this.state[m], proposal: byReference, commit: c.commit });
      check(hex(r.epoch_authenticator) === hex(p.epoch_authenticator), `${m} agrees on the epoch authenticator`);
      this.state[m] = r.state_id;
    }
    for (const j of joiners) {
      const r = await this.rpc.JoinGroup({
        transaction_id: this.tx[j],
        welcome: c.welcome,
        encrypt_handshake: this.encrypt,
        identity: b(j),
        ratchet_tree: externalTree ? c.ratchet_tree : Buffer.alloc(0),
      });
      check(hex(r.epoch_authenticator) === hex(p.epoch_authenticator), `${j} agrees on the epoch authenticator`);
      this.state[j] = r.state_id;
    }
    return c;
  }
  async add(actor, joiners, opts = {}) {
    const byValue = [];
    for (const j of joiners) byValue.push({ proposal_type: b("add"), key_package: await this.keyPackage(j) });
    return this.fullCommit(actor, { byValue, joiners, ...opts });
  }
  // Every member protects a message that every other member unprotects; all state_auth and
  // exported secrets agree.
  async verify(actors) {
    const auth = new Set();
    const exported = new Set();
    for (const a of actors) {
      auth.add(hex((await this.rpc.StateAuth({ state_id: this.state[a] })).state_auth_secret));
      exported.add(hex((await this.rpc.Export({ state_id: this.state[a], label: "selftest", context: b("ctx"), key_length: 32 })).exported_secret));
    }
    check(auth.size === 1, `state_auth equal for ${actors.join(", ")}`);
    check(exported.size === 1, `exported secret equal for ${actors.join(", ")}`);
    for (const from of actors) {
      const plaintext = b(`hello from ${from}`);
      const aad = b(`aad ${from}`);
      const { ciphertext } = await this.rpc.Protect({ state_id: this.state[from], authenticated_data: aad, plaintext });
      for (const to of actors) {
        if (to === from) continue;
        const r = await this.rpc.Unprotect({ state_id: this.state[to], ciphertext });
        check(r.plaintext.equals(plaintext) && r.authenticated_data.equals(aad), `${to} unprotects ${from}'s message`);
      }
    }
  }
  async free() {
    for (const id of Object.values(this.state)) await this.rpc.Free({ state_id: id });
  }
}

async function expectStatus(promise, code, what) {
  try {
    await promise;
  } catch (e) {
    check(e.code === code, `${what}: status ${grpc.status[code]}, got ${grpc.status[e.code]} (${e.details})`);
    return e.details;
  }
  throw new Error(`check failed: ${what}: expected status ${grpc.status[code]}, got OK`);
}

const scenarios = {
  // The brief's scenario: create, key package, add + commit, join, protect/unprotect both ways,
  // state_auth equal, an update commit handled by the other side.
  async basic(s) {
    await s.createGroup("alice");
    const kp = await s.keyPackage("bob");
    await s.fullCommit("alice", { byValue: [{ proposal_type: b("add"), key_package: kp }], joiners: ["bob"] });
    await s.verify(["alice", "bob"]);
    await s.fullCommit("alice", { members: ["bob"] }); // empty commit = update with a path
    await s.verify(["alice", "bob"]);
    await s.fullCommit("bob", { members: ["alice"] });
    await s.verify(["alice", "bob"]);
  },

  async updateProposal(s) {
    await s.createGroup("alice");
    await s.add("alice", ["bob", "charlie"]);
    const { proposal } = await s.rpc.UpdateProposal({ state_id: s.state.bob });
    await s.fullCommit("alice", { byReference: [proposal], members: ["bob", "charlie"] });
    await s.verify(["alice", "bob", "charlie"]);
    await s.fullCommit("charlie", { members: ["alice", "bob"] });
    await s.verify(["alice", "bob", "charlie"]);
  },

  async addAndRemoveByReference(s) {
    await s.createGroup("alice");
    await s.add("alice", ["bob"]);
    const kp1 = await s.keyPackage("charlie1");
    const kp2 = await s.keyPackage("charlie2");
    const p1 = (await s.rpc.AddProposal({ state_id: s.state.alice, key_package: kp1 })).proposal;
    const p2 = (await s.rpc.AddProposal({ state_id: s.state.bob, key_package: kp2 })).proposal;
    await s.fullCommit("alice", { byReference: [p1, p2], members: ["bob"], joiners: ["charlie1", "charlie2"] });
    const r1 = (await s.rpc.RemoveProposal({ state_id: s.state.bob, removed_id: b("charlie1") })).proposal;
    await s.fullCommit("alice", {
      byReference: [r1],
      byValue: [{ proposal_type: b("remove"), removed_id: b("charlie2") }],
      members: ["bob"],
    });
    delete s.state.charlie1;
    delete s.state.charlie2;
    await s.verify(["alice", "bob"]);
  },

  async externalTreeAndOutOfOrder(s) {
    await s.createGroup("alice");
    await s.add("alice", ["bob"], { externalTree: true });
    const c1 = (await s.rpc.Protect({ state_id: s.state.alice, authenticated_data: b("1"), plaintext: b("one") })).ciphertext;
    const c2 = (await s.rpc.Protect({ state_id: s.state.alice, authenticated_data: b("2"), plaintext: b("two") })).ciphertext;
    await s.fullCommit("alice", { members: ["bob"] });
    const c3 = (await s.rpc.Protect({ state_id: s.state.alice, authenticated_data: b("3"), plaintext: b("three") })).ciphertext;
    for (const [c, want] of [
      [c3, "three"],
      [c2, "two"],
      [c1, "one"],
    ]) {
      const r = await s.rpc.Unprotect({ state_id: s.state.bob, ciphertext: c });
      check(r.plaintext.toString() === want, `bob reads "${want}" out of order across epochs`);
    }
  },

  async externalJoin(s) {
    await s.createGroup("alice");
    await s.add("alice", ["bob"]);
    for (const [externalTree, removePrior] of [
      [false, false],
      [true, false],
      [false, true],
    ]) {
      const gi = await s.rpc.GroupInfo({ state_id: s.state.alice, external_tree: externalTree });
      const j = await s.rpc.ExternalJoin({
        group_info: gi.group_info,
        ratchet_tree: gi.ratchet_tree,
        encrypt_handshake: s.encrypt,
        identity: b("diana"),
        remove_prior: removePrior,
      });
      for (const m of ["alice", "bob"]) {
        const r = await s.rpc.HandleCommit({ state_id: s.state[m], commit: j.commit });
        check(hex(r.epoch_authenticator) === hex(j.epoch_authenticator), `${m} accepts diana's external commit`);
      }
      if (s.state.diana !== undefined && !removePrior) {
        const r = await s.rpc.HandleCommit({ state_id: s.state.diana, commit: j.commit });
        check(hex(r.epoch_authenticator) === hex(j.epoch_authenticator), `old diana accepts the external commit`);
      }
      if (s.state.diana !== undefined) await s.rpc.Free({ state_id: s.state.diana });
      s.state.diana = j.state_id;
    }
    await s.verify(["alice", "bob", "diana"]);
  },

  async psks(s) {
    await s.createGroup("alice");
    const kp = await s.keyPackage("bob");
    const pskId = b("psk-id");
    const pskSecret = Buffer.alloc(32, 7);
    await s.rpc.StorePSK({ state_or_transaction_id: s.state.alice, psk_id: pskId, psk_secret: pskSecret });
    await s.rpc.StorePSK({ state_or_transaction_id: s.tx.bob, psk_id: pskId, psk_secret: pskSecret });
    const add = (await s.rpc.AddProposal({ state_id: s.state.alice, key_package: kp })).proposal;
    const psk = (await s.rpc.ExternalPSKProposal({ state_id: s.state.alice, psk_id: pskId })).proposal;
    await s.fullCommit("alice", { byReference: [add, psk], joiners: ["bob"] });
    const res = (await s.rpc.ResumptionPSKProposal({ state_id: s.state.bob, epoch_id: "1" })).proposal;
    await s.fullCommit("alice", { byReference: [res], members: ["bob"] });
    await s.fullCommit("bob", { byValue: [{ proposal_type: b("externalPSK"), psk_id: pskId }], members: ["alice"] });
    await s.verify(["alice", "bob"]);
  },

  // Only required_capabilities: ts-mls rejects the RFC encoding of external_senders (see README).
  async groupContextExtensions(s) {
    await s.createGroup("alice");
    await s.add("alice", ["bob"]);
    const extensions = [{ extension_type: 3, extension_data: Buffer.from("AAAA", "base64") }];
    const p = (await s.rpc.GroupContextExtensionsProposal({ state_id: s.state.alice, extensions })).proposal;
    await s.fullCommit("alice", { byReference: [p], members: ["bob"] });
    await s.fullCommit("bob", { byValue: [{ proposal_type: b("groupContextExtensions"), extensions }], members: ["alice"] });
    await s.verify(["alice", "bob"]);
  },

  async newMemberAddProposal(s) {
    await s.createGroup("alice");
    const gi = await s.rpc.GroupInfo({ state_id: s.state.alice });
    const p = await s.rpc.NewMemberAddProposal({ group_info: gi.group_info, identity: b("bob") });
    s.tx.bob = p.transaction_id;
    await s.fullCommit("alice", { byReference: [p.proposal], joiners: ["bob"] });
    await s.verify(["alice", "bob"]);
  },

  async reinit(s) {
    await s.createGroup("alice");
    await s.add("alice", ["bob", "charlie"]);
    const newSuite = s.suite === 1 ? 3 : 1;
    const proposal = (await s.rpc.ReInitProposal({ state_id: s.state.alice, cipher_suite: newSuite, group_id: Buffer.concat([s.groupId, b("++")]) })).proposal;
    const c = await s.rpc.ReInitCommit({ state_id: s.state.bob, by_reference: [proposal] });
    const pending = await s.rpc.HandlePendingReInitCommit({ state_id: s.state.bob });
    const reinit = { bob: pending };
    for (const m of ["alice", "charlie"]) {
      const r = await s.rpc.HandleReInitCommit({ state_id: s.state[m], proposal: [proposal], commit: c.commit });
      check(hex(r.epoch_authenticator) === hex(pending.epoch_authenticator), `${m} agrees on the ReInit epoch`);
      reinit[m] = r;
    }
    const w = await s.rpc.ReInitWelcome({ reinit_id: reinit.charlie.reinit_id, key_package: [reinit.alice.key_package, reinit.bob.key_package] });
    const old = { ...s.state };
    s.state.charlie = w.state_id;
    for (const m of ["alice", "bob"]) {
      const r = await s.rpc.HandleReInitWelcome({ reinit_id: reinit[m].reinit_id, welcome: w.welcome });
      check(hex(r.epoch_authenticator) === hex(w.epoch_authenticator), `${m} joins the reinitialized group`);
      s.state[m] = r.state_id;
    }
    for (const id of Object.values(old)) await s.rpc.Free({ state_id: id });
    await s.verify(["alice", "bob", "charlie"]);
  },

  async branch(s) {
    await s.createGroup("alice");
    await s.add("alice", ["bob", "charlie"]);
    const kps = [];
    const tx = {};
    for (const m of ["bob", "charlie"]) {
      const r = await s.rpc.CreateKeyPackage({ cipher_suite: s.suite, identity: b(m) });
      kps.push(r.key_package);
      tx[m] = r.transaction_id;
    }
    const br = await s.rpc.CreateBranch({ state_id: s.state.alice, group_id: b(`branch-${Math.random()}`), key_packages: kps, external_tree: true });
    const old = { ...s.state };
    s.state.alice = br.state_id;
    for (const m of ["bob", "charlie"]) {
      const r = await s.rpc.HandleBranch({ state_id: old[m], transaction_id: tx[m], welcome: br.welcome, ratchet_tree: br.ratchet_tree });
      check(hex(r.epoch_authenticator) === hex(br.epoch_authenticator), `${m} joins the branch`);
      s.state[m] = r.state_id;
    }
    for (const id of Object.values(old)) await s.rpc.Free({ state_id: id });
    await s.verify(["alice", "bob", "charlie"]);
  },

  // ts-mls cannot create or join a group whose external_senders extension has the RFC 9420
  // encoding (see README), so the GroupInfo of an ordinary group is given such an extension here
  // (its signature then no longer verifies, which ExternalSignerProposal does not check), and the
  // proposal is checked for its framing: PublicMessage, sender external with the right index.
  async externalSignerProposal(s) {
    await s.createGroup("alice");
    await s.add("alice", ["bob"]);
    const other = await s.rpc.CreateExternalSigner({ cipher_suite: s.suite, identity: b("other") });
    const ds = await s.rpc.CreateExternalSigner({ cipher_suite: s.suite, identity: b("ds") });
    const senders = Buffer.concat([other.external_sender, ds.external_sender]);
    const length = Buffer.from([0x40 | (senders.length >> 8), senders.length & 0xff]); // 2-byte varint (RFC 9420 §2.1.2)
    const gi = await s.rpc.GroupInfo({ state_id: s.state.alice, external_tree: true });
    const info = decodeMlsMessage(u8(gi.group_info), 0)[0];
    info.groupInfo.groupContext.extensions.push({ extensionType: "external_senders", extensionData: u8(Buffer.concat([length, senders])) });
    const r = await s.rpc.ExternalSignerProposal({
      signer_id: ds.signer_id,
      group_info: Buffer.from(encodeMlsMessage(info)),
      ratchet_tree: gi.ratchet_tree,
      description: { proposal_type: b("remove"), removed_id: b("bob") },
    });
    const m = decodeMlsMessage(u8(r.proposal), 0)[0];
    check(m.wireformat === "mls_public_message", "external proposal is a PublicMessage");
    const { sender, contentType, proposal, epoch } = m.publicMessage.content;
    check(sender.senderType === "external" && sender.senderIndex === 1, `sender is external #1, got ${JSON.stringify(sender)}`);
    check(epoch === info.groupInfo.groupContext.epoch, "proposal is for the GroupInfo's epoch");
    check(contentType === "proposal" && proposal.proposalType === "remove" && proposal.remove.removed === 1, "proposal removes leaf 1");
  },

  async unsupported(s) {
    await s.createGroup("alice");
    const kp = await s.keyPackage("bob");
    await expectStatus(
      s.rpc.Commit({ state_id: s.state.alice, by_value: [{ proposal_type: b("add"), key_package: kp }], force_path: true }),
      grpc.status.UNIMPLEMENTED,
      "force_path on an Add-only commit",
    );
    const signer = await s.rpc.CreateExternalSigner({ cipher_suite: s.suite, identity: b("ds") });
    await expectStatus(
      s.rpc.AddExternalSigner({ state_id: s.state.alice, external_sender: signer.external_sender }),
      grpc.status.UNIMPLEMENTED,
      "AddExternalSigner",
    );
    const gi = await s.rpc.GroupInfo({ state_id: s.state.alice });
    await expectStatus(
      s.rpc.ExternalJoin({ group_info: gi.group_info, identity: b("eve"), psks: [{ psk_id: b("x"), psk_secret: b("y") }] }),
      grpc.status.UNIMPLEMENTED,
      "ExternalJoin with PSKs",
    );
    await expectStatus(s.rpc.StateAuth({ state_id: 4_000_000_000 }), grpc.status.NOT_FOUND, "unknown state id");
  },
};

async function main() {
  const args = process.argv.slice(2);
  const portArg = args.indexOf("--port");
  let child = null;
  let port;
  if (portArg >= 0) port = Number(args[portArg + 1]);
  else ({ child, port } = await startChild());
  try {
    const rpc = connect(port);
    const { name } = await rpc.Name();
    const { ciphersuites } = await rpc.SupportedCiphersuites();
    console.log(`server: ${name}, ciphersuites [${ciphersuites.join(", ")}], port ${port}`);
    for (const suite of ciphersuites) {
      for (const encrypt of [true, false]) {
        for (const [name, run] of Object.entries(scenarios)) {
          const s = new Script(rpc, suite, encrypt);
          const label = `suite ${suite}, ${encrypt ? "private" : "public"} handshake: ${name}`;
          try {
            await run(s);
            await s.free();
            passed++;
            console.log(`ok   ${label}`);
          } catch (e) {
            failed++;
            console.log(`FAIL ${label}: ${e.details ?? e.message}`);
          }
        }
      }
    }
  } finally {
    if (child !== null) child.kill();
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

await main();
