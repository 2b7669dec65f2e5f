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
    public static CellDrop Of(MlsGroup group) => From(group.Export);

    /// <summary>The drop of the epoch this member's pending commit starts (its committer creates it before the commit leaves).</summary>
    public static CellDrop OfPendingCommit(MlsGroup group) => From(group.ExportPending);

    private delegate Courier.Mls.Crypto.Secret Exporter(string label, ReadOnlySpan<byte> context, int length);

    private static CellDrop From(Exporter export)
    {
        DropName name;
        using (var secret = export(DropLabel, [], DropName.Size))
        {
            name = DropName.FromBytes(secret.Export());
        }

        using var readSeed = export(ReadKeyLabel, [], DropReadKey.Size);
        using var appendSeed = export(AppendKeyLabel, [], DropAppendKey.Size);
        using var envelopeSeed = export(EnvelopeKeyLabel, [], SealedEnvelope.Aead.KeySize);
        var readKey = Import(readSeed, b => DropReadKey.Import(b));
        var appendBytes = GC.AllocateArray<byte>(DropAppendKey.Size, pinned: true);
        try
        {
            Import(appendSeed, b => b.AsSpan().TryCopyTo(appendBytes));
            return new CellDrop(name, readKey, appendBytes, Import(envelopeSeed, b => SealedEnvelope.ImportKey(b)));
        }
        catch
        {
            readKey.Dispose();
            CryptographicOperations.ZeroMemory(appendBytes);
            throw;
        }
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

    private static T Import<T>(Courier.Mls.Crypto.Secret seed, Func<byte[], T> import)
    {
        var bytes = seed.Export();
        try
        {
            return import(bytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }
}
