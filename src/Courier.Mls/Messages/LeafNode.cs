namespace Courier.Mls.Messages;

/// <summary>
/// RFC 9420 §7.2: a member's leaf in the ratchet tree, signed by the member (label
/// "LeafNodeTBS"). <see cref="Lifetime"/> is present exactly for source key_package and
/// <see cref="ParentHash"/> exactly for source commit.
/// </summary>
internal sealed record LeafNode : ITlsEncodable
{
    public LeafNode(
        byte[] encryptionKey,
        byte[] signatureKey,
        Credential credential,
        Capabilities capabilities,
        LeafNodeSource leafNodeSource,
        Lifetime? lifetime,
        byte[]? parentHash,
        IReadOnlyList<Extension> extensions,
        byte[] signature)
    {
        ArgumentNullException.ThrowIfNull(encryptionKey);
        ArgumentNullException.ThrowIfNull(signatureKey);
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(capabilities);
        ArgumentNullException.ThrowIfNull(extensions);
        ArgumentNullException.ThrowIfNull(signature);
        if ((lifetime is not null) != (leafNodeSource == LeafNodeSource.KeyPackage))
        {
            throw new ArgumentException("lifetime must be present exactly when leaf_node_source is key_package (RFC 9420 §7.2).", nameof(lifetime));
        }

        if ((parentHash is not null) != (leafNodeSource == LeafNodeSource.Commit))
        {
            throw new ArgumentException("parent_hash must be present exactly when leaf_node_source is commit (RFC 9420 §7.2).", nameof(parentHash));
        }

        EncryptionKey = encryptionKey;
        SignatureKey = signatureKey;
        Credential = credential;
        Capabilities = capabilities;
        LeafNodeSource = leafNodeSource;
        Lifetime = lifetime;
        ParentHash = parentHash;
        Extensions = extensions;
        Signature = signature;
    }

    /// <summary>HPKEPublicKey encryption_key.</summary>
    public byte[] EncryptionKey { get; }

    /// <summary>SignaturePublicKey signature_key.</summary>
    public byte[] SignatureKey { get; }

    public Credential Credential { get; }

    public Capabilities Capabilities { get; }

    public LeafNodeSource LeafNodeSource { get; }

    /// <summary>Present exactly when <see cref="LeafNodeSource"/> is key_package.</summary>
    public Lifetime? Lifetime { get; }

    /// <summary>Present exactly when <see cref="LeafNodeSource"/> is commit.</summary>
    public byte[]? ParentHash { get; }

    public IReadOnlyList<Extension> Extensions { get; }

    public byte[] Signature { get; }

    /// <summary>The same leaf node with another signature.</summary>
    public LeafNode WithSignature(byte[] signature)
        => new(EncryptionKey, SignatureKey, Credential, Capabilities, LeafNodeSource, Lifetime, ParentHash, Extensions, signature);

    /// <summary>
    /// The LeafNodeTBS this node's signature covers: <paramref name="groupId"/> and
    /// <paramref name="leafIndex"/> are given exactly for sources update and commit.
    /// </summary>
    public LeafNodeTBS ToBeSigned(byte[]? groupId, uint? leafIndex) => new(this, groupId, leafIndex);

    public void Encode(TlsWriter writer)
    {
        EncodeContent(writer);
        writer.WriteOpaque(Signature);
    }

    /// <summary>Writes every field above the signature: the part LeafNodeTBS shares.</summary>
    internal void EncodeContent(TlsWriter writer)
    {
        writer.WriteOpaque(EncryptionKey);
        writer.WriteOpaque(SignatureKey);
        Credential.Encode(writer);
        Capabilities.Encode(writer);
        writer.WriteUInt8((byte)LeafNodeSource);
        switch (LeafNodeSource)
        {
            case LeafNodeSource.KeyPackage:
                Lifetime!.Encode(writer);
                break;
            case LeafNodeSource.Commit:
                writer.WriteOpaque(ParentHash);
                break;
        }

        writer.WriteVector(Extensions);
    }

    public static LeafNode Decode(ref TlsReader reader) => DecodeContent(ref reader, withSignature: true);

    /// <summary>
    /// Reads the fields above the signature and, if <paramref name="withSignature"/>, the
    /// signature; otherwise the node gets an empty signature (the LeafNodeTBS case).
    /// </summary>
    internal static LeafNode DecodeContent(ref TlsReader reader, bool withSignature)
    {
        var encryptionKey = reader.ReadOpaqueArray();
        var signatureKey = reader.ReadOpaqueArray();
        var credential = Credential.Decode(ref reader);
        var capabilities = Capabilities.Decode(ref reader);
        var source = reader.ReadLeafNodeSource();
        var lifetime = source == LeafNodeSource.KeyPackage ? Lifetime.Decode(ref reader) : null;
        var parentHash = source == LeafNodeSource.Commit ? reader.ReadOpaqueArray() : null;
        var extensions = Extension.DecodeList(ref reader);
        return new LeafNode(encryptionKey, signatureKey, credential, capabilities, source, lifetime, parentHash, extensions, withSignature ? reader.ReadOpaqueArray() : []);
    }

    public bool Equals(LeafNode? other) => TlsEquality.Equal(this, other);

    public override int GetHashCode() => TlsEquality.Hash(this);
}
