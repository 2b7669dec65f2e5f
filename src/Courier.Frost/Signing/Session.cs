namespace Courier.Frost;

/// <summary>
/// The values every participant of one signing session derives alike from the signing package and the
/// group public key: the binding factors (§4.4), the group commitment R (§4.5) and the challenge (§4.6).
/// </summary>
internal sealed class Session
{
    private readonly Dictionary<Identifier, byte[]> _bindingFactors = [];

    public Session(SigningPackage package, ReadOnlySpan<byte> groupKey)
    {
        var prefix = BindingFactorPrefix(package, groupKey);
        foreach (var c in package.Commitments)
        {
            _bindingFactors[c.Identifier] = Ciphersuite.H1(BindingFactorInput(prefix, c.Identifier));
        }

        // compute_group_commitment: Σ D_i + ρ_i · E_i.
        byte[]? r = null;
        foreach (var c in package.Commitments)
        {
            var term = Group.AddElements(c.Hiding, Group.Mult(_bindingFactors[c.Identifier], c.Binding));
            r = r is null ? term : Group.AddElements(r, term);
        }

        GroupCommitment = r!;

        // compute_challenge: H2(R || PK || msg).
        Challenge = Ciphersuite.H2([.. GroupCommitment, .. groupKey, .. package.MessageBytes]);
    }

    public byte[] GroupCommitment { get; }

    public byte[] Challenge { get; }

    public byte[] BindingFactor(Identifier signer) => _bindingFactors[signer];

    /// <summary>group_public_key || H4(msg) || H5(encode_group_commitment_list(commitment_list)) (§4.3, §4.4).</summary>
    internal static byte[] BindingFactorPrefix(SigningPackage package, ReadOnlySpan<byte> groupKey)
    {
        var encoded = new List<byte>();
        foreach (var c in package.Commitments)
        {
            encoded.AddRange(c.Identifier.Scalar);
            encoded.AddRange(c.Hiding);
            encoded.AddRange(c.Binding);
        }

        return [.. groupKey, .. Ciphersuite.H4(package.MessageBytes), .. Ciphersuite.H5([.. encoded])];
    }

    /// <summary>rho_input = prefix || SerializeScalar(identifier) (§4.4).</summary>
    internal static byte[] BindingFactorInput(byte[] prefix, Identifier signer) => [.. prefix, .. signer.Scalar];
}
