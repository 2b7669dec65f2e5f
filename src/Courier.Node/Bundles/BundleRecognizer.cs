using Courier.Relay.Client.Bundles;

namespace Courier.Node.Bundles;

/// <summary>
/// The keys of this node's cells (their current epochs), held to test many candidates quickly:
/// <see cref="RecognizesBundle"/> says whether a candidate holds anything for this node, without
/// decrypting a block, and answers false alike for random bytes and for bundles for others.
/// </summary>
public sealed class BundleRecognizer : IDisposable
{
    private readonly List<BundleKey> _keys;

    internal BundleRecognizer(List<BundleKey> keys) => _keys = keys;

    /// <summary>Whether <paramref name="candidate"/> is a bundle with a slot for one of this node's cells.</summary>
    public bool RecognizesBundle(ReadOnlySpan<byte> candidate) => BundleReader.Recognizes(candidate, _keys);

    /// <summary>Wipes the keys.</summary>
    public void Dispose() => _keys.ForEach(k => k.Dispose());
}
