using Courier.Mls.Group;

namespace Courier.Mls.Interop;

/// <summary>A KeyPackage made by CreateKeyPackage, waiting for the Welcome (or branch) that adds it, and the PSKs stored for it.</summary>
internal sealed class Transaction(KeyPackageBundle bundle, byte[] identity) : IDisposable
{
    public KeyPackageBundle Bundle { get; } = bundle;

    /// <summary>The basic-credential identity of the KeyPackage.</summary>
    public byte[] Identity { get; } = identity;

    /// <summary>External PSKs given by StorePSK before the join, by hex id.</summary>
    public Dictionary<string, (byte[] Id, byte[] Secret)> Psks { get; } = [];

    public IEnumerable<KeyValuePair<byte[], byte[]>> PskPairs => Psks.Values.Select(p => KeyValuePair.Create(p.Id, p.Secret));

    public void Dispose() => Bundle.Dispose();
}
