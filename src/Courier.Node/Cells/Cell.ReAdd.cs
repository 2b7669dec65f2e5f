using Courier.Mls.Group;

namespace Courier.Node.Cells;

/// <summary>
/// Added back (docs/cells.md, "Added back"): a member that found no way back asks a contact in the
/// cell for a fresh Welcome (<see cref="ReAddRequest"/>); a member that receives the request replaces
/// its old leaf with the fresh KeyPackage in one commit, and the Welcome's group replaces the old one
/// at the requester, as a rejoin's does.
/// </summary>
internal sealed partial class Cell
{
    private const string ReAdded = "This node was away across a change of the cell's members and could not follow it on its own; a member added it back from its request. Messages sent while it was away are lost to it; what it had not yet delivered was sent again.";

    /// <summary>Set when this member found no way back (<see cref="NoWayBack"/> was said): the node asks to be added back.</summary>
    private bool _lostWay;

    /// <summary>What a member makes of a request to add another back.</summary>
    public enum ReAddVerdict
    {
        /// <summary>Signed by the leaf it replaces, of the cell's suite and with the same code name: commit it.</summary>
        Valid,

        /// <summary>That member's leaf already carries the KeyPackage's key: another member (or this one) added it back.</summary>
        Done,

        /// <summary>No member of that code name signed it, or the KeyPackage does not fit.</summary>
        Refused,
    }

    /// <summary>
    /// True while this member waits to be added back (it asked, or is about to): what its outbox holds
    /// is not sent into the epoch the others left, but kept for the one the Welcome starts.
    /// </summary>
    public bool AwaitingReAdd { get; set; }

    /// <summary>True once after this member found no way back: the node then asks to be added back.</summary>
    public bool TakeLostWay()
    {
        var lost = _lostWay;
        _lostWay = false;
        return lost;
    }

    /// <summary>Says, in place of <see cref="NoWayBack"/>, that this member asked <paramref name="contact"/> to add it back.</summary>
    public void SayAskedBack(string contact)
    {
        _gapNotices.Remove(NoWayBack);
        _gapNotices.Add($"This node found no way back into the cell (it changed members while this node was away, and the relay keeps messages only so long); it asked \"{contact}\", who added it, to add it back, and rejoins once they have synced. Messages sent while it was away are lost to it.");
    }

    /// <summary>The request to be added back with <paramref name="keyPackage"/> (this member's code name, the cell's suite), signed by this member's leaf.</summary>
    public ReAddRequest RequestReAdd(byte[] keyPackage) => ReAddRequest.Sign(Group, keyPackage);

    /// <summary>
    /// Judges a request: the KeyPackage's code name must be a member's, of the cell's ciphersuite, and
    /// the request signed with that member's current leaf key (so a contact cannot have another
    /// member's place given to it, nor a removed member come back this way).
    /// </summary>
    public ReAddVerdict Judge(ReAddRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Group.IsActive || KeyPackages.LeafOf(request.KeyPackage) is not { } leaf || KeyPackages.CipherSuiteOf(request.KeyPackage) != (ushort)Group.CipherSuite)
        {
            return ReAddVerdict.Refused;
        }

        var member = Group.Members.FirstOrDefault(m => m.Identity.AsSpan().SequenceEqual(leaf.Identity));
        if (member is null)
        {
            return ReAddVerdict.Refused;
        }

        if (member.SignatureKey.AsSpan().SequenceEqual(leaf.SignatureKey))
        {
            return ReAddVerdict.Done;
        }

        return request.IsSignedBy(Group, member) ? ReAddVerdict.Valid : ReAddVerdict.Refused;
    }

    /// <summary>
    /// Commits the removal of the requester's old leaf and the addition of its fresh KeyPackage, in
    /// one commit, unless a commit read first already did (<see cref="ReAddVerdict.Done"/>: two members
    /// that received the request add it back once). The Welcome goes to the store with the commit.
    /// </summary>
    public Task ReAddAsync(ReAddRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = System.Text.Encoding.UTF8.GetString(KeyPackages.LeafOf(request.KeyPackage)!.Identity);
        return ChangeMembersAsync([request.KeyPackage], [name], CommitAttempts, cancellationToken, stillWanted: () => Judge(request) == ReAddVerdict.Valid);
    }

    /// <summary>
    /// Takes the group a member's Welcome started for this member's request (of this cell, at a later
    /// epoch): it replaces the old one in the store, the outbox is protected again in the new epoch, and
    /// the rejoin secret is the new membership's. False when the group is not this cell's or not newer.
    /// </summary>
    public async Task<bool> AdoptWelcomedAsync(MlsGroup group, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (!group.GroupId.AsSpan().SequenceEqual(Group.GroupId) || group.Epoch <= Group.Epoch)
        {
            return false;
        }

        System.Security.Cryptography.CryptographicOperations.ZeroMemory(_rejoinSecret);
        _rejoinSecret = CellRejoin.SecretOf(group);

        // The same whole-group replacement as a won rejoin, with no commit of its own to append.
        using var adopted = PendingRejoin.Start(CellDrop.SeedsOf(group), [], [], group);
        await AdoptAsync(adopted, cancellationToken).ConfigureAwait(false);
        _gapNotices.RemoveAll(n => n is LostDeleted or LostRestarted or NoWayBack);
        _gapNotices.Add(ReAdded);
        AwaitingReAdd = false;
        return true;
    }
}
