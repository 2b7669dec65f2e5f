namespace Courier.Mls.Group;

/// <summary>
/// What a member keeps of an epoch it has left, to read application messages that were sent in it
/// but arrive late (RFC 9420 §15.2 lets members keep these for a while, trading forward secrecy for
/// delivery): the GroupContext, the tree (for signature keys), sender_data_secret and the secret tree
/// with its remaining keys. Nothing that derives later epochs is kept.
/// </summary>
internal sealed class PastEpoch(GroupContext context, RatchetTree tree, Secret senderDataSecret, EncryptionSecretTree secretTree) : IDisposable
{
    public GroupContext Context { get; } = context;

    public RatchetTree Tree { get; } = tree;

    public Secret SenderDataSecret { get; } = senderDataSecret;

    public EncryptionSecretTree SecretTree { get; } = secretTree;

    /// <summary>Keeps what reading late messages needs from <paramref name="epoch"/>, which gives up its secret tree.</summary>
    public static PastEpoch Retire(GroupEpoch epoch)
    {
        return new PastEpoch(epoch.Context, epoch.Tree, epoch.Secrets.SenderDataSecret.Clone(), epoch.TakeSecretTree());
    }

    public void Dispose()
    {
        SenderDataSecret.Dispose();
        SecretTree.Dispose();
    }
}
