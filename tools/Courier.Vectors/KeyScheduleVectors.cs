using System.Text.Json;
using Courier.Mls.Crypto;
using Courier.Mls.KeySchedule;
using Courier.Mls.Messages;

namespace Courier.Vectors;

/// <summary>key-schedule.json: the epoch-by-epoch key schedule and the exporter (RFC 9420 §8, §8.5).</summary>
public sealed class KeyScheduleVectors : VectorFile
{
    /// <inheritdoc/>
    public override string FileName => "key-schedule.json";

    internal override void Check(JsonElement testCase, CipherSuite? suite)
    {
        ArgumentNullException.ThrowIfNull(suite);
        var groupId = Expect.Hex(testCase, "group_id");
        var initSecret = Secret.Copy(Expect.Hex(testCase, "initial_init_secret"));
        try
        {
            var epoch = 0UL;
            foreach (var e in testCase.GetProperty("epochs").EnumerateArray())
            {
                var context = new GroupContext(
                    (ushort)suite.Id, groupId, epoch, Expect.Hex(e, "tree_hash"), Expect.Hex(e, "confirmed_transcript_hash"), []);
                Expect.Equal(Expect.Hex(e, "group_context"), context.ToBytes().AsSpan(), $"epoch {epoch} group_context");

                using var commitSecret = Secret.Copy(Expect.Hex(e, "commit_secret"));
                // psk_secret may be absent: the key schedule then uses the all-zero psk_secret_[0].
                var pskBytes = Expect.OptionalHex(e, "psk_secret");
                using var pskSecret = pskBytes is null ? null : Secret.Copy(pskBytes);
                using var secrets = EpochSecrets.FromInitSecret(suite, initSecret, commitSecret, pskSecret, context);
                initSecret.Dispose();

                Check(e, "joiner_secret", secrets.JoinerSecret, epoch);
                Check(e, "welcome_secret", secrets.WelcomeSecret, epoch);
                Check(e, "init_secret", secrets.InitSecret, epoch);
                Check(e, "sender_data_secret", secrets.SenderDataSecret, epoch);
                Check(e, "encryption_secret", secrets.EncryptionSecret, epoch);
                Check(e, "exporter_secret", secrets.ExporterSecret, epoch);
                Check(e, "epoch_authenticator", secrets.EpochAuthenticator, epoch);
                Check(e, "external_secret", secrets.ExternalSecret, epoch);
                Check(e, "confirmation_key", secrets.ConfirmationKey, epoch);
                Check(e, "membership_key", secrets.MembershipKey, epoch);
                Check(e, "resumption_psk", secrets.ResumptionPsk, epoch);

                using (var externalKey = suite.DeriveKeyPair(secrets.ExternalSecret.Span))
                {
                    Expect.Equal(Expect.Hex(e, "external_pub"), externalKey.PublicKey, $"epoch {epoch} external_pub");
                }

                var exporter = e.GetProperty("exporter");
                Expect.Equal(
                    Expect.Hex(exporter, "secret"),
                    secrets.Export(Expect.String(exporter, "label"), Expect.Hex(exporter, "context"), (int)Expect.UInt32(exporter, "length")),
                    $"epoch {epoch} exporter.secret");

                // The joiner's path from joiner_secret (Welcome processing) must agree.
                using var joined = EpochSecrets.FromJoinerSecret(suite, secrets.JoinerSecret, pskSecret, context);
                Check(e, "welcome_secret", joined.WelcomeSecret, epoch);
                Check(e, "epoch_authenticator", joined.EpochAuthenticator, epoch);
                Check(e, "init_secret", joined.InitSecret, epoch);
                Expect.Equal(Expect.Hex(e, "welcome_secret"), EpochSecrets.DeriveWelcomeSecret(suite, secrets.JoinerSecret, pskSecret), $"epoch {epoch} welcome_secret from joiner_secret");

                initSecret = secrets.InitSecret.Clone();
                epoch++;
            }
        }
        finally
        {
            initSecret.Dispose();
        }
    }

    private static void Check(JsonElement e, string name, Secret actual, ulong epoch)
        => Expect.Equal(Expect.Hex(e, name), actual.Span, $"epoch {epoch} {name}");
}
