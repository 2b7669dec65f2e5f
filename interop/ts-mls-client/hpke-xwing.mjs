// HPKE with X-Wing as ts-mls runs it for suite 0x0054 (@hpke/core's CipherSuite with
// @hpke/hybridkem-x-wing's XWing, HKDF-SHA512 and @hpke/chacha20poly1305), for Courier's
// independent check (tests/Courier.Mls.Tests/Hpke/XWingHpkeNodeTests.cs). One operation per run,
// hex in the arguments, one JSON object on stdout:
//   node hpke-xwing.mjs derive <ikm>                          -> {"pk"}
//   node hpke-xwing.mjs seal <pk> <info> <aad> <pt> [<eseed>] -> {"enc","ct","exported"}
//   node hpke-xwing.mjs open <ikm> <enc> <info> <aad> <ct>    -> {"pt","exported"} or {"error"}
// "exported" is Export("courier", 64) of the context; <eseed> fixes the 64 bytes of encapsulation
// randomness (X-Wing's ML-KEM message, then its ephemeral X25519 key).
import { CipherSuite, HkdfSha512 } from "@hpke/core";
import { Chacha20Poly1305 } from "@hpke/chacha20poly1305";
import { XWing } from "@hpke/hybridkem-x-wing";

const hex = (s) => Uint8Array.from(Buffer.from(s, "hex"));
const toHex = (b) => Buffer.from(new Uint8Array(b)).toString("hex");
const exporterContext = new TextEncoder().encode("courier");

const kem = new XWing();
const suite = new CipherSuite({ kem, kdf: new HkdfSha512(), aead: new Chacha20Poly1305() });
const [op, ...args] = process.argv.slice(2);

async function keyPair(ikm) {
  return kem.deriveKeyPair(hex(ikm).buffer);
}

switch (op) {
  case "derive": {
    const pair = await keyPair(args[0]);
    console.log(JSON.stringify({ pk: toHex(await kem.serializePublicKey(pair.publicKey)) }));
    break;
  }
  case "seal": {
    const [pk, info, aad, pt, eseed] = args;
    const params = { recipientPublicKey: await kem.deserializePublicKey(hex(pk).buffer), info: hex(info).buffer };
    if (eseed) {
      params.ekm = hex(eseed).buffer;
    }
    const sender = await suite.createSenderContext(params);
    const ct = await sender.seal(hex(pt).buffer, hex(aad).buffer);
    const exported = await sender.export(exporterContext, 64);
    console.log(JSON.stringify({ enc: toHex(sender.enc), ct: toHex(ct), exported: toHex(exported) }));
    break;
  }
  case "open": {
    const [ikm, enc, info, aad, ct] = args;
    const pair = await keyPair(ikm);
    try {
      const recipient = await suite.createRecipientContext({ recipientKey: pair, enc: hex(enc).buffer, info: hex(info).buffer });
      const pt = await recipient.open(hex(ct).buffer, hex(aad).buffer);
      const exported = await recipient.export(exporterContext, 64);
      console.log(JSON.stringify({ pt: toHex(pt), exported: toHex(exported) }));
    } catch (e) {
      console.log(JSON.stringify({ error: e.name }));
    }
    break;
  }
  default:
    console.error("usage: node hpke-xwing.mjs derive|seal|open ...");
    process.exit(2);
}
