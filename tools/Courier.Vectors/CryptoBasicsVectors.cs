using System.Text.Json;
using Courier.Mls.Crypto;
using Courier.Mls.Hpke;

namespace Courier.Vectors;

/// <summary>
/// crypto-basics.json: RefHash (RFC 9420 §5.2), ExpandWithLabel, DeriveSecret (§8), DeriveTreeSecret (§9),
/// SignWithLabel (§5.1.2) and EncryptWithLabel (§5.1.3).
/// </summary>
public sealed class CryptoBasicsVectors : VectorFile
{
    /// <inheritdoc/>
    public override string FileName => "crypto-basics.json";

    internal override void Check(JsonElement testCase, CipherSuite? suite)
    {
        ArgumentNullException.ThrowIfNull(suite);
        CheckRefHash(testCase.GetProperty("ref_hash"), suite);
        CheckExpandWithLabel(testCase.GetProperty("expand_with_label"), suite);
        CheckDeriveSecret(testCase.GetProperty("derive_secret"), suite);
        CheckDeriveTreeSecret(testCase.GetProperty("derive_tree_secret"), suite);
        CheckSignWithLabel(testCase.GetProperty("sign_with_label"), suite);
        CheckEncryptWithLabel(testCase.GetProperty("encrypt_with_label"), suite);
    }

    private static void CheckRefHash(JsonElement v, CipherSuite suite)
        => Expect.Equal(Expect.Hex(v, "out"), suite.RefHash(Expect.String(v, "label"), Expect.Hex(v, "value")).AsSpan(), "ref_hash.out");

    private static void CheckExpandWithLabel(JsonElement v, CipherSuite suite)
        => Expect.Equal(
            Expect.Hex(v, "out"),
            suite.ExpandWithLabel(Expect.Hex(v, "secret"), Expect.String(v, "label"), Expect.Hex(v, "context"), (int)Expect.UInt32(v, "length")),
            "expand_with_label.out");

    private static void CheckDeriveSecret(JsonElement v, CipherSuite suite)
        => Expect.Equal(Expect.Hex(v, "out"), suite.DeriveSecret(Expect.Hex(v, "secret"), Expect.String(v, "label")), "derive_secret.out");

    private static void CheckDeriveTreeSecret(JsonElement v, CipherSuite suite)
        => Expect.Equal(
            Expect.Hex(v, "out"),
            suite.DeriveTreeSecret(Expect.Hex(v, "secret"), Expect.String(v, "label"), Expect.UInt32(v, "generation"), (int)Expect.UInt32(v, "length")),
            "derive_tree_secret.out");

    private static void CheckSignWithLabel(JsonElement v, CipherSuite suite)
    {
        var publicKey = Expect.Hex(v, "pub");
        var label = Expect.String(v, "label");
        var content = Expect.Hex(v, "content");
        Expect.True(suite.VerifyWithLabel(publicKey, label, content, Expect.Hex(v, "signature")), "sign_with_label: the given signature does not verify");

        using var privateKey = SignaturePrivateKey.Import(Expect.Hex(v, "priv"), suite.Id);
        Expect.Equal(publicKey, privateKey.PublicKey.AsSpan(), "sign_with_label.pub");
        var fresh = suite.SignWithLabel(privateKey, label, content);
        Expect.True(suite.VerifyWithLabel(publicKey, label, content, fresh), "sign_with_label: a fresh signature does not verify");
    }

    private static void CheckEncryptWithLabel(JsonElement v, CipherSuite suite)
    {
        var publicKey = Expect.Hex(v, "pub");
        var label = Expect.String(v, "label");
        var context = Expect.Hex(v, "context");
        var plaintext = Expect.Hex(v, "plaintext");

        using var privateKey = HpkePrivateKey.Import(Expect.Hex(v, "priv"), suite.Id);
        Expect.Equal(publicKey, privateKey.PublicKey.AsSpan(), "encrypt_with_label.pub");

        var given = suite.DecryptWithLabel(privateKey, label, context, Expect.Hex(v, "kem_output"), Expect.Hex(v, "ciphertext"));
        Expect.True(given is not null, "encrypt_with_label: the given ciphertext does not decrypt");
        Expect.Equal(plaintext, given.AsSpan(), "encrypt_with_label: decrypted plaintext");

        var (kemOutput, ciphertext) = suite.EncryptWithLabel(publicKey, label, context, plaintext, SystemRandom.Instance);
        var fresh = suite.DecryptWithLabel(privateKey, label, context, kemOutput, ciphertext);
        Expect.True(fresh is not null, "encrypt_with_label: a fresh ciphertext does not decrypt");
        Expect.Equal(plaintext, fresh.AsSpan(), "encrypt_with_label: fresh round trip");
    }
}
