using Courier.Node.Storage;
using Courier.Node.Wire;

namespace Courier.Node.Cells;

/// <summary>
/// The Welcome of this member's commit in flight and the contacts it is for: stored with the commit,
/// before it leaves; turned into <see cref="WelcomeDelivery"/> records in the transaction that merges
/// the commit, or deleted when another member's commit wins the epoch.
/// </summary>
internal sealed record PendingWelcome(byte[] Welcome, IReadOnlyList<byte[]> Recipients)
{
    private const byte Version = 1;

    public byte[] Encode()
    {
        using var writer = new RecordWriter(Welcome.Length + (Recipients.Count * Vault.IdSize) + 64);
        return writer.U8(Version).Opaque(Welcome).List(Recipients.ToList()).ToArray();
    }

    /// <exception cref="MalformedRecordException">The plaintext is not a pending Welcome.</exception>
    public static PendingWelcome Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new RecordReader(bytes, "pending welcome");
        if (reader.U8() != Version)
        {
            throw reader.Error("its version is unknown");
        }

        var pending = new PendingWelcome(reader.Opaque(EnvelopeFrame.MaxContent), reader.List(1024, Vault.IdSize));
        reader.EnsureEnd();
        if (pending.Recipients.Any(r => r.Length != Vault.IdSize))
        {
            throw reader.Error("a recipient id has the wrong size");
        }

        return pending;
    }
}
