// The MLS working group's interop MLSClient gRPC service (interop/proto/mls_client.proto in
// mlswg/mls-implementations), backed by ts-mls. Ciphersuites 1, 2, 3 and 84 (X-Wing). Listens on 127.0.0.1 only.
// Usage: node server.mjs --port <p> [--ignore-force-path] [--verbose]
//
// Wire conventions (the same as the reference clients): key packages, proposals, commits,
// welcomes, group infos and application ciphertexts are MLSMessage-framed; ratchet_tree is the
// bare TLS-encoded ratchet tree (optional<Node> node<V>); external_sender is a bare ExternalSender.

import grpc from "@grpc/grpc-js";
import protoLoader from "@grpc/proto-loader";
import { fileURLToPath } from "node:url";
import {
  bytesToBase64,
  ciphersuites,
  createApplicationMessage,
  createCommit,
  createGroup,
  createProposal,
  decodeExternalSender,
  decodeMlsMessage,
  defaultCapabilities,
  defaultExtensionTypes,
  defaultLifetime,
  encodeExternalSender,
  encodeMlsMessage,
  generateKeyPackage,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  joinGroup,
  joinGroupExternal,
  joinGroupFromBranch,
  joinGroupFromReinit,
  makePskIndex,
  mlsExporter,
  processPrivateMessage,
  processPublicMessage,
  proposeAddExternal,
} from "ts-mls";
// Modules of ts-mls that its index does not re-export; its package.json exports "./*.js".
import { defaultClientConfig } from "ts-mls/clientConfig.js";
import { encodeRatchetTree, decodeRatchetTree } from "ts-mls/ratchetTree.js";
import { encodeLeafNodeTBS } from "ts-mls/leafNode.js";
import { signWithLabel } from "ts-mls/crypto/signature.js";
import { protectExternalProposalPublic } from "ts-mls/messageProtectionPublic.js";
import { makeResumptionPsk } from "ts-mls/resumption.js";
import { decodeVarLenData, varLenDataEncoder } from "ts-mls/codec/variableLength.js";
import { encode } from "ts-mls/codec/tlsEncoder.js";
import { createGroupInfo } from "ts-mls/createCommit.js";

export const NAME = "ts-mls 1.6.4 (Courier interop wrapper)";
const SUITES = new Map([
  [1, "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519"],
  [2, "MLS_128_DHKEMP256_AES128GCM_SHA256_P256"],
  [3, "MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519"],
  // The post-quantum hybrid suite, with the optional @hpke/hybridkem-x-wing in package.json.
  [84, "MLS_256_XWING_CHACHA20POLY1305_SHA512_Ed25519"],
]);
const PROTO_PATH = fileURLToPath(new URL("../proto/mls_client.proto", import.meta.url));

class RpcError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}
const invalid = (msg) => new RpcError(grpc.status.INVALID_ARGUMENT, msg);
const notFound = (msg) => new RpcError(grpc.status.NOT_FOUND, msg);
const unimplemented = (msg) => new RpcError(grpc.status.UNIMPLEMENTED, msg);

const FORCE_PATH_REASON =
  "force_path is not supported: ts-mls 1.6.4 decides by itself whether a Commit carries an UpdatePath " +
  "(only for an empty Commit or one covering Update or Remove proposals) and has no option to force one";

// ---------------------------------------------------------------------------------------------
// Small helpers

const u8 = (b) => Uint8Array.from(b ?? []);
const out = (b) => Buffer.from(b);
const hex = (b) => Buffer.from(b).toString("hex");
const equalBytes = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
const text = (b) => Buffer.from(b).toString("utf8");

const suiteImpls = new Map();
async function suiteImpl(name) {
  if (!suiteImpls.has(name)) suiteImpls.set(name, withUncompressedP256Keys(name, await getCiphersuiteImpl(getCiphersuiteFromName(name))));
  return suiteImpls.get(name);
}

// ts-mls 1.6.4 makes P-256 signature keys with @noble/curves' default, the 33-byte compressed
// point, where RFC 9420 §5.1.1 asks for the uncompressed point (UncompressedPointRepresentation,
// 65 bytes); its signatures and its verification are unchanged (noble verifies either form).
async function withUncompressedP256Keys(name, cs) {
  if (name !== "MLS_128_DHKEMP256_AES128GCM_SHA256_P256") return cs;
  const { p256 } = await import("@noble/curves/nist.js");
  const keygen = async () => {
    const signKey = p256.utils.randomSecretKey();
    return { signKey, publicKey: p256.getPublicKey(signKey, false) };
  };
  return { ...cs, signature: { ...cs.signature, keygen } };
}
function suiteName(id) {
  const name = SUITES.get(id);
  if (name === undefined) throw invalid(`unsupported ciphersuite ${id}; this client supports ${[...SUITES.keys()].join(", ")}`);
  return name;
}
function suiteIdOf(name) {
  const id = ciphersuites[name];
  if (!SUITES.has(id)) throw invalid(`unsupported ciphersuite ${name}`);
  return id;
}

const extensionNames = new Map(Object.entries(defaultExtensionTypes).map(([name, id]) => [id, name]));
const toExtensions = (list) =>
  (list ?? []).map((e) => ({ extensionType: extensionNames.get(e.extension_type) ?? e.extension_type, extensionData: u8(e.extension_data) }));

const basic = (identity) => ({ credentialType: "basic", identity: u8(identity) });

function newKeyPackage(cs, identity) {
  return generateKeyPackage(basic(identity), defaultCapabilities(), defaultLifetime, [], cs);
}

// ts-mls keeps Ed25519 keys made by WebCrypto as PKCS#8; the interop API carries raw keys.
function rawSignatureKey(key) {
  const pkcs8Ed25519 = "302e020100300506032b657004220420";
  return key.length === 48 && hex(key.subarray(0, 16)) === pkcs8Ed25519 ? key.subarray(16) : key;
}

function decodeWhole(decoder, bytes, what) {
  const r = decoder(bytes, 0);
  if (r === undefined || r[1] !== bytes.length) throw invalid(`could not decode ${what}`);
  return r[0];
}

function decodeMessage(bytes, wireformat) {
  const m = decodeWhole(decodeMlsMessage, u8(bytes), "MLSMessage");
  if (wireformat !== undefined && m.wireformat !== wireformat) {
    throw invalid(`expected an MLSMessage with ${wireformat}, got ${m.wireformat}`);
  }
  return m;
}

const encodeMessage = (m) => out(encodeMlsMessage(m));
const welcomeMessage = (welcome) => encodeMessage({ version: "mls10", wireformat: "mls_welcome", welcome });
const keyPackageMessage = (keyPackage) => encodeMessage({ version: "mls10", wireformat: "mls_key_package", keyPackage });
const groupInfoMessage = (groupInfo) => encodeMessage({ version: "mls10", wireformat: "mls_group_info", groupInfo });

function optionalTree(bytes) {
  return bytes !== undefined && bytes.length > 0 ? decodeWhole(decodeRatchetTree, u8(bytes), "ratchet tree") : undefined;
}

function leafIndexOf(tree, identity) {
  const want = u8(identity);
  for (let i = 0; i < tree.length; i += 2) {
    const n = tree[i];
    if (n?.nodeType === "leaf" && n.leaf.credential.credentialType === "basic" && equalBytes(n.leaf.credential.identity, want)) {
      return i / 2;
    }
  }
  throw invalid(`no member with identity "${text(identity)}"`);
}

// Whether ts-mls will put an UpdatePath in a Commit covering these proposals (its rule, which
// differs from RFC 9420 §12.4 by omitting GroupContextExtensions).
function tsMlsAddsPath(proposals) {
  return proposals.length === 0 || proposals.some((p) => p.proposalType === "update" || p.proposalType === "remove");
}

// ---------------------------------------------------------------------------------------------
// Stores. One id space for all kinds, because StorePSK takes either a state or a transaction id.

let lastId = 0;
const newId = () => ++lastId;
const states = new Map(); // state_id -> GroupEntry
const transactions = new Map(); // transaction_id -> { cs, kp, externalPsks }
const reinits = new Map(); // reinit_id -> { kp, suspended, encrypt }
const signers = new Map(); // signer_id -> { cs, signKey, publicKey }

class GroupEntry {
  constructor(state, cs, encrypt, externalPsks = {}) {
    this.state = state;
    this.cs = cs;
    this.encrypt = encrypt;
    this.externalPsks = { ...externalPsks };
    this.pending = null; // { commit: Buffer, state }
    this.resetEpoch();
  }
  resetEpoch() {
    this.proposalRefs = new Map(); // hex(proposal MLSMessage) -> proposal ref keys it added
    this.pendingUpdates = new Map(); // proposal ref key -> { publicKey, privateKey } of an own Update
  }
  pskIndex() {
    return makePskIndex(this.state, this.externalPsks);
  }
  advance(state) {
    this.state = state;
    this.pending = null;
    this.resetEpoch();
  }
}

function entryOf(id) {
  const e = states.get(id);
  if (e === undefined) throw notFound(`unknown state_id ${id}`);
  return e;
}

function storeState(state, cs, encrypt, externalPsks) {
  const id = newId();
  states.set(id, new GroupEntry(state, cs, encrypt, externalPsks));
  return id;
}

const refKeys = (state) => new Set(Object.keys(state.unappliedProposals));
const addedRefs = (before, after) => [...refKeys(after)].filter((k) => !before.has(k));

// Sends one of our own proposals and remembers which proposal refs it produced.
async function sendProposal(entry, proposal) {
  const before = refKeys(entry.state);
  const r = await createProposal(entry.state, !entry.encrypt, proposal, entry.cs);
  entry.state = r.newState;
  const bytes = encodeMlsMessage(r.message);
  const refs = addedRefs(before, r.newState);
  entry.proposalRefs.set(hex(bytes), refs);
  return { bytes: out(bytes), refs };
}

// Processes a handshake MLSMessage (proposal or commit) and returns the new ts-mls state.
async function processHandshake(entry, state, m) {
  if (m.wireformat === "mls_public_message") {
    return (await processPublicMessage(state, m.publicMessage, makePskIndex(state, entry.externalPsks), entry.cs)).newState;
  }
  if (m.wireformat === "mls_private_message") {
    const r = await processPrivateMessage(state, m.privateMessage, makePskIndex(state, entry.externalPsks), entry.cs);
    if (r.kind !== "newState") throw invalid("expected a handshake message, got an application message");
    return r.newState;
  }
  throw invalid(`expected a PublicMessage or PrivateMessage, got ${m.wireformat}`);
}

// Takes in a proposal received by reference (a no-op for proposals we sent or already processed)
// and returns the proposal ref keys it stands for.
async function ingestProposal(entry, bytes) {
  const key = hex(bytes);
  if (entry.proposalRefs.has(key)) return entry.proposalRefs.get(key);
  const m = decodeMessage(bytes);
  const before = refKeys(entry.state);
  const next = await processHandshake(entry, entry.state, m);
  const refs = addedRefs(before, next);
  if (refs.length === 0) throw invalid("the message is not a proposal");
  entry.state = next;
  entry.proposalRefs.set(key, refs);
  return refs;
}

// Processes a Commit by another member. ts-mls does not keep the private key of a leaf that it
// proposed in an Update, so when we have one pending we first try with it installed (needed if
// the Commit covers our Update and the path secret is encrypted to our new leaf key).
async function processCommit(entry, commitBytes) {
  const m = decodeMessage(commitBytes);
  const leafNodeIndex = 2 * entry.state.privatePath.leafIndex;
  for (const update of entry.pendingUpdates.values()) {
    const patched = {
      ...entry.state,
      privatePath: {
        ...entry.state.privatePath,
        privateKeys: { ...entry.state.privatePath.privateKeys, [leafNodeIndex]: update.privateKey },
      },
    };
    let next;
    try {
      next = await processHandshake(entry, patched, m);
    } catch {
      continue;
    }
    const leaf = next.ratchetTree[leafNodeIndex];
    if (leaf?.nodeType === "leaf" && equalBytes(leaf.leaf.hpkePublicKey, update.publicKey)) return next;
    // The Commit did not cover our Update: put the old leaf key back.
    const original = entry.state.privatePath.privateKeys[leafNodeIndex];
    return {
      ...next,
      privatePath: { ...next.privatePath, privateKeys: { ...next.privatePath.privateKeys, [leafNodeIndex]: original } },
    };
  }
  return processHandshake(entry, entry.state, m);
}

// Builds a Proposal from a ProposalDescription.
async function proposalFromDescription(d, { cs, groupId, tree }) {
  const type = text(d.proposal_type);
  switch (type) {
    case "add":
      return { proposalType: "add", add: { keyPackage: decodeMessage(d.key_package, "mls_key_package").keyPackage } };
    case "remove":
      return { proposalType: "remove", remove: { removed: leafIndexOf(tree, d.removed_id) } };
    case "externalPSK":
      return externalPsk(cs, d.psk_id);
    case "resumptionPSK":
      return resumptionPsk(cs, groupId, d.epoch_id);
    case "groupContextExtensions":
      return { proposalType: "group_context_extensions", groupContextExtensions: { extensions: toExtensions(d.extensions) } };
    case "reinit":
      return reinitProposal(d.group_id, d.cipher_suite, d.extensions);
    default:
      throw invalid(`unknown proposal type "${type}"`);
  }
}

const externalPsk = (cs, pskId) => ({
  proposalType: "psk",
  psk: { preSharedKeyId: { psktype: "external", pskId: u8(pskId), pskNonce: cs.rng.randomBytes(cs.kdf.size) } },
});

const resumptionPsk = (cs, groupId, epoch) => ({
  proposalType: "psk",
  psk: {
    preSharedKeyId: {
      psktype: "resumption",
      usage: "application",
      pskGroupId: groupId,
      pskEpoch: BigInt(epoch),
      pskNonce: cs.rng.randomBytes(cs.kdf.size),
    },
  },
});

const reinitProposal = (groupId, suiteId, extensions) => ({
  proposalType: "reinit",
  reinit: { groupId: u8(groupId), version: "mls10", cipherSuite: suiteName(suiteId), extensions: toExtensions(extensions) },
});

// A new group whose first Commit adds `keyPackages` and carries a resumption PSK of `from`
// (RFC 9420 §11.2 and §11.3). ts-mls's own reinitCreateNewGroup/branchGroup do this too, but take
// no ratchet_tree or extension options.
async function createResumedGroup({ from, usage, cs, groupId, extensions, keyPackages, externalTree, forcePath, encrypt, identity, ownKeyPackage }) {
  const own = ownKeyPackage ?? (await newKeyPackage(cs, identity));
  const group = await createGroup(u8(groupId), own.publicPackage, own.privatePackage, extensions, cs);
  const psk = makeResumptionPsk(from, usage, cs);
  const proposals = [
    ...keyPackages.map((b) => ({ proposalType: "add", add: { keyPackage: decodeMessage(b, "mls_key_package").keyPackage } })),
    { proposalType: "psk", psk: { preSharedKeyId: psk.id } },
  ];
  if (forcePath && !tsMlsAddsPath(proposals) && !options.ignoreForcePath) throw unimplemented(FORCE_PATH_REASON);
  const r = await createCommit(
    { state: group, cipherSuite: cs, pskIndex: makePskIndex(from, {}) },
    { extraProposals: proposals, ratchetTreeExtension: !externalTree, wireAsPublicMessage: !encrypt },
  );
  return {
    state_id: storeState(r.newState, cs, encrypt),
    welcome: welcomeMessage(r.welcome),
    ratchet_tree: externalTree ? out(encodeRatchetTree(r.newState.ratchetTree)) : Buffer.alloc(0),
    epoch_authenticator: out(r.newState.keySchedule.epochAuthenticator),
  };
}

function ownIdentity(state) {
  const leaf = state.ratchetTree[2 * state.privatePath.leafIndex];
  if (leaf?.nodeType !== "leaf" || leaf.leaf.credential.credentialType !== "basic") throw invalid("own leaf has no basic credential");
  return leaf.leaf.credential.identity;
}

// After a ReInit Commit, the member keeps the suspended state and a KeyPackage for the new group.
async function storeReinit(entry, suspended) {
  if (suspended.groupActiveState.kind !== "suspendedPendingReinit") throw invalid("the Commit did not cover a ReInit proposal");
  const cs = await suiteImpl(suspended.groupActiveState.reinit.cipherSuite);
  const kp = await newKeyPackage(cs, ownIdentity(suspended));
  const id = newId();
  reinits.set(id, { kp, suspended, encrypt: entry.encrypt, cs });
  return {
    reinit_id: id,
    key_package: keyPackageMessage(kp.publicPackage),
    epoch_authenticator: out(suspended.keySchedule.epochAuthenticator),
  };
}

async function commit(req, { reinit }) {
  const entry = entryOf(req.state_id);
  entry.pending = null;
  const chosen = new Set();
  for (const b of req.by_reference) for (const k of await ingestProposal(entry, b)) chosen.add(k);
  const byValue = [];
  for (const d of req.by_value) {
    byValue.push(await proposalFromDescription(d, { cs: entry.cs, groupId: entry.state.groupContext.groupId, tree: entry.state.ratchetTree }));
  }
  // ts-mls commits every proposal it holds; keep only those the caller named.
  const unapplied = Object.fromEntries(Object.entries(entry.state.unappliedProposals).filter(([k]) => chosen.has(k)));
  const covered = [...Object.values(unapplied).map((p) => p.proposal), ...byValue];
  if (req.force_path && !tsMlsAddsPath(covered) && !options.ignoreForcePath) throw unimplemented(FORCE_PATH_REASON);
  if (reinit && !covered.some((p) => p.proposalType === "reinit")) throw invalid("ReInitCommit needs a ReInit proposal");
  const r = await createCommit(
    { state: { ...entry.state, unappliedProposals: unapplied }, cipherSuite: entry.cs, pskIndex: entry.pskIndex() },
    { extraProposals: byValue, ratchetTreeExtension: !req.external_tree, wireAsPublicMessage: !entry.encrypt },
  );
  const commitBytes = encodeMessage(r.commit);
  entry.pending = { commit: commitBytes, state: r.newState };
  return {
    commit: commitBytes,
    welcome: r.welcome !== undefined ? welcomeMessage(r.welcome) : Buffer.alloc(0),
    ratchet_tree: req.external_tree ? out(encodeRatchetTree(r.newState.ratchetTree)) : Buffer.alloc(0),
  };
}

function applyPending(entry) {
  if (entry.pending === null) throw invalid("no pending commit");
  entry.advance(entry.pending.state);
}

async function handleCommit(req) {
  const entry = entryOf(req.state_id);
  const commitBytes = u8(req.commit);
  if (entry.pending !== null && equalBytes(entry.pending.commit, commitBytes)) {
    applyPending(entry);
    return entry;
  }
  entry.pending = null;
  for (const b of req.proposal) await ingestProposal(entry, b);
  const next = await processCommit(entry, commitBytes);
  if (next.groupContext.epoch === entry.state.groupContext.epoch && next.groupActiveState.kind !== "removedFromGroup") {
    throw invalid("the message did not advance the epoch");
  }
  entry.advance(next);
  return entry;
}

// ---------------------------------------------------------------------------------------------
// RPCs

const options = { ignoreForcePath: false, verbose: false };

const handlers = {
  async Name() {
    return { name: NAME };
  },

  async SupportedCiphersuites() {
    return { ciphersuites: [...SUITES.keys()] };
  },

  async CreateGroup(req) {
    const cs = await suiteImpl(suiteName(req.cipher_suite));
    const kp = await newKeyPackage(cs, req.identity);
    const state = await createGroup(u8(req.group_id), kp.publicPackage, kp.privatePackage, [], cs);
    return { state_id: storeState(state, cs, req.encrypt_handshake) };
  },

  async CreateKeyPackage(req) {
    const cs = await suiteImpl(suiteName(req.cipher_suite));
    const kp = await newKeyPackage(cs, req.identity);
    const id = newId();
    transactions.set(id, { cs, kp, externalPsks: {} });
    return {
      transaction_id: id,
      key_package: keyPackageMessage(kp.publicPackage),
      init_priv: out(kp.privatePackage.initPrivateKey),
      encryption_priv: out(kp.privatePackage.hpkePrivateKey),
      signature_priv: out(rawSignatureKey(kp.privatePackage.signaturePrivateKey)),
    };
  },

  async JoinGroup(req) {
    const tx = transactions.get(req.transaction_id);
    if (tx === undefined) throw notFound(`unknown transaction_id ${req.transaction_id}`);
    const welcome = decodeMessage(req.welcome, "mls_welcome").welcome;
    const psks = makePskIndex(undefined, tx.externalPsks);
    const state = await joinGroup(welcome, tx.kp.publicPackage, tx.kp.privatePackage, psks, tx.cs, optionalTree(req.ratchet_tree));
    return { state_id: storeState(state, tx.cs, req.encrypt_handshake, tx.externalPsks), epoch_authenticator: out(state.keySchedule.epochAuthenticator) };
  },

  async ExternalJoin(req) {
    if (req.psks.length > 0) {
      throw unimplemented("PSKs in an external join are not supported: ts-mls 1.6.4 joinGroupExternal takes no PSKs");
    }
    const groupInfo = decodeMessage(req.group_info, "mls_group_info").groupInfo;
    suiteIdOf(groupInfo.groupContext.cipherSuite);
    const cs = await suiteImpl(groupInfo.groupContext.cipherSuite);
    const kp = await newKeyPackage(cs, req.identity);
    // remove_prior: ts-mls finds the prior leaf with keyPackageEqualityConfig, by default by
    // signature key; our new KeyPackage has a new key, so match on the basic identity instead.
    const byIdentity = (a, b) =>
      a.credential.credentialType === "basic" && b.credential.credentialType === "basic" && equalBytes(a.credential.identity, b.credential.identity);
    const config = {
      ...defaultClientConfig,
      keyPackageEqualityConfig: {
        compareKeyPackages: (a, b) => byIdentity(a.leafNode, b.leafNode),
        compareKeyPackageToLeafNode: (a, leaf) => byIdentity(a.leafNode, leaf),
      },
    };
    const tree = optionalTree(req.ratchet_tree);
    if (req.remove_prior) leafIndexOf(treeFromGroupInfo(groupInfo) ?? tree ?? [], req.identity);
    const r = await joinGroupExternal(groupInfo, kp.publicPackage, kp.privatePackage, req.remove_prior, cs, tree, config);
    const state = { ...r.newState, clientConfig: defaultClientConfig };
    const commitBytes = encodeMessage({ version: "mls10", wireformat: "mls_public_message", publicMessage: r.publicMessage });
    return { state_id: storeState(state, cs, req.encrypt_handshake), commit: commitBytes, epoch_authenticator: out(state.keySchedule.epochAuthenticator) };
  },

  // ts-mls's createGroupInfoWithExternalPub* write external_pub as the bare key; RFC 9420
  // §12.4.3.2 defines it as `HPKEPublicKey external_pub` (opaque<V>). The same ts-mls steps are
  // taken here with the key in its vector framing, and ts-mls signs the result, so the GroupInfo
  // is the one RFC-conformant peers expect. (ts-mls itself reads only its own framing: an
  // ExternalJoin on this server then fails, see README.)
  async GroupInfo(req) {
    const e = entryOf(req.state_id);
    const externalKeyPair = await e.cs.hpke.deriveKeyPair(e.state.keySchedule.externalSecret);
    const externalPub = await e.cs.hpke.exportPublicKey(externalKeyPair.publicKey);
    const extensions = [{ extensionType: "external_pub", extensionData: encode(varLenDataEncoder)(externalPub) }];
    if (!req.external_tree) extensions.push({ extensionType: "ratchet_tree", extensionData: encodeRatchetTree(e.state.ratchetTree) });
    const gi = await createGroupInfo(e.state.groupContext, e.state.confirmationTag, e.state, extensions, e.cs);
    return {
      group_info: groupInfoMessage(gi),
      ratchet_tree: req.external_tree ? out(encodeRatchetTree(e.state.ratchetTree)) : Buffer.alloc(0),
    };
  },

  async StateAuth(req) {
    return { state_auth_secret: out(entryOf(req.state_id).state.keySchedule.epochAuthenticator) };
  },

  async Export(req) {
    const e = entryOf(req.state_id);
    const secret = await mlsExporter(e.state.keySchedule.exporterSecret, req.label, u8(req.context), req.key_length, e.cs);
    return { exported_secret: out(secret) };
  },

  async Protect(req) {
    const e = entryOf(req.state_id);
    const r = await createApplicationMessage(e.state, u8(req.plaintext), e.cs, u8(req.authenticated_data));
    e.state = r.newState;
    return { ciphertext: encodeMessage({ version: "mls10", wireformat: "mls_private_message", privateMessage: r.privateMessage }) };
  },

  async Unprotect(req) {
    const e = entryOf(req.state_id);
    const pm = decodeMessage(req.ciphertext, "mls_private_message").privateMessage;
    const r = await processPrivateMessage(e.state, pm, e.pskIndex(), e.cs);
    if (r.kind !== "applicationMessage") throw invalid("not an application message");
    e.state = r.newState;
    return { authenticated_data: out(pm.authenticatedData), plaintext: out(r.message) };
  },

  async StorePSK(req) {
    const target = states.get(req.state_or_transaction_id) ?? transactions.get(req.state_or_transaction_id);
    if (target === undefined) throw notFound(`unknown state or transaction id ${req.state_or_transaction_id}`);
    target.externalPsks[bytesToBase64(u8(req.psk_id))] = u8(req.psk_secret);
    return {};
  },

  async AddProposal(req) {
    const e = entryOf(req.state_id);
    const keyPackage = decodeMessage(req.key_package, "mls_key_package").keyPackage;
    return { proposal: (await sendProposal(e, { proposalType: "add", add: { keyPackage } })).bytes };
  },

  // ts-mls 1.6.4 has no Update-proposal constructor; the LeafNode (source "update") is signed
  // here with ts-mls's own encoder and SignWithLabel (RFC 9420 §7.2).
  async UpdateProposal(req) {
    const e = entryOf(req.state_id);
    const s = e.state;
    const leafIndex = s.privatePath.leafIndex;
    const current = s.ratchetTree[2 * leafIndex].leaf;
    const keys = await e.cs.hpke.generateKeyPair();
    const publicKey = await e.cs.hpke.exportPublicKey(keys.publicKey);
    const privateKey = await e.cs.hpke.exportPrivateKey(keys.privateKey);
    const leaf = {
      hpkePublicKey: publicKey,
      signaturePublicKey: current.signaturePublicKey,
      credential: current.credential,
      capabilities: current.capabilities,
      leafNodeSource: "update",
      extensions: current.extensions,
    };
    const tbs = encodeLeafNodeTBS({ ...leaf, groupId: s.groupContext.groupId, leafIndex });
    const signature = await signWithLabel(s.signaturePrivateKey, "LeafNodeTBS", tbs, e.cs.signature);
    const sent = await sendProposal(e, { proposalType: "update", update: { leafNode: { ...leaf, signature } } });
    for (const ref of sent.refs) e.pendingUpdates.set(ref, { publicKey, privateKey });
    return { proposal: sent.bytes };
  },

  async RemoveProposal(req) {
    const e = entryOf(req.state_id);
    const removed = leafIndexOf(e.state.ratchetTree, req.removed_id);
    return { proposal: (await sendProposal(e, { proposalType: "remove", remove: { removed } })).bytes };
  },

  async ExternalPSKProposal(req) {
    const e = entryOf(req.state_id);
    return { proposal: (await sendProposal(e, externalPsk(e.cs, req.psk_id))).bytes };
  },

  async ResumptionPSKProposal(req) {
    const e = entryOf(req.state_id);
    return { proposal: (await sendProposal(e, resumptionPsk(e.cs, e.state.groupContext.groupId, req.epoch_id))).bytes };
  },

  async GroupContextExtensionsProposal(req) {
    const e = entryOf(req.state_id);
    const p = { proposalType: "group_context_extensions", groupContextExtensions: { extensions: toExtensions(req.extensions) } };
    return { proposal: (await sendProposal(e, p)).bytes };
  },

  async Commit(req) {
    return commit(req, { reinit: false });
  },

  async HandleCommit(req) {
    const e = await handleCommit(req);
    return { state_id: req.state_id, epoch_authenticator: out(e.state.keySchedule.epochAuthenticator) };
  },

  async HandlePendingCommit(req) {
    const e = entryOf(req.state_id);
    applyPending(e);
    return { state_id: req.state_id, epoch_authenticator: out(e.state.keySchedule.epochAuthenticator) };
  },

  async ReInitProposal(req) {
    const e = entryOf(req.state_id);
    return { proposal: (await sendProposal(e, reinitProposal(req.group_id, req.cipher_suite, req.extensions))).bytes };
  },

  async ReInitCommit(req) {
    return commit(req, { reinit: true });
  },

  async HandlePendingReInitCommit(req) {
    const e = entryOf(req.state_id);
    applyPending(e);
    return storeReinit(e, e.state);
  },

  async HandleReInitCommit(req) {
    const e = await handleCommit(req);
    return storeReinit(e, e.state);
  },

  async ReInitWelcome(req) {
    const r = reinits.get(req.reinit_id);
    if (r === undefined) throw notFound(`unknown reinit_id ${req.reinit_id}`);
    const { reinit } = r.suspended.groupActiveState;
    const resumed = await createResumedGroupWith(r, reinit, req);
    reinits.delete(req.reinit_id);
    return resumed;
  },

  async HandleReInitWelcome(req) {
    const r = reinits.get(req.reinit_id);
    if (r === undefined) throw notFound(`unknown reinit_id ${req.reinit_id}`);
    const welcome = decodeMessage(req.welcome, "mls_welcome").welcome;
    const state = await joinGroupFromReinit(r.suspended, welcome, r.kp.publicPackage, r.kp.privatePackage, optionalTree(req.ratchet_tree));
    reinits.delete(req.reinit_id);
    return { state_id: storeState(state, r.cs, r.encrypt), epoch_authenticator: out(state.keySchedule.epochAuthenticator) };
  },

  async CreateBranch(req) {
    const e = entryOf(req.state_id);
    return createResumedGroup({
      from: e.state,
      usage: "branch",
      cs: e.cs,
      groupId: req.group_id,
      extensions: toExtensions(req.extensions),
      keyPackages: req.key_packages,
      externalTree: req.external_tree,
      forcePath: req.force_path,
      encrypt: e.encrypt,
      identity: ownIdentity(e.state),
    });
  },

  async HandleBranch(req) {
    const e = entryOf(req.state_id);
    const tx = transactions.get(req.transaction_id);
    if (tx === undefined) throw notFound(`unknown transaction_id ${req.transaction_id}`);
    const welcome = decodeMessage(req.welcome, "mls_welcome").welcome;
    const state = await joinGroupFromBranch(e.state, welcome, tx.kp.publicPackage, tx.kp.privatePackage, optionalTree(req.ratchet_tree), tx.cs);
    return { state_id: storeState(state, tx.cs, e.encrypt, tx.externalPsks), epoch_authenticator: out(state.keySchedule.epochAuthenticator) };
  },

  async NewMemberAddProposal(req) {
    const groupInfo = decodeMessage(req.group_info, "mls_group_info").groupInfo;
    suiteIdOf(groupInfo.groupContext.cipherSuite);
    const cs = await suiteImpl(groupInfo.groupContext.cipherSuite);
    const kp = await newKeyPackage(cs, req.identity);
    const message = await proposeAddExternal(groupInfo, kp.publicPackage, kp.privatePackage, cs);
    const id = newId();
    transactions.set(id, { cs, kp, externalPsks: {} });
    return {
      transaction_id: id,
      proposal: encodeMessage(message),
      init_priv: out(kp.privatePackage.initPrivateKey),
      encryption_priv: out(kp.privatePackage.hpkePrivateKey),
      signature_priv: out(rawSignatureKey(kp.privatePackage.signaturePrivateKey)),
    };
  },

  async CreateExternalSigner(req) {
    const cs = await suiteImpl(suiteName(req.cipher_suite));
    const { signKey, publicKey } = await cs.signature.keygen();
    const id = newId();
    signers.set(id, { cs, signKey, publicKey });
    return { signer_id: id, external_sender: out(encodeExternalSender({ signaturePublicKey: publicKey, credential: basic(req.identity) })) };
  },

  async AddExternalSigner() {
    throw unimplemented(
      "ts-mls 1.6.4 reads the external_senders extension as one ExternalSender per extension instead of the " +
        "ExternalSender vector of RFC 9420 §12.1.8.1, and rejects a GroupContextExtensions proposal carrying the " +
        "RFC encoding; the ts-mls encoding would not be understood by RFC-conformant members",
    );
  },

  // The proposal is signed with ts-mls's own external-proposal framing; the sender index is found
  // in the RFC 9420 external_senders vector (ts-mls's proposeExternal assumes its own encoding).
  async ExternalSignerProposal(req) {
    const signer = signers.get(req.signer_id);
    if (signer === undefined) throw notFound(`unknown signer_id ${req.signer_id}`);
    const groupInfo = decodeMessage(req.group_info, "mls_group_info").groupInfo;
    const ctx = groupInfo.groupContext;
    if (ctx.cipherSuite !== signer.cs.name) throw invalid("the signer's ciphersuite differs from the group's");
    const senderIndex = externalSenderIndex(ctx.extensions, signer.publicKey);
    const tree = optionalTree(req.ratchet_tree) ?? treeFromGroupInfo(groupInfo);
    const proposal = await proposalFromDescription(req.description, { cs: signer.cs, groupId: ctx.groupId, tree });
    const r = await protectExternalProposalPublic(signer.signKey, ctx, new Uint8Array(), proposal, { senderType: "external", senderIndex }, signer.cs);
    return { proposal: encodeMessage({ version: "mls10", wireformat: "mls_public_message", publicMessage: r.publicMessage }) };
  },

  async Free(req) {
    if (!states.delete(req.state_id)) throw notFound(`unknown state_id ${req.state_id}`);
    return {};
  },
};

function createResumedGroupWith(r, reinit, req) {
  return createResumedGroup({
    from: r.suspended,
    usage: "reinit",
    cs: r.cs,
    groupId: reinit.groupId,
    extensions: reinit.extensions,
    keyPackages: req.key_package,
    externalTree: req.external_tree,
    forcePath: req.force_path,
    encrypt: r.encrypt,
    identity: ownIdentity(r.suspended),
    ownKeyPackage: r.kp,
  });
}

function treeFromGroupInfo(groupInfo) {
  const ext = groupInfo.extensions.find((x) => x.extensionType === "ratchet_tree");
  return ext === undefined ? undefined : decodeWhole(decodeRatchetTree, ext.extensionData, "ratchet_tree extension");
}

// Index of our key in the external_senders extension, read as RFC 9420 §12.1.8.1 specifies:
// ExternalSender external_senders<V>.
function externalSenderIndex(extensions, publicKey) {
  const ext = extensions.find((x) => x.extensionType === "external_senders");
  if (ext === undefined) throw invalid("the group has no external_senders extension");
  const vector = decodeWhole(decodeVarLenData, ext.extensionData, "external_senders");
  let offset = 0;
  for (let i = 0; offset < vector.length; i++) {
    const r = decodeExternalSender(vector, offset);
    if (r === undefined) throw invalid("could not decode external_senders");
    if (equalBytes(r[0].signaturePublicKey, publicKey)) return i;
    offset += r[1];
  }
  throw invalid("the signer is not in the group's external_senders");
}

// ---------------------------------------------------------------------------------------------
// gRPC plumbing. Calls run one at a time: every RPC reads and replaces shared state.

let queue = Promise.resolve();
function serialized(name, fn) {
  return (call, callback) => {
    queue = queue.then(async () => {
      try {
        const res = await fn(call.request);
        if (options.verbose) process.stderr.write(`${name}: ok\n`);
        callback(null, res);
      } catch (err) {
        const code = err instanceof RpcError ? err.code : grpc.status.INTERNAL;
        const details = err instanceof RpcError ? err.message : `${err?.constructor?.name ?? "Error"}: ${err?.message ?? err}`;
        if (options.verbose || code === grpc.status.INTERNAL) process.stderr.write(`${name}: ${grpc.status[code]}: ${details}\n`);
        callback({ code, details });
      }
    });
  };
}

export async function startServer(port, opts = {}) {
  Object.assign(options, opts);
  const def = protoLoader.loadSync(PROTO_PATH, { keepCase: true, longs: String, enums: String, defaults: true, arrays: true });
  const proto = grpc.loadPackageDefinition(def).mls_client;
  const service = proto.MLSClient.service;
  const impl = {};
  for (const name of Object.keys(service)) {
    const h = handlers[name];
    impl[name] = serialized(
      name,
      h ?? (async () => {
        throw unimplemented(`${name} is not implemented by this client`);
      }),
    );
  }
  const server = new grpc.Server();
  server.addService(service, impl);
  const bound = await new Promise((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { server, port: bound };
}

function parseArgs(argv) {
  const a = { port: 50051, ignoreForcePath: false, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--port") a.port = Number(argv[++i]);
    else if (argv[i] === "--ignore-force-path") a.ignoreForcePath = true;
    else if (argv[i] === "--verbose") a.verbose = true;
    else throw new Error(`unknown argument ${argv[i]}; usage: node server.mjs --port <p> [--ignore-force-path] [--verbose]`);
  }
  if (!Number.isInteger(a.port) || a.port < 0 || a.port > 65535) throw new Error("--port takes a port number");
  return a;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const a = parseArgs(process.argv.slice(2));
  const { port } = await startServer(a.port, { ignoreForcePath: a.ignoreForcePath, verbose: a.verbose });
  process.stderr.write(`${NAME} listening on 127.0.0.1:${port}\n`);
}
