// The MLS working group's interop MLSClient gRPC service backed by OpenMLS, through Wire's
// core-crypto 10.3.0 (wasm build, see core-crypto.mjs). Listens on 127.0.0.1 only.
// Usage: node server.mjs --port <p> [--verbose]
//
// core-crypto exposes conversations, not every MLS operation: what it cannot do is answered with
// UNIMPLEMENTED and a message starting "core-crypto 10.3.0", listed in ../peer-limitations.json.
// Every identity (per ciphersuite) is one core-crypto instance with its own in-memory database,
// kept for the life of the server: making one costs about 100 ms of CPU, and runs reuse actors.
// Wire conventions as in ../ts-mls-client/server.mjs: messages are MLSMessage-framed.

import grpc from "@grpc/grpc-js";
import protoLoader from "@grpc/proto-loader";
import { fileURLToPath } from "node:url";
import { loadCoreCrypto } from "./core-crypto.mjs";
import { authenticatedData, commitHasPath, frame, unframe, WIRE_FORMAT } from "./framing.mjs";

export const NAME = "OpenMLS (Wire core-crypto 10.3.0 wasm, Courier interop wrapper)";
const SUITES = [1, 3]; // the suites run and passed here; core-crypto also has 2, 5 and 7
const PROTO_PATH = fileURLToPath(new URL("../proto/mls_client.proto", import.meta.url));
const cc = await loadCoreCrypto();

class RpcError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}
const invalid = (msg) => new RpcError(grpc.status.INVALID_ARGUMENT, msg);
const notFound = (msg) => new RpcError(grpc.status.NOT_FOUND, msg);
// A case core-crypto's API does not offer: the runner's limitations file matches these messages.
const limitation = (msg) => new RpcError(grpc.status.UNIMPLEMENTED, `core-crypto 10.3.0 ${msg}`);

const out = (b) => Buffer.from(b);
const equalBytes = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
const NO_EPOCH_AUTHENTICATOR = Buffer.alloc(0); // core-crypto does not expose it (see README)

// core-crypto takes only client ids "<uuid>:<device id in hex>@<domain>" (ClientId::new) and
// rejects groups whose members' basic identities have any other form.
const CLIENT_ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):([0-9a-f]{1,16})@(.+)$/s;
function clientId(identity) {
  const m = CLIENT_ID.exec(Buffer.from(identity).toString("utf8"));
  const id = m && new cc.ClientId(new cc.Uuid(m[1]), new cc.DeviceId(BigInt(`0x${m[2]}`)), m[3]);
  if (!id || !equalBytes(id.copyBytes(), Uint8Array.from(identity))) {
    throw limitation("takes only basic-credential identities of the form <uuid>:<hex device id>@<domain> (run the runner with --client-id-identities)");
  }
  return id;
}

function suiteOf(id) {
  if (!SUITES.includes(id)) throw invalid(`unsupported ciphersuite ${id}; this client supports ${SUITES.join(", ")}`);
  return cc.cipherSuiteFromU16(id);
}

// The handshake wire-format policy is not part of core-crypto's API: conversations send and
// accept handshake messages as PublicMessages only.
function requirePublicHandshake(encrypt) {
  if (encrypt) throw limitation("has no encrypted handshake: its conversations send and accept handshake messages as PublicMessages only");
}

// ---------------------------------------------------------------------------------------------
// Clients and states. One id counter for states and transactions (StorePSK takes either).

let lastId = 0;
const newId = () => ++lastId;
const states = new Map(); // state_id -> { client, conversation, groupInfo: { epoch, bytes } | null }
const transactions = new Map(); // transaction_id -> client (the KeyPackage's keys stay in it)
const clients = new Map(); // "<suite>/<identity hex>" -> Promise of a client

// The core-crypto instance of `identity` for `suite`, made on first use.
function clientFor(identity, suiteId) {
  const key = `${suiteId}/${Buffer.from(identity).toString("hex")}`;
  if (!clients.has(key)) {
    const made = newClient(identity, suiteId);
    made.catch(() => clients.delete(key));
    clients.set(key, made);
  }
  return clients.get(key);
}

// A core-crypto instance with its own in-memory database, initialised for `identity`, with a
// basic credential for `suite`. Commits it makes are kept in `sent` (the "delivery service").
async function newClient(identity, suiteId) {
  const id = clientId(identity);
  const suite = suiteOf(suiteId);
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
  return { instance, credential, sent, tx: (fn) => instance.transaction(fn) };
}

function stateOf(id) {
  const s = states.get(id);
  if (s === undefined) throw notFound(`unknown state_id ${id}`);
  return s;
}

function storeState(client, conversation) {
  const id = newId();
  states.set(id, { client, conversation, groupInfo: null });
  return id;
}

// Runs an operation that makes a Commit and returns the CommitBundle core-crypto handed to the
// transport. core-crypto merges its own Commit as soon as the transport accepts it.
async function committed(state, operation) {
  const before = state.client.sent.length;
  await state.client.tx(operation);
  if (state.client.sent.length !== before + 1) throw invalid("core-crypto made no Commit");
  const bundle = state.client.sent.pop();
  const epoch = await state.client.tx((ctx) => ctx.conversationEpoch(state.conversation));
  state.groupInfo = { epoch, bytes: bundle.groupInfo.payload };
  return bundle;
}

async function memberId(state, identity) {
  const ids = await state.client.tx((ctx) => ctx.getClientIds(state.conversation));
  const id = ids.find((x) => equalBytes(x.copyBytes(), Uint8Array.from(identity)));
  if (id === undefined) throw invalid(`no member with identity "${Buffer.from(identity).toString("utf8")}"`);
  return id;
}

async function processMessage(state, bytes) {
  return state.client.tx((ctx) => ctx.decryptMessage(state.conversation, Uint8Array.from(bytes)));
}

// The Commit of a CommitRequest, from the one core-crypto operation that makes it.
async function commitFor(state, req) {
  const byValue = req.by_value ?? [];
  const byReference = req.by_reference ?? [];
  const types = new Set(byValue.map((d) => Buffer.from(d.proposal_type).toString("utf8")));
  if (byReference.length > 0) {
    if (byValue.length > 0) throw limitation("has no Commit of proposals by reference and by value together");
    for (const p of byReference) {
      if ((await processMessage(state, p)).tag !== "Proposal") throw invalid("a by-reference message is not a proposal");
    }
    return committed(state, (ctx) => ctx.commitPendingProposals(state.conversation));
  }
  if (byValue.length === 0) return committed(state, (ctx) => ctx.updateKeyingMaterial(state.conversation));
  if (types.size === 1 && types.has("add")) {
    const keyPackages = byValue.map((d) => new cc.KeyPackage(unframe(d.key_package, WIRE_FORMAT.keyPackage, "KeyPackage")));
    return committed(state, (ctx) => ctx.addClientsToConversation(state.conversation, keyPackages));
  }
  if (types.size === 1 && types.has("remove")) {
    const ids = [];
    for (const d of byValue) ids.push(await memberId(state, d.removed_id));
    return committed(state, (ctx) => ctx.removeClientsFromConversation(state.conversation, ids));
  }
  throw limitation(`has no Commit of ${[...types].join(" + ")} by value: only of Adds (addClientsToConversation) or of Removes (removeClientsFromConversation)`);
}

// ---------------------------------------------------------------------------------------------
// The RPCs

const handlers = {
  async Name() {
    return { name: NAME };
  },

  async SupportedCiphersuites() {
    return { ciphersuites: SUITES };
  },

  async CreateGroup(req) {
    requirePublicHandshake(req.encrypt_handshake);
    const client = await clientFor(req.identity, req.cipher_suite);
    const conversation = new cc.ConversationId(Uint8Array.from(req.group_id));
    await client.tx((ctx) => ctx.createConversation(conversation, client.credential));
    return { state_id: storeState(client, conversation) };
  },

  // The private keys stay inside core-crypto, so init_priv, encryption_priv and signature_priv are empty.
  async CreateKeyPackage(req) {
    const client = await clientFor(req.identity, req.cipher_suite);
    const keyPackage = await client.tx((ctx) => ctx.generateKeyPackage(client.credential));
    const id = newId();
    transactions.set(id, client);
    return { transaction_id: id, key_package: frame(WIRE_FORMAT.keyPackage, keyPackage.serialize()) };
  },

  async JoinGroup(req) {
    requirePublicHandshake(req.encrypt_handshake);
    if (req.ratchet_tree?.length > 0) throw limitation("has no external ratchet tree: it joins only from a Welcome whose GroupInfo carries the ratchet_tree extension");
    const client = transactions.get(req.transaction_id);
    if (client === undefined) throw notFound(`unknown transaction_id ${req.transaction_id}`);
    const conversation = await client.tx((ctx) => ctx.processWelcomeMessage(new cc.Welcome(Uint8Array.from(req.welcome))));
    transactions.delete(req.transaction_id);
    return { state_id: storeState(client, conversation), epoch_authenticator: NO_EPOCH_AUTHENTICATOR };
  },

  async ExternalJoin(req) {
    requirePublicHandshake(req.encrypt_handshake);
    if (req.ratchet_tree?.length > 0) throw limitation("has no external ratchet tree: it joins externally only from a GroupInfo that carries the ratchet_tree extension");
    if (req.remove_prior) throw limitation("has no external join that removes the joiner's prior leaf");
    if (req.psks?.length > 0) throw limitation("has no pre-shared keys: its external join takes none");
    const groupInfo = new cc.GroupInfo(unframe(req.group_info, WIRE_FORMAT.groupInfo, "GroupInfo"));
    // The suite of the credential must be the group's; read from the GroupInfo's GroupContext.
    const suite = Buffer.from(unframe(req.group_info, WIRE_FORMAT.groupInfo, "GroupInfo")).readUInt16BE(2);
    const client = await clientFor(req.identity, suite);
    const conversation = await client.tx((ctx) => ctx.joinByExternalCommit(groupInfo, client.credential));
    const bundle = client.sent.pop();
    if (bundle === undefined) throw invalid("core-crypto made no external Commit");
    const id = storeState(client, conversation);
    return { state_id: id, commit: out(bundle.commit), epoch_authenticator: NO_EPOCH_AUTHENTICATOR };
  },

  // core-crypto hands out a GroupInfo only with the Commits it makes: the one of this member's
  // last Commit, while the group is still in that epoch.
  async GroupInfo(req) {
    const s = stateOf(req.state_id);
    if (req.external_tree) throw limitation("has no external ratchet tree: it puts the tree in every GroupInfo");
    const epoch = await s.client.tx((ctx) => ctx.conversationEpoch(s.conversation));
    if (s.groupInfo === null || s.groupInfo.epoch !== epoch) {
      throw limitation("gives a GroupInfo only with its own Commit, and this member made none in the current epoch");
    }
    return { group_info: out(s.groupInfo.bytes), ratchet_tree: Buffer.alloc(0) };
  },

  async StateAuth() {
    throw limitation("does not expose the epoch authenticator");
  },

  // core-crypto's only exporter is MLS-Exporter("exporter", "", length) (RFC 9420 §8.5).
  async Export(req) {
    const s = stateOf(req.state_id);
    if (req.label !== "exporter" || req.context?.length > 0) throw limitation('exports only with the label "exporter" and an empty context');
    const secret = await s.client.tx((ctx) => ctx.exportSecretKey(s.conversation, req.key_length));
    return { exported_secret: out(secret.copyBytes()) };
  },

  async Protect(req) {
    const s = stateOf(req.state_id);
    if (req.authenticated_data?.length > 0) throw limitation("has no authenticated data: its application messages carry none");
    const ciphertext = await s.client.tx((ctx) => ctx.encryptMessage(s.conversation, Uint8Array.from(req.plaintext)));
    return { ciphertext: out(ciphertext) };
  },

  // core-crypto returns the plaintext only; the authenticated data it has just verified (it is
  // part of the AEAD's additional data, RFC 9420 §6.3.1) is read from the message's framing.
  async Unprotect(req) {
    const s = stateOf(req.state_id);
    const m = await processMessage(s, req.ciphertext);
    if (m.tag !== "Text") throw invalid("not an application message");
    return { authenticated_data: out(authenticatedData(req.ciphertext)), plaintext: out(m.inner.plaintext) };
  },

  async Commit(req) {
    const s = stateOf(req.state_id);
    if (req.external_tree) throw limitation("has no external ratchet tree: it puts the tree in every Welcome");
    const bundle = await commitFor(s, req);
    if (req.force_path && !commitHasPath(bundle.commit)) throw limitation("has no forced UpdatePath: it chose a Commit without one");
    return { commit: out(bundle.commit), welcome: bundle.welcome ? out(bundle.welcome.serialize()) : Buffer.alloc(0), ratchet_tree: Buffer.alloc(0) };
  },

  async HandleCommit(req) {
    const s = stateOf(req.state_id);
    for (const p of req.proposal ?? []) {
      if ((await processMessage(s, p)).tag !== "Proposal") throw invalid("a by-reference message is not a proposal");
    }
    const epoch = await s.client.tx((ctx) => ctx.conversationEpoch(s.conversation));
    if ((await processMessage(s, req.commit)).tag !== "Commit") throw invalid("the message is not a Commit");
    // core-crypto may answer without applying the Commit (a buffered or ignored one): not handled.
    if ((await s.client.tx((ctx) => ctx.conversationEpoch(s.conversation))) === epoch) throw invalid("core-crypto did not apply the Commit");
    return { state_id: req.state_id, epoch_authenticator: NO_EPOCH_AUTHENTICATOR };
  },

  // The Commit was merged when core-crypto made it (see `committed`).
  async HandlePendingCommit(req) {
    stateOf(req.state_id);
    return { state_id: req.state_id, epoch_authenticator: NO_EPOCH_AUTHENTICATOR };
  },

  // The conversation goes; the client stays for the identity's next run.
  async Free(req) {
    const s = stateOf(req.state_id);
    states.delete(req.state_id);
    if (await s.client.tx((ctx) => ctx.conversationExists(s.conversation))) {
      await s.client.tx((ctx) => ctx.wipeConversation(s.conversation));
    }
    return {};
  },
};

// Everything else of the service: proposals, PSKs, ReInit, branches, external senders.
const UNSUPPORTED = {
  StorePSK: "has no pre-shared keys in its API",
  AddProposal: "makes no proposals: it commits Adds at once (addClientsToConversation)",
  UpdateProposal: "makes no proposals: it commits updates at once (updateKeyingMaterial)",
  RemoveProposal: "makes no proposals: it commits Removes at once (removeClientsFromConversation)",
  ExternalPSKProposal: "makes no proposals (and has no pre-shared keys)",
  ResumptionPSKProposal: "makes no proposals (and has no pre-shared keys)",
  GroupContextExtensionsProposal: "makes no proposals",
  ReInitProposal: "has no ReInit",
  ReInitCommit: "has no ReInit",
  HandlePendingReInitCommit: "has no ReInit",
  HandleReInitCommit: "has no ReInit",
  ReInitWelcome: "has no ReInit",
  HandleReInitWelcome: "has no ReInit",
  CreateBranch: "has no branches (subgroups from a resumption PSK)",
  HandleBranch: "has no branches (subgroups from a resumption PSK)",
  NewMemberAddProposal: "makes no proposals",
  CreateExternalSigner: "has no external signer",
  AddExternalSigner: "makes no proposals",
  ExternalSignerProposal: "has no external signer",
};

// ---------------------------------------------------------------------------------------------
// gRPC. Calls run one at a time: every RPC reads and replaces shared state.

let queue = Promise.resolve();
function serialized(name, fn, verbose) {
  return (call, callback) => {
    queue = queue.then(async () => {
      try {
        const res = await fn(call.request);
        if (verbose) process.stderr.write(`${name}: ok\n`);
        callback(null, res);
      } catch (err) {
        const code = err instanceof RpcError ? err.code : grpc.status.INTERNAL;
        const details = err instanceof RpcError ? err.message : coreCryptoError(err);
        if (verbose || code === grpc.status.INTERNAL) process.stderr.write(`${name}: ${grpc.status[code]}: ${details}\n`);
        callback({ code, details });
      }
    });
  };
}

// "CoreCryptoError.Mls/MlsError.Other: <OpenMLS's message>": core-crypto nests its errors, each
// with a type name and a tag, the innermost sometimes with a message.
function coreCryptoError(err) {
  const typeName = Symbol.for("typeName");
  const parts = [];
  for (let e = err, depth = 0; e && typeof e === "object" && depth < 6; depth++) {
    if (e[typeName] && e.tag) parts.push(`${e[typeName]}.${e.tag}`);
    const msg = e.inner?.msg ?? e.inner?.message;
    if (typeof msg === "string") return `${parts.join("/")}: ${msg}`;
    e = e.inner && Object.values(e.inner).find((v) => v && typeof v === "object" && v[typeName]);
  }
  return parts.length > 0 ? parts.join("/") : `${err?.constructor?.name ?? "Error"}: ${err?.message ?? err}`;
}

export async function startServer(port, { verbose = false } = {}) {
  const def = protoLoader.loadSync(PROTO_PATH, { keepCase: true, longs: Number, enums: String, defaults: true, arrays: true });
  const service = grpc.loadPackageDefinition(def).mls_client.MLSClient.service;
  const impl = {};
  for (const name of Object.keys(service)) {
    const reason = UNSUPPORTED[name] ?? "does not offer this operation";
    const h =
      handlers[name] ??
      (async () => {
        throw limitation(reason);
      });
    impl[name] = serialized(name, h, verbose);
  }
  const server = new grpc.Server();
  server.addService(service, impl);
  const bound = await new Promise((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { server, port: bound };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  let port = 50052;
  let verbose = false;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--port") port = Number(args[++i]);
    else if (args[i] === "--verbose") verbose = true;
    else throw new Error(`unknown argument ${args[i]}; usage: node server.mjs --port <p> [--verbose]`);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error("--port takes a port number");
  const { port: bound } = await startServer(port, { verbose });
  process.stderr.write(`${NAME} listening on 127.0.0.1:${bound}\n`);
}
