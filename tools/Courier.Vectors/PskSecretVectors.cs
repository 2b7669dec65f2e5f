using Courier.Mls.Messages;
using System.Text.Json;
using Courier.Mls.Crypto;
using Courier.Mls.KeySchedule;

namespace Courier.Vectors;

/// <summary>psk_secret.json: chaining external PSKs into psk_secret (RFC 9420 §8.4).</summary>
public sealed class PskSecretVectors : VectorFile
{
    /// <inheritdoc/>
    public override string FileName => "psk_secret.json";

    internal override void Check(JsonElement testCase, CipherSuite? suite)
    {
        ArgumentNullException.ThrowIfNull(suite);
        var psks = new List<(PreSharedKeyID Id, Secret Psk)>();
        try
        {
            foreach (var psk in testCase.GetProperty("psks").EnumerateArray())
            {
                psks.Add((PreSharedKeyID.External(Expect.Hex(psk, "psk_id"), Expect.Hex(psk, "psk_nonce")), Secret.Copy(Expect.Hex(psk, "psk"))));
            }

            Expect.Equal(Expect.Hex(testCase, "psk_secret"), PskSecret.Derive(suite, psks), "psk_secret");
        }
        finally
        {
            foreach (var (_, psk) in psks)
            {
                psk.Dispose();
            }
        }
    }
}
