using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Courier.Mls.Messages;

/// <summary>
/// RFC 9420 §12.4.3.1: the secrets a Welcome encrypts to each new member: the joiner secret,
/// optionally the path secret of the lowest node the committer and the new member share, and the
/// PSKs of the epoch. It owns its secrets and wipes them on <see cref="Dispose"/>.
/// </summary>
internal sealed class GroupSecrets : ITlsEncodable, IDisposable
{
    /// <summary>Takes ownership of <paramref name="joinerSecret"/> and <paramref name="pathSecret"/>.</summary>
    public GroupSecrets(Secret joinerSecret, Secret? pathSecret, IReadOnlyList<PreSharedKeyID> psks)
    {
        ArgumentNullException.ThrowIfNull(joinerSecret);
        ArgumentNullException.ThrowIfNull(psks);
        JoinerSecret = joinerSecret;
        PathSecret = pathSecret;
        Psks = psks;
    }

    public Secret JoinerSecret { get; }

    /// <summary>The <c>optional&lt;PathSecret&gt; path_secret</c>, null when absent.</summary>
    public Secret? PathSecret { get; }

    public IReadOnlyList<PreSharedKeyID> Psks { get; }

    /// <summary>Writes the encoding. It contains the secrets: the caller wipes what it writes to.</summary>
    public void Encode(TlsWriter writer)
    {
        writer.WriteOpaque(JoinerSecret.Span);
        writer.WriteUInt8(PathSecret is null ? (byte)0 : (byte)1);
        if (PathSecret is not null)
        {
            // struct { opaque path_secret<V>; } PathSecret
            writer.WriteOpaque(PathSecret.Span);
        }

        writer.WriteVector(Psks);
    }

    /// <summary>The encoding as a secret, with the temporary encoding wiped.</summary>
    public Secret ToSecret()
    {
        // Sized so the buffer never grows and leaves an unwiped copy behind.
        var size = 16 + JoinerSecret.Length + (PathSecret?.Length ?? 0) + Psks.Sum(p => TlsWriter.Encode(p).Length);
        var writer = new TlsWriter(size);
        try
        {
            Encode(writer);
            return Secret.Copy(writer.Written);
        }
        finally
        {
            var written = writer.Written;
            CryptographicOperations.ZeroMemory(MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(written), written.Length));
        }
    }

    public static GroupSecrets Decode(ref TlsReader reader) => Read(ref reader, requireEnd: false);

    /// <summary>Decodes a whole (decrypted) byte string; trailing bytes are an error and no secret is copied before the input is known to be valid.</summary>
    public static GroupSecrets FromBytes(ReadOnlySpan<byte> data)
    {
        var reader = new TlsReader(data, nameof(GroupSecrets));
        return Read(ref reader, requireEnd: true);
    }

    private static GroupSecrets Read(ref TlsReader reader, bool requireEnd)
    {
        // Views into the input: the secrets are copied only once the whole structure has parsed.
        var joinerSecret = reader.ReadOpaque();
        var hasPathSecret = reader.ReadPresence();
        var pathSecret = hasPathSecret ? reader.ReadOpaque() : default;
        var psks = reader.ReadVector(PreSharedKeyID.Decode);
        if (requireEnd)
        {
            reader.EnsureEnd();
        }

        return new GroupSecrets(Secret.Copy(joinerSecret), hasPathSecret ? Secret.Copy(pathSecret) : null, psks);
    }

    public void Dispose()
    {
        JoinerSecret.Dispose();
        PathSecret?.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"GroupSecrets(path_secret {(PathSecret is null ? "absent" : "present")}, {Psks.Count} psks)";
}
