using System.Security.Cryptography;
using Courier.Node.Contacts;
using Courier.Node.Wire;

namespace Courier.Node.Introductions;

/// <summary>
/// "The bearer of this note can be fully trusted": what an introducer signs for each of the two
/// parties it introduces (docs/node.md, "Introductions"), with its pairwise key for that party.
/// <code>
/// u16 version = 1 | id (16) | u8 role | introducer_key (32) | recipient_key (32) | peer_name
/// | secret (32) | i64 expires_at | signature (64) over "courier introduction v1" || everything before it
/// </code>
/// The two keys bind it to one relationship: the recipient accepts it only when introducer_key is the
/// key it knows the sender by and recipient_key is its own key for the sender, so it cannot be
/// replayed to anyone else. The secret is shared by the two statements of one introduction; the
/// parties use it to exchange fresh contact offers through two dead drops only they can read.
/// </summary>
internal sealed class IntroductionStatement
{
    public const ushort Version = 1;
    public const int IdSize = 16;
    public const int SecretSize = 32;

    public required byte[] Id { get; init; }

    public required IntroductionRole Role { get; init; }

    public required byte[] IntroducerKey { get; init; }

    public required byte[] RecipientKey { get; init; }

    public required string PeerName { get; init; }

    public required byte[] Secret { get; init; }

    public required long ExpiresAt { get; init; }

    public byte[] Signature { get; private init; } = [];

    /// <summary>Signs the statement with the introducer's pairwise seed for the recipient and encodes it.</summary>
    public byte[] SignAndEncode(ReadOnlySpan<byte> introducerSeed)
    {
        using var writer = new RecordWriter(256);
        WriteFields(writer);
        writer.Opaque(Ed25519.Sign(introducerSeed, SignedContent()));
        return writer.ToArray();
    }

    /// <summary>
    /// Decodes a statement that arrived from <paramref name="introducer"/> and checks it: the keys
    /// must be those of this relationship and the signature must verify. Returns null with the
    /// reason when it does not.
    /// </summary>
    public static IntroductionStatement? DecodeAndVerify(ReadOnlySpan<byte> bytes, ContactRecord introducer, out string? rejection)
    {
        IntroductionStatement statement;
        try
        {
            var reader = new RecordReader(bytes, "introduction");
            if (reader.U16() != Version)
            {
                throw reader.Error("its version is unknown");
            }

            statement = new IntroductionStatement
            {
                Id = reader.Fixed(IdSize).ToArray(),
                Role = reader.U8() switch { 1 => IntroductionRole.First, 2 => IntroductionRole.Second, _ => throw reader.Error("its role is unknown") },
                IntroducerKey = reader.OpaqueExactly(Ed25519.PublicKeySize),
                RecipientKey = reader.OpaqueExactly(Ed25519.PublicKeySize),
                PeerName = reader.Text(CodeNames.MaxBytes),
                Secret = reader.OpaqueExactly(SecretSize),
                ExpiresAt = reader.I64(),
                Signature = reader.OpaqueExactly(Ed25519.SignatureSize),
            };
            reader.EnsureEnd();
        }
        catch (MalformedRecordException e)
        {
            rejection = e.Message;
            return null;
        }

        if (!CryptographicOperations.FixedTimeEquals(statement.IntroducerKey, introducer.TheirSigningKey)
            || !CryptographicOperations.FixedTimeEquals(statement.RecipientKey, introducer.OurSigningKey))
        {
            rejection = "it names keys that are not those of this relationship";
            return null;
        }

        if (!Ed25519.Verify(introducer.TheirSigningKey, statement.SignedContent(), statement.Signature))
        {
            rejection = "its signature does not verify";
            return null;
        }

        if (!CodeNames.IsValid(statement.PeerName))
        {
            rejection = "the name it gives is not valid";
            return null;
        }

        rejection = null;
        return statement;
    }

    private byte[] SignedContent()
    {
        using var writer = new RecordWriter(256);
        writer.Fixed("courier introduction v1"u8);
        WriteFields(writer);
        return writer.ToArray();
    }

    private void WriteFields(RecordWriter writer)
        => writer.U16(Version)
            .Fixed(Id)
            .U8((byte)Role)
            .Opaque(IntroducerKey)
            .Opaque(RecipientKey)
            .Text(PeerName)
            .Opaque(Secret)
            .I64(ExpiresAt);

    /// <inheritdoc/>
    public override string ToString() => "IntroductionStatement";
}
