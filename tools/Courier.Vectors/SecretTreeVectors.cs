using System.Text.Json;
using Courier.Mls.Crypto;
using Courier.Mls.SecretTree;

namespace Courier.Vectors;

/// <summary>secret-tree.json: sender-data keys (RFC 9420 §6.3.2) and the secret tree's hash ratchets (§9).</summary>
public sealed class SecretTreeVectors : VectorFile
{
    /// <inheritdoc/>
    public override string FileName => "secret-tree.json";

    internal override void Check(JsonElement testCase, CipherSuite? suite)
    {
        ArgumentNullException.ThrowIfNull(suite);
        var senderData = testCase.GetProperty("sender_data");
        using (var senderDataSecret = Secret.Copy(Expect.Hex(senderData, "sender_data_secret")))
        using (var senderDataKey = SenderDataKey.Derive(suite, senderDataSecret, Expect.Hex(senderData, "ciphertext")))
        {
            Expect.Equal(Expect.Hex(senderData, "key"), senderDataKey.Key.Span, "sender_data key");
            Expect.Equal(Expect.Hex(senderData, "nonce"), senderDataKey.Nonce.Span, "sender_data nonce");
        }

        var leaves = testCase.GetProperty("leaves");
        using var encryptionSecret = Secret.Copy(Expect.Hex(testCase, "encryption_secret"));
        using var tree = new EncryptionSecretTree(suite, encryptionSecret, (uint)leaves.GetArrayLength());
        var leaf = 0u;
        foreach (var generations in leaves.EnumerateArray())
        {
            foreach (var g in generations.EnumerateArray())
            {
                var generation = Expect.UInt32(g, "generation");
                using (var handshake = tree.GetReceiveKey(leaf, RatchetType.Handshake, generation))
                {
                    Expect.Equal(Expect.Hex(g, "handshake_key"), handshake.Key.Span, $"leaf {leaf} generation {generation} handshake_key");
                    Expect.Equal(Expect.Hex(g, "handshake_nonce"), handshake.Nonce.Span, $"leaf {leaf} generation {generation} handshake_nonce");
                }

                using (var application = tree.GetReceiveKey(leaf, RatchetType.Application, generation))
                {
                    Expect.Equal(Expect.Hex(g, "application_key"), application.Key.Span, $"leaf {leaf} generation {generation} application_key");
                    Expect.Equal(Expect.Hex(g, "application_nonce"), application.Nonce.Span, $"leaf {leaf} generation {generation} application_nonce");
                }
            }

            leaf++;
        }
    }
}
