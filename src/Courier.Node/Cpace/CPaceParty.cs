using System.Security.Cryptography;
using NSec.Cryptography;

namespace Courier.Node.Cpace;

/// <summary>
/// One party's side of a CPACE-X25519-SHA512 run (draft-irtf-cfrg-cpace-21 §6.2): compute the
/// generator from PRS, CI and sid, sample a scalar, send the share, and turn the peer's share into
/// ISK. The scalar is held by libsodium once the share is computed, and is used once; K never leaves <see cref="Finish"/>
/// (§9.3: a leaked K allows an offline dictionary attack).
/// </summary>
internal sealed class CPaceParty : IDisposable
{
    private readonly Key _scalar;
    private readonly CPaceRole _role;
    private readonly CPaceMode _mode;
    private readonly byte[] _sid;
    private readonly byte[] _ad;
    private bool _finished;

    private CPaceParty(Key scalar, CPaceRole role, CPaceMode mode, byte[] sid, byte[] ad, byte[] share)
    {
        _scalar = scalar;
        _role = role;
        _mode = mode;
        _sid = sid;
        _ad = ad;
        Share = share;
    }

    /// <summary>This party's share, Ya or Yb: the message to send with its associated data.</summary>
    public byte[] Share { get; }

    /// <summary>
    /// Computes g = G.calculate_generator(H, PRS, CI, sid) and Y = G.scalar_mult(y, g) for a fresh
    /// scalar, or for <paramref name="scalar"/> in known-answer tests (the party wipes it). From then
    /// on the scalar is held by libsodium.
    /// </summary>
    /// <exception cref="CryptographicException">The share is the neutral element (probability about 2^-252).</exception>
    public static CPaceParty Start(CPaceRole role, CPaceMode mode, ReadOnlySpan<byte> prs, ReadOnlySpan<byte> ci, ReadOnlySpan<byte> sid, ReadOnlySpan<byte> ad, byte[]? scalar = null)
    {
        var y = scalar ?? CPaceX25519.SampleScalar();
        var generator = CPaceX25519.CalculateGenerator(prs, ci, sid);
        try
        {
            var share = new byte[CPaceX25519.FieldSizeBytes];
            if (!CPaceX25519.ScalarMultGenerator(y, generator, share))
            {
                throw new CryptographicException("The CPace share is the neutral element.");
            }

            return new CPaceParty(CPaceX25519.ImportScalar(y), role, mode, sid.ToArray(), ad.ToArray(), share);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(y);
            CryptographicOperations.ZeroMemory(generator);
        }
    }

    /// <summary>
    /// K = G.scalar_mult_vfy(y, Y_peer), then ISK over the transcript of the two messages (§6.2).
    /// Null when K is G.I, where the protocol MUST abort. The scalar is destroyed either way; the
    /// caller wipes the ISK.
    /// </summary>
    public byte[]? Finish(ReadOnlySpan<byte> peerShare, ReadOnlySpan<byte> peerAd)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        _finished = true;
        Span<byte> k = stackalloc byte[CPaceX25519.FieldSizeBytes];
        try
        {
            if (peerShare.Length != CPaceX25519.FieldSizeBytes || !CPaceX25519.ScalarMultVfy(_scalar, peerShare, k))
            {
                return null;
            }

            return CPaceX25519.DeriveIsk(_sid, k, Transcript(peerShare, peerAd));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(k);
            _scalar.Dispose();
        }
    }

    /// <summary>transcript_ir or transcript_oc (§5.3), with this party's message in its role's place.</summary>
    public byte[] Transcript(ReadOnlySpan<byte> peerShare, ReadOnlySpan<byte> peerAd)
    {
        var (ya, adA, yb, adB) = _role == CPaceRole.A
            ? (Share, _ad, peerShare.ToArray(), peerAd.ToArray())
            : (peerShare.ToArray(), peerAd.ToArray(), Share, _ad);
        return _mode == CPaceMode.InitiatorResponder
            ? CPaceStrings.TranscriptIr(ya, adA, yb, adB)
            : CPaceStrings.TranscriptOc(ya, adA, yb, adB);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _finished = true;
        _scalar.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => "CPaceParty(" + CPaceX25519.SuiteName + ")";
}
