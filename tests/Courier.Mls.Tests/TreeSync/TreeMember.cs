using Courier.Mls.Crypto;
using Courier.Mls.TreeKem;

namespace Courier.Mls.Tests.TreeSync;

/// <summary>A member's signing key and TreeKEM private keys.</summary>
internal sealed class TreeMember(SignaturePrivateKey signer, TreeKemPrivateKeys keys) : IDisposable
{
    public SignaturePrivateKey Signer { get; } = signer;

    public TreeKemPrivateKeys Keys { get; private set; } = keys;

    public void ReplaceKeys(TreeKemPrivateKeys keys)
    {
        Keys.Dispose();
        Keys = keys;
    }

    public void Dispose()
    {
        Signer.Dispose();
        Keys.Dispose();
    }
}
