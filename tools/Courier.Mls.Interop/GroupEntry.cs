using System.Security.Cryptography;
using Courier.Mls.Group;

namespace Courier.Mls.Interop;

/// <summary>
/// One member's group state behind a state_id. The state_id stays the same across epochs; the
/// proposals already taken in are remembered per epoch, so a proposal named again (in Commit's
/// by_reference and again in HandleCommit) is processed once.
/// </summary>
internal sealed class GroupEntry(MlsGroup group, byte[] identity) : IDisposable
{
    private readonly HashSet<string> _handled = [];
    private ulong _handledEpoch = group.Epoch;

    /// <summary>
    /// The interop scenarios deliver application messages across epochs out of order
    /// (application/out_of_order_across_epochs), so interop groups keep a few past epochs (§15.2).
    /// </summary>
    public MlsGroup Group { get; } = Retaining(group);

    /// <summary>When the state was last named in a call (a counter of the store), for dropping abandoned states.</summary>
    public long LastUse { get; set; }

    /// <summary>This member's last commit, merged when the runner says the delivery service accepted it (HandlePendingCommit).</summary>
    public byte[]? PendingCommit { get; set; }

    /// <summary>The member's basic-credential identity.</summary>
    public byte[] Identity { get; } = identity;

    private static MlsGroup Retaining(MlsGroup group)
    {
        group.RetainedPastEpochs = 4;
        return group;
    }

    /// <summary>Whether this proposal message was already processed or sent in the current epoch.</summary>
    public bool IsHandled(ReadOnlySpan<byte> message)
    {
        if (_handledEpoch != Group.Epoch)
        {
            _handled.Clear();
            _handledEpoch = Group.Epoch;
        }

        return _handled.Contains(Key(message));
    }

    /// <summary>Remembers a proposal message of the current epoch as processed or sent.</summary>
    public void MarkHandled(ReadOnlySpan<byte> message)
    {
        _ = IsHandled(message);
        _handled.Add(Key(message));
    }

    public void Dispose() => Group.Dispose();

    private static string Key(ReadOnlySpan<byte> message) => Convert.ToHexString(SHA256.HashData(message));
}
