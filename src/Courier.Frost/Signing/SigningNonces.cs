using System.Security.Cryptography;

namespace Courier.Frost;

/// <summary>
/// A participant's secret round-one nonces (RFC 9591 §5.1) and their public commitments. Single-use:
/// <see cref="Signing.Sign"/> consumes the object (wipes the nonces), and any later use throws
/// <see cref="FrostError.NonceConsumed"/>. Across a restart only storage can keep that promise: a node
/// keeps <see cref="Serialize"/>'s bytes encrypted, and deletes (or marks used) the stored nonce in the
/// same durable write that happens before the signature share leaves the node, never after
/// (docs/frost.md, "Nonces and crashes").
/// </summary>
public sealed class SigningNonces : IDisposable
{
    private readonly SecretScalar _hiding;
    private readonly SecretScalar _binding;
    private bool _consumed;

    internal SigningNonces(byte[] hiding, byte[] binding, SigningCommitments commitments)
    {
        _hiding = new SecretScalar(hiding);
        _binding = new SecretScalar(binding);
        Commitments = commitments;
    }

    /// <summary>The public commitments to send to the coordinator.</summary>
    public SigningCommitments Commitments { get; }

    /// <summary>True once a signature share was made with these nonces (or they were disposed).</summary>
    public bool IsConsumed => _consumed;

    /// <summary>
    /// <c>version | kind 3 | hiding nonce (32, secret) | binding nonce (32, secret) | identifier (32) | hiding commitment (32) | binding commitment (32)</c>.
    /// For encrypted storage between the rounds only.
    /// </summary>
    public byte[] Serialize()
    {
        ThrowIfConsumed();
        return Commitments.Write(new WireWriter(WireKind.SigningNonces).Bytes(_hiding.Value).Bytes(_binding.Value)).ToArray();
    }

    /// <summary>Reads <see cref="Serialize"/>'s layout and checks that the nonces match their commitments.</summary>
    public static SigningNonces Deserialize(ReadOnlySpan<byte> encoded)
    {
        var r = new WireReader(encoded, WireKind.SigningNonces, "signing nonces");
        var hiding = r.Scalar("A nonce");
        var binding = r.Scalar("A nonce");
        var commitments = SigningCommitments.Read(ref r);
        r.End();
        if (Group.IsZero(hiding) || Group.IsZero(binding)
            || !CryptographicOperations.FixedTimeEquals(Group.BaseMult(hiding), commitments.Hiding)
            || !CryptographicOperations.FixedTimeEquals(Group.BaseMult(binding), commitments.Binding))
        {
            Polynomial.Wipe([hiding, binding]);
            throw new FrostException(FrostError.CommitmentMismatch, "The stored nonces do not match their commitments.");
        }

        return new SigningNonces(hiding, binding, commitments);
    }

    /// <summary>
    /// nonce_generate (§4.1): H3(random_bytes(32) || SerializeScalar(secret)), for the hiding then the
    /// binding nonce, and their commitments (§5.1 commit).
    /// </summary>
    internal static SigningNonces Generate(KeyPackage key, RandomSource random)
    {
        var hiding = NonceGenerate(key.SigningShare, random);
        var binding = NonceGenerate(key.SigningShare, random);
        return new SigningNonces(hiding, binding, new SigningCommitments(key.Identifier, Group.BaseMult(hiding), Group.BaseMult(binding)));
    }

    private static byte[] NonceGenerate(ReadOnlySpan<byte> secret, RandomSource random)
    {
        Span<byte> input = stackalloc byte[32 + Group.ScalarSize];
        try
        {
            while (true)
            {
                random(input[..32]);
                secret.CopyTo(input[32..]);
                var nonce = Ciphersuite.H3(input);

                // A zero nonce (probability 2^-252) would commit to the identity, which no one accepts.
                if (!Group.IsZero(nonce))
                {
                    return nonce;
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
        }
    }

    /// <summary>Hands the nonces to one signature computation and marks them consumed; the caller wipes nothing.</summary>
    internal (SecretScalar Hiding, SecretScalar Binding) Consume()
    {
        ThrowIfConsumed();
        _consumed = true;
        return (_hiding, _binding);
    }

    internal void ThrowIfConsumed()
    {
        if (_consumed)
        {
            throw new FrostException(FrostError.NonceConsumed, "These signing nonces were used already; run round one again.");
        }
    }

    /// <summary>Wipes the nonces; they can no longer sign.</summary>
    public void Dispose()
    {
        _consumed = true;
        _hiding.Dispose();
        _binding.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"SigningNonces(participant {Commitments.Identifier}, {(_consumed ? "consumed" : "unused")})";
}
