using System.Security.Cryptography;
using System.Text;
using Courier.Mls.Group;
using Courier.Node.Wire;

namespace Courier.Node.Cells;

/// <summary>
/// What lets a member that fell behind rejoin its cell (docs/cells.md, "Falling behind and
/// rejoining"): a rejoin secret every current member holds, and the rejoin drop named from it, where
/// the committer of each epoch leaves a <see cref="RejoinRecord"/> sealed under a key from the same
/// secret. The secret is the epoch's <c>MLS-Exporter("courier cell rejoin secret", "", 32)</c>
/// (RFC 9420 §8.5) of the last epoch whose commit added or removed a member, so a removed member
/// never learns the next one, and a member that missed only commits that kept the members still has it.
/// </summary>
internal static class CellRejoin
{
    /// <summary>The size of the rejoin secret.</summary>
    public const int SecretSize = 32;

    /// <summary>The envelope kind of a rejoin record, inside the seal.</summary>
    public const byte RecordKind = 0x31;

    private const string SecretLabel = "courier cell rejoin secret";

    /// <summary>The rejoin secret of <paramref name="group"/>'s current epoch.</summary>
    public static byte[] SecretOf(MlsGroup group)
    {
        using var secret = group.Export(SecretLabel, [], SecretSize);
        return secret.Export();
    }

    /// <summary>The rejoin drop of <paramref name="secret"/>: its name, read key, append key and sealing key, each HKDF-Expand (RFC 5869) of the secret with its own label.</summary>
    public static CellDrop DropOf(byte[] secret)
        => CellDrop.FromSeeds(new DropSeeds(
            Expand(secret, "courier cell rejoin drop"),
            Expand(secret, "courier cell rejoin read key"),
            Expand(secret, "courier cell rejoin append key"),
            Expand(secret, "courier cell rejoin envelope key")));

    private static byte[] Expand(byte[] secret, string label)
        => HKDF.Expand(HashAlgorithmName.SHA256, secret, DropSeeds.Size, Encoding.ASCII.GetBytes(label));
}

/// <summary>
/// What the committer of an epoch leaves in the rejoin drop: the epoch, the seeds of the epoch's
/// drop (so a member that is not in the epoch can seal its external commit for the drop the members
/// read, append it there and read back where it landed) and the signed MLSMessage(GroupInfo) with external_pub and
/// the ratchet tree (RFC 9420 §12.4.3.2). Encoded <c>u64 epoch || name(32) || read seed(32) ||
/// append seed(32) || envelope seed(32) || GroupInfo</c>; sealed as a whole, so the relay sees only a sealed envelope.
/// </summary>
internal sealed record RejoinRecord(ulong Epoch, DropSeeds Drop, byte[] GroupInfo) : IDisposable
{
    private const int HeaderSize = 8 + (4 * DropSeeds.Size);

    public byte[] Encode()
    {
        using var writer = new RecordWriter(HeaderSize + GroupInfo.Length);
        return writer.U64(Epoch).Fixed(Drop.Name).Fixed(Drop.ReadSeed).Fixed(Drop.AppendSeed).Fixed(Drop.EnvelopeSeed).Fixed(GroupInfo).ToArray();
    }

    /// <summary>The record, or null when <paramref name="content"/> is too short to be one.</summary>
    public static RejoinRecord? TryDecode(ReadOnlySpan<byte> content)
    {
        if (content.Length <= HeaderSize)
        {
            return null;
        }

        var reader = new RecordReader(content, "rejoin record");
        var epoch = reader.U64();
        var seeds = new DropSeeds(reader.Fixed(DropSeeds.Size).ToArray(), reader.Fixed(DropSeeds.Size).ToArray(), reader.Fixed(DropSeeds.Size).ToArray(), reader.Fixed(DropSeeds.Size).ToArray());
        return new RejoinRecord(epoch, seeds, content[HeaderSize..].ToArray());
    }

    /// <summary>The seeds of the epoch's drop, as a copy that <see cref="CellDrop.FromSeeds"/> may wipe.</summary>
    public DropSeeds CopyOfDrop() => new((byte[])Drop.Name.Clone(), (byte[])Drop.ReadSeed.Clone(), (byte[])Drop.AppendSeed.Clone(), (byte[])Drop.EnvelopeSeed.Clone());

    public void Dispose() => Drop.Dispose();
}
