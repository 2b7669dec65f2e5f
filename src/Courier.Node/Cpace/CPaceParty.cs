using System.Security.Cryptography;

namespace Courier.Node.Cpace;

/// <summary>
/// One party's side of a CPACE-RISTR255-SHA512 run (draft-irtf-cfrg-cpace-21 §6.2): compute the
/// generator from PRS, CI and sid, sample a scalar, send the share, and turn the peer's share into
/// ISK. The scalar is held in pinned memory, used once and wiped; K never leaves <see cref="Finish"/>
/// (§9.3: a leaked K allows an offline dictionary attack).
/// </summary>
internal sealed class CPaceParty : IDisposable
{
    private readonly byte[] _scalar;
    private readonly CPaceRole _role;
    private readonly CPaceMode _mode;
    private readonly byte[] _sid;
    private readonly byte[] _ad;
    private bool _finished;

    private CPaceParty(byte[] scalar, CPaceRole role, CPaceMode mode, byte[] sid, byte[] ad, byte[] share)
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
    /// scalar, or for a copy of <paramref name="scalar"/> in known-answer tests.
    /// </summary>
    /// <exception cref="CryptographicException">The share is the identity: the scalar is zero modulo the group order (probability about 2^-252).</exception>
    public static CPaceParty Start(CPaceRole role, CPaceMode mode, ReadOnlySpan<byte> prs, ReadOnlySpan<byte> ci, ReadOnlySpan<byte> sid, ReadOnlySpan<byte> ad, byte[]? scalar = null)
    {
        if (scalar is not null && scalar.Length != CPaceRistretto255.FieldSizeBytes)
        {
            throw new ArgumentException($"A scalar is {CPaceRistretto255.FieldSizeBytes} bytes.", nameof(scalar));
        }

        var y = CPaceRistretto255.SampleScalar();
        scalar?.CopyTo(y, 0);
        var generator = CPaceRistretto255.CalculateGenerator(prs, ci, sid);
        try
        {
            var share = new byte[CPaceRistretto255.FieldSizeBytes];
            if (!CPaceRistretto255.ScalarMult(y, generator, share))
            {
                throw new CryptographicException("The CPace share is the identity.");
            }

            return new CPaceParty(y, role, mode, sid.ToArray(), ad.ToArray(), share);
        }
        catch
        {
            CryptographicOperations.ZeroMemory(y);
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(generator);
        }
    }

    /// <summary>
    /// K = G.scalar_mult_vfy(y, Y_peer), then ISK over the transcript of the two messages (§6.2).
    /// Null when K is G.I (the peer's share does not decode or is the identity), where the protocol
    /// MUST abort. The scalar is wiped either way; the caller wipes the ISK.
    /// </summary>
    public byte[]? Finish(ReadOnlySpan<byte> peerShare, ReadOnlySpan<byte> peerAd)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        _finished = true;
        Span<byte> k = stackalloc byte[CPaceRistretto255.FieldSizeBytes];
        try
        {
            if (peerShare.Length != CPaceRistretto255.FieldSizeBytes || !CPaceRistretto255.ScalarMultVfy(_scalar, peerShare, k))
            {
                return null;
            }

            return CPaceRistretto255.DeriveIsk(_sid, k, Transcript(peerShare, peerAd));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(k);
            CryptographicOperations.ZeroMemory(_scalar);
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
        CryptographicOperations.ZeroMemory(_scalar);
    }

    /// <inheritdoc/>
    public override string ToString() => "CPaceParty(" + CPaceRistretto255.SuiteName + ")";
}
