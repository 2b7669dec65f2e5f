namespace Courier.Mix;

/// <summary>
/// Sphinx packets of one <see cref="SphinxGeometry"/>: <see cref="CreatePacket"/> at the sender,
/// <see cref="Unwrap"/> at each mix, <see cref="CreateSurb"/>, <see cref="CreateReply"/> and
/// <see cref="DecryptReply"/> for replies. Stateless and thread-safe; replay state is the caller's
/// <see cref="IReplayTags"/>.
/// </summary>
public sealed partial class Sphinx
{
    /// <summary>Packets of <paramref name="geometry"/>.</summary>
    public Sphinx(SphinxGeometry geometry)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        Geometry = geometry;
    }

    /// <summary>The sizes of every packet, header and SURB.</summary>
    public SphinxGeometry Geometry { get; }

    private static void CheckLength(ReadOnlySpan<byte> value, int length, string what)
    {
        if (value.Length != length)
        {
            throw new SphinxException(SphinxError.WrongLength, $"{what} is {value.Length} bytes; this geometry's are {length}.");
        }
    }

    private void CheckPath(IReadOnlyList<PathHop> path, bool isSurb)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Count < 1 || path.Count > Geometry.MaxHops)
        {
            throw new SphinxException(SphinxError.InvalidPath, $"A path has 1 to {Geometry.MaxHops} hops, not {path.Count}.");
        }

        for (var i = 0; i < path.Count - 1; i++)
        {
            if (path[i].Recipient is not null || path[i].SurbId is not null)
            {
                throw new SphinxException(SphinxError.InvalidPath, $"Hop {i} is not the last: only the last hop has a recipient or a SURB id.");
            }
        }

        if (isSurb != path[^1].SurbId is not null)
        {
            throw new SphinxException(SphinxError.InvalidPath, isSurb ? "A SURB's last hop needs a SURB id." : "A forward packet's last hop has no SURB id.");
        }
    }

    private void CheckMessage(ReadOnlySpan<byte> message)
    {
        if (message.Length > Geometry.MessageLength)
        {
            throw new SphinxException(SphinxError.InvalidPath, $"A message is at most {Geometry.MessageLength} bytes, not {message.Length}.");
        }
    }
}
