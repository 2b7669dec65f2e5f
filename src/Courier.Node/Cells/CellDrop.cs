using System.Security.Cryptography;
using Courier.Mls.Group;
using Courier.Node.Wire;
using Courier.Relay.Client;
using NSec.Cryptography;

namespace Courier.Node.Cells;

/// <summary>
/// The dead drop of a cell's epoch, from the MLS exporter (RFC 9420 §8.5): a name, a read key, an
/// append key (the relay refuses appends it did not sign) and the key that seals its envelopes
/// (<see cref="SealedEnvelope"/>), which only the epoch's members can compute and which change with
/// every commit. Every member derives the same keys, so a signature says "a member", never which.
/// </summary>
internal sealed class CellDrop : IDisposable
{
    private const string DropLabel = "courier cell drop";
    private const string ReadKeyLabel = "courier cell drop read key";
    private const string EnvelopeKeyLabel = "courier cell envelope key";
    private const string AppendKeyLabel = "courier cell drop append key";

    private CellDrop(DropName name, DropReadKey readKey, byte[] appendSeed, Key envelopeKey)
    {
        Name = name;
        ReadKey = readKey;
        AppendSeed = appendSeed;
        AppendKey = DropAppendKey.Import(appendSeed);
        EnvelopeKey = envelopeKey;
    }

    public DropName Name { get; }

    public DropReadKey ReadKey { get; }

    /// <summary>The seed of <see cref="AppendKey"/>: an outbox entry keeps a copy, to append to this drop after the cell moved on.</summary>
    public byte[] AppendSeed { get; }

    public DropAppendKey AppendKey { get; }

    public Key EnvelopeKey { get; }

    /// <summary>The drop of <paramref name="group"/>'s current epoch.</summary>
    public static CellDrop Of(MlsGroup group) => FromSeeds(SeedsOf(group));

    /// <summary>The drop of the epoch this member's pending commit starts (its committer creates it before the commit leaves).</summary>
    public static CellDrop OfPendingCommit(MlsGroup group) => FromSeeds(Seeds(group.ExportPending));

    /// <summary>The name, read key seed, append key seed and envelope key of <paramref name="group"/>'s current epoch's drop (carried, sealed, in a rejoin record); the caller wipes them.</summary>
    public static DropSeeds SeedsOf(MlsGroup group) => Seeds(group.Export);

    /// <summary>A drop from its seeds, which it wipes.</summary>
    public static CellDrop FromSeeds(DropSeeds seeds)
    {
        using (seeds)
        {
            var readKey = DropReadKey.Import(seeds.ReadSeed);
            var appendSeed = GC.AllocateArray<byte>(DropAppendKey.Size, pinned: true);
            try
            {
                seeds.AppendSeed.AsSpan().CopyTo(appendSeed);
                return new CellDrop(DropName.FromBytes(seeds.Name), readKey, appendSeed, SealedEnvelope.ImportKey(seeds.EnvelopeSeed));
            }
            catch
            {
                readKey.Dispose();
                CryptographicOperations.ZeroMemory(appendSeed);
                throw;
            }
        }
    }

    private delegate Courier.Mls.Crypto.Secret Exporter(string label, ReadOnlySpan<byte> context, int length);

    private static DropSeeds Seeds(Exporter export)
    {
        using var name = export(DropLabel, [], DropName.Size);
        using var readSeed = export(ReadKeyLabel, [], DropReadKey.Size);
        using var appendSeed = export(AppendKeyLabel, [], DropAppendKey.Size);
        using var envelopeSeed = export(EnvelopeKeyLabel, [], SealedEnvelope.Aead.KeySize);
        return new DropSeeds(name.Export(), readSeed.Export(), appendSeed.Export(), envelopeSeed.Export());
    }

    /// <summary>Seals a cell's MLS message for this drop.</summary>
    public byte[] Seal(byte kind, ReadOnlySpan<byte> mlsMessage) => SealedEnvelope.Seal(EnvelopeKey, Name, kind, mlsMessage);

    /// <summary>The kind and content of an envelope of this drop, or null (sealed by someone without the epoch's key, altered or malformed).</summary>
    public (byte Kind, byte[] Content)? TryOpen(ReadOnlySpan<byte> envelope) => SealedEnvelope.TryOpen(EnvelopeKey, Name, envelope);

    public void Dispose()
    {
        ReadKey.Dispose();
        AppendKey.Dispose();
        CryptographicOperations.ZeroMemory(AppendSeed);
        EnvelopeKey.Dispose();
    }
}

/// <summary>What names a drop, opens it and appends to it: its name, read key seed, append key seed and envelope key, 32 bytes each (<see cref="CellDrop"/>).</summary>
internal sealed record DropSeeds(byte[] Name, byte[] ReadSeed, byte[] AppendSeed, byte[] EnvelopeSeed) : IDisposable
{
    public const int Size = 32;

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(ReadSeed);
        CryptographicOperations.ZeroMemory(AppendSeed);
        CryptographicOperations.ZeroMemory(EnvelopeSeed);
    }
}
