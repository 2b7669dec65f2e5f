using System.Security.Cryptography;
using Courier.Mls.Codec;
using Courier.Mls.Group;
using Courier.Node.Contacts;
using Courier.Node.Wire;
using Courier.Relay.Client;

namespace Courier.Node.Introductions;

/// <summary>
/// An introduction we accepted and answered with our offer, waiting for the other party's offer
/// (vault collection <see cref="Storage.VaultCollection.PendingIntroduction"/>, looked up by the
/// introduction's id). It keeps the verified statement, who sent it, and the fresh identity we
/// offered, so that a restart resumes exactly where it stopped. Holds secrets: dispose it.
/// </summary>
internal sealed class PendingIntroduction : IDisposable
{
    private const ushort Version = 1;

    public required byte[] RecordId { get; init; }

    public required IntroductionStatement Statement { get; init; }

    public required byte[] IntroducerId { get; init; }

    public required string IntroducerName { get; init; }

    public required PairwiseIdentity Ours { get; init; }

    /// <summary>The envelope carrying our sealed offer, appended again (idempotently) until answered.</summary>
    public required byte[] OfferEnvelope { get; init; }

    /// <summary>Our offer's digest, for the pairwise secret.</summary>
    public required byte[] OfferDigest { get; init; }

    public required string Relay { get; init; }

    public static string LookupName(byte[] introductionId) => Convert.ToHexStringLower(introductionId);

    public byte[] Encode()
    {
        var bundles = Ours.Bundles.Select(b => b.Serialize()).ToList();
        try
        {
            using var writer = new RecordWriter(4096);
            writer.U16(Version)
                .Fixed(Statement.Id)
                .U8((byte)Statement.Role)
                .Opaque(Statement.IntroducerKey)
                .Opaque(Statement.RecipientKey)
                .Text(Statement.PeerName)
                .Opaque(Statement.Secret)
                .I64(Statement.ExpiresAt)
                .Opaque(IntroducerId)
                .Text(IntroducerName)
                .Text(Ours.CodeName)
                .Opaque(Ours.SigningSeed)
                .Opaque(Ours.DropName)
                .Opaque(Ours.DropReadSeed)
                .List(bundles)
                .Opaque(OfferEnvelope)
                .Opaque(OfferDigest)
                .Text(Relay);
            return writer.ToArray();
        }
        finally
        {
            bundles.ForEach(b => CryptographicOperations.ZeroMemory(b));
        }
    }

    /// <exception cref="MalformedRecordException">The plaintext is not a pending introduction.</exception>
    public static PendingIntroduction Decode(byte[] recordId, ReadOnlySpan<byte> bytes)
    {
        var reader = new RecordReader(bytes, "pending introduction");
        if (reader.U16() != Version)
        {
            throw reader.Error("its version is unknown");
        }

        var statement = new IntroductionStatement
        {
            Id = reader.Fixed(IntroductionStatement.IdSize).ToArray(),
            Role = reader.U8() switch { 1 => IntroductionRole.First, 2 => IntroductionRole.Second, _ => throw reader.Error("its role is unknown") },
            IntroducerKey = reader.OpaqueExactly(Ed25519.PublicKeySize),
            RecipientKey = reader.OpaqueExactly(Ed25519.PublicKeySize),
            PeerName = reader.Text(CodeNames.MaxBytes),
            Secret = reader.OpaqueExactly(IntroductionStatement.SecretSize),
            ExpiresAt = reader.I64(),
        };
        var introducerId = reader.OpaqueExactly(Storage.Vault.IdSize);
        var introducerName = reader.Text(CodeNames.MaxBytes);
        var codeName = reader.Text(CodeNames.MaxBytes);
        var signingSeed = reader.OpaqueExactly(Ed25519.SeedSize);
        var dropName = reader.OpaqueExactly(ContactOffer.DropNameSize);
        var dropReadSeed = reader.OpaqueExactly(Ed25519.SeedSize);
        var serializedBundles = reader.List(ContactOffer.MaxKeyPackages, 8192);
        var offerEnvelope = reader.Opaque(EnvelopeSizes.Max);
        var offerDigest = reader.OpaqueExactly(32);
        var relay = reader.Text(1024);
        reader.EnsureEnd();

        var bundles = new List<KeyPackageBundle>();
        try
        {
            foreach (var serialized in serializedBundles)
            {
                bundles.Add(KeyPackageBundle.Deserialize(serialized));
                CryptographicOperations.ZeroMemory(serialized);
            }
        }
        catch (DecodeException e)
        {
            bundles.ForEach(b => b.Dispose());
            throw new MalformedRecordException("pending introduction", "a KeyPackage bundle does not decode: " + e.Message);
        }

        return new PendingIntroduction
        {
            RecordId = recordId,
            Statement = statement,
            IntroducerId = introducerId,
            IntroducerName = introducerName,
            Ours = PairwiseIdentity.Restore(codeName, signingSeed, dropName, dropReadSeed, bundles),
            OfferEnvelope = offerEnvelope,
            OfferDigest = offerDigest,
            Relay = relay,
        };
    }

    public void Dispose()
    {
        Ours.Dispose();
        CryptographicOperations.ZeroMemory(Statement.Secret);
    }

    /// <inheritdoc/>
    public override string ToString() => "PendingIntroduction";
}
