namespace Courier.Frost;

/// <summary>
/// A dealer's secret share for one recipient: f_from(to), in the distributed key generation's round two
/// and in resharing. Send it to the recipient alone, encrypted and authenticated (never to the whole
/// council: whoever collects a threshold of them for one recipient learns that recipient's share).
/// Wiped on <see cref="Dispose"/>.
/// </summary>
public sealed class SecretShare : IDisposable
{
    private readonly SecretScalar _value;

    internal SecretShare(Identifier from, Identifier to, byte[] value)
    {
        From = from;
        To = to;
        _value = new SecretScalar(value);
    }

    /// <summary>The dealer.</summary>
    public Identifier From { get; }

    /// <summary>The recipient.</summary>
    public Identifier To { get; }

    internal ReadOnlySpan<byte> Value => _value.Value;

    /// <summary><c>version | kind 8 | from (32) | to (32) | share (32, secret)</c>. Encrypt to the recipient.</summary>
    public byte[] Serialize() => new WireWriter(WireKind.SecretShare).Bytes(From.Scalar).Bytes(To.Scalar).Bytes(Value).ToArray();

    /// <summary>Reads <see cref="Serialize"/>'s layout.</summary>
    public static SecretShare Deserialize(ReadOnlySpan<byte> encoded)
    {
        var r = new WireReader(encoded, WireKind.SecretShare, "secret share");
        var from = r.Identifier();
        var to = r.Identifier();
        var value = r.Scalar("A secret share");
        r.End();
        return new SecretShare(from, to, value);
    }

    /// <summary>Wipes the share.</summary>
    public void Dispose() => _value.Dispose();

    /// <inheritdoc/>
    public override string ToString() => $"SecretShare({From} to {To})";
}
