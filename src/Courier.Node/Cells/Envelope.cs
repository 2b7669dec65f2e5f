using System.Buffers.Binary;
using Courier.Relay.Client;

namespace Courier.Node.Cells;

/// <summary>What an envelope carries.</summary>
public enum EnvelopeKind : byte
{
    /// <summary>An MLSMessage of the cell: application data, a proposal or a commit.</summary>
    Mls = 1,

    /// <summary>An MLSMessage(Welcome), delivered to a new member through its pairwise dead drop.</summary>
    Welcome = 2,
}

/// <summary>
/// The fixed-size unit a relay stores: <c>kind(1) || length(4) || payload || zeros</c>, padded to
/// the smallest of <see cref="EnvelopeSizes.All"/> that fits, so that a relay or an interceptor
/// learns only which bucket a message fell into.
/// </summary>
public static class Envelope
{
    private const int HeaderSize = 5;

    /// <summary>The largest payload an envelope holds.</summary>
    public const int MaxPayload = EnvelopeSizes.Max - HeaderSize;

    /// <summary>Pads <paramref name="payload"/> into an envelope.</summary>
    public static byte[] Seal(EnvelopeKind kind, ReadOnlySpan<byte> payload)
    {
        if (payload.Length > MaxPayload)
        {
            throw new ArgumentException($"A payload holds at most {MaxPayload} bytes; split larger content.", nameof(payload));
        }

        var envelope = new byte[EnvelopeSizes.BucketFor(HeaderSize + payload.Length)];
        envelope[0] = (byte)kind;
        BinaryPrimitives.WriteInt32BigEndian(envelope.AsSpan(1), payload.Length);
        payload.CopyTo(envelope.AsSpan(HeaderSize));
        return envelope;
    }

    /// <summary>Reads an envelope; null when it is not a well-formed one (a relay holds anything anyone appended).</summary>
    public static (EnvelopeKind Kind, byte[] Payload)? Open(ReadOnlySpan<byte> envelope)
    {
        if (!EnvelopeSizes.IsAllowed(envelope.Length) || envelope[0] is not ((byte)EnvelopeKind.Mls or (byte)EnvelopeKind.Welcome))
        {
            return null;
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(envelope[1..]);
        if (length < 0 || length > envelope.Length - HeaderSize || envelope[(HeaderSize + length)..].ContainsAnyExcept((byte)0))
        {
            return null;
        }

        return ((EnvelopeKind)envelope[0], envelope.Slice(HeaderSize, length).ToArray());
    }
}
