using System.Security.Cryptography;
using Courier.Node.Wire;

namespace Courier.Node.Contacts;

/// <summary>
/// One contact as the vault stores it (sealed; see <see cref="Storage.Vault"/>): their code name,
/// pairwise public key, drop and KeyPackages; our code name, pairwise signing seed, drop with its
/// read key and cursor, and KeyPackage bundles for them; the secret of the pairwise control channel,
/// which side of it we are, and its sequence numbers both ways; who introduced them. Holds secrets: dispose it.
/// Version 1 (before sequence numbers) is read with none sent or received yet.
/// </summary>
internal sealed class ContactRecord : IDisposable
{
    private const ushort Version = 2;

    public required byte[] Id { get; init; }

    public required string TheirCodeName { get; init; }

    public required string OurCodeName { get; init; }

    public required byte[] TheirSigningKey { get; init; }

    public required byte[] OurSigningSeed { get; init; }

    /// <summary>The 32-byte secret the pairwise channel's keys come from (<see cref="Introductions.PairwiseChannel"/>).</summary>
    public required byte[] PairwiseSecret { get; init; }

    /// <summary>True when we were the inviter (or the first party of an introduction): it decides which channel key is ours.</summary>
    public required bool WeAreFirst { get; init; }

    public required byte[] TheirDrop { get; init; }

    public required byte[] OurDrop { get; init; }

    public required byte[] OurDropReadSeed { get; init; }

    /// <summary>The sequence number of the last envelope of our drop that was processed.</summary>
    public long OurDropCursor { get; set; }

    /// <summary>The sequence number of the last pairwise message we sealed for them (<see cref="Introductions.PairwiseChannel"/>).</summary>
    public long LastSent { get; set; }

    /// <summary>The sequence numbers of their pairwise messages we processed.</summary>
    public ReplayWindow Received { get; set; } = ReplayWindow.Empty;

    public required IReadOnlyList<byte[]> TheirKeyPackages { get; set; }

    /// <summary>Our KeyPackage bundles for this contact, serialized with their private keys.</summary>
    public required IReadOnlyList<byte[]> OurBundles { get; set; }

    public byte[]? IntroducedBy { get; init; }

    public string IntroducedByName { get; init; } = string.Empty;

    public string IntroducedAs { get; init; } = string.Empty;

    public required long AddedAt { get; init; }

    public required string Relay { get; init; }

    public byte[] OurSigningKey => Ed25519.PublicKeyOf(OurSigningSeed);

    /// <summary>The name the vault indexes a contact under (its code name, case-folded).</summary>
    public static string LookupName(string codeName) => codeName.ToLowerInvariant();

    public byte[] Encode()
    {
        using var writer = new RecordWriter(2048);
        writer.U16(Version)
            .Text(TheirCodeName)
            .Text(OurCodeName)
            .Opaque(TheirSigningKey)
            .Opaque(OurSigningSeed)
            .Opaque(PairwiseSecret)
            .U8(WeAreFirst ? (byte)1 : (byte)0)
            .Opaque(TheirDrop)
            .Opaque(OurDrop)
            .Opaque(OurDropReadSeed)
            .I64(OurDropCursor)
            .I64(LastSent)
            .I64(Received.Highest)
            .U64(Received.Seen)
            .List(TheirKeyPackages.ToList())
            .List(OurBundles.ToList())
            .Opaque(IntroducedBy ?? [])
            .Text(IntroducedByName)
            .Text(IntroducedAs)
            .I64(AddedAt)
            .Text(Relay);
        return writer.ToArray();
    }

    /// <exception cref="MalformedRecordException">The plaintext is not a contact record.</exception>
    public static ContactRecord Decode(byte[] id, ReadOnlySpan<byte> bytes)
    {
        var reader = new RecordReader(bytes, "contact record");
        var version = reader.U16();
        if (version is not (1 or Version))
        {
            throw reader.Error("its version is unknown");
        }

        var record = new ContactRecord
        {
            Id = id,
            TheirCodeName = reader.Text(CodeNames.MaxBytes),
            OurCodeName = reader.Text(CodeNames.MaxBytes),
            TheirSigningKey = reader.OpaqueExactly(Ed25519.PublicKeySize),
            OurSigningSeed = Pinned(reader.OpaqueExactly(Ed25519.SeedSize)),
            PairwiseSecret = Pinned(reader.OpaqueExactly(32)),
            WeAreFirst = reader.U8() switch { 0 => false, 1 => true, _ => throw reader.Error("its role is unknown") },
            TheirDrop = reader.OpaqueExactly(ContactOffer.DropNameSize),
            OurDrop = reader.OpaqueExactly(ContactOffer.DropNameSize),
            OurDropReadSeed = Pinned(reader.OpaqueExactly(Ed25519.SeedSize)),
            OurDropCursor = reader.I64(),
            LastSent = version == 1 ? 0 : reader.I64(),
            Received = version == 1 ? ReplayWindow.Empty : new ReplayWindow(reader.I64(), reader.U64()),
            TheirKeyPackages = reader.List(ContactOffer.MaxKeyPackages, ContactOffer.MaxKeyPackageSize),
            OurBundles = reader.List(ContactOffer.MaxKeyPackages, 8192),
            IntroducedBy = NullIfEmpty(reader.Opaque(Storage.Vault.IdSize)),
            IntroducedByName = reader.Text(CodeNames.MaxBytes),
            IntroducedAs = reader.Text(CodeNames.MaxBytes),
            AddedAt = reader.I64(),
            Relay = reader.Text(1024),
        };
        reader.EnsureEnd();
        if (record.LastSent < 0 || record.Received.Highest < 0)
        {
            record.Dispose();
            throw reader.Error("a sequence number is negative");
        }

        return record;
    }

    /// <summary>The public view.</summary>
    public Contact ToContact() => new(
        Convert.ToHexStringLower(Id),
        TheirCodeName,
        OurCodeName,
        Contact.FingerprintOf(OurSigningKey, TheirSigningKey),
        IntroducedBy is null ? null : Convert.ToHexStringLower(IntroducedBy),
        IntroducedBy is null ? null : IntroducedByName,
        IntroducedBy is null ? null : IntroducedAs,
        DateTimeOffset.FromUnixTimeSeconds(AddedAt),
        Relay);

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(OurSigningSeed);
        CryptographicOperations.ZeroMemory(PairwiseSecret);
        CryptographicOperations.ZeroMemory(OurDropReadSeed);
        foreach (var bundle in OurBundles)
        {
            CryptographicOperations.ZeroMemory(bundle);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => "ContactRecord";

    private static byte[]? NullIfEmpty(byte[] bytes) => bytes.Length == 0 ? null : bytes.Length == Storage.Vault.IdSize ? bytes : throw new MalformedRecordException("contact record", "its introducer id has the wrong length");

    private static byte[] Pinned(byte[] bytes)
    {
        var pinned = GC.AllocateArray<byte>(bytes.Length, pinned: true);
        bytes.CopyTo(pinned, 0);
        CryptographicOperations.ZeroMemory(bytes);
        return pinned;
    }
}
