using Courier.Frost;
using Courier.Node.Bulletins;
using Courier.Node.Storage;

namespace Courier.Node.Council;

/// <summary>The requester's part (RFC 9591 §5.2–5.4): choosing the signers, checking each share, naming a bad one, aggregating.</summary>
internal sealed partial class CouncilService
{
    /// <summary>Moves one of this node's requests on when it can; true when something was posted or changed.</summary>
    private async Task<bool> CoordinateAsync(SigningState state, List<string> notices, CancellationToken cancellationToken)
    {
        var held = Held().FirstOrDefault(h => h.GroupKey.AsSpan().SequenceEqual(state.Authority));
        var cell = held is null ? null : CellOf(held);
        if (held is null || cell is null)
        {
            return false;
        }

        var publicKeys = PublicKeyPackage.Deserialize(held.PublicKeyPackage);
        var message = new CouncilMessage(CouncilMessageType.Package, state.Authority, state.Request, state.Round, []);
        if (state.Status == SigningStatus.Collecting)
        {
            var chosen = Usable(state, publicKeys).Take(publicKeys.MinSigners).ToList();
            if (chosen.Count < publicKeys.MinSigners)
            {
                return false;
            }

            var package = new SigningPackage(chosen.Select(c => c.Commitments), Bulletin.SigningInput(BulletinHeader.Decode(state.Header)));
            var (own, used) = OwnShare(state, held, package);
            state = state with { Status = SigningStatus.Signing, Package = package.Serialize(), Commitments = [.. chosen.Select(c => (c.Sender, c.Commitments.Serialize()))], Shares = own is null ? [] : [(cell.CodeName, own)] };
            using (var transaction = node.Vault.Begin())
            {
                // The own nonces go in the write that keeps the own share: never one without the other.
                if (used is not null)
                {
                    transaction.Delete(used);
                }

                transaction.PutWiped(VaultCollection.SigningRequest, state.Id, state.Encode());
                transaction.Commit();
            }

            await PostAsync(cell, message with { Payload = state.Package }, cancellationToken).ConfigureAwait(false);
            return true;
        }

        var signing = SigningPackage.Deserialize(state.Package);
        if (state.Shares.Count < signing.Signers.Count)
        {
            return false;
        }

        // Each share must be its sender's own identifier's, and verify (§5.4): a sender whose does not is named.
        var identifierOf = state.Commitments.ToDictionary(c => c.Sender, c => SigningCommitments.Deserialize(c.Data).Identifier);
        var shares = new List<SignatureShare>();
        var culprits = new List<string>();
        foreach (var (sender, data) in state.Shares)
        {
            try
            {
                var share = SignatureShare.Deserialize(data);
                if (share.Identifier.Equals(identifierOf[sender]) && Signing.VerifyShare(signing, share, publicKeys))
                {
                    shares.Add(share);
                    continue;
                }
            }
            catch (FrostException)
            {
            }

            culprits.Add(sender);
        }

        if (culprits.Count == 0)
        {
            await CompleteAsync(state, held, signing, shares, publicKeys, notices).ConfigureAwait(false);
            await PostAsync(cell, message with { Type = CouncilMessageType.Done }, cancellationToken).ConfigureAwait(false);
            return true;
        }

        // A new round without them: fresh nonces from everyone (each signer's of this round are used).
        notices.Add($"Signing for \"{held.Name}\": {string.Join(", ", culprits.Select(c => $"\"{c}\""))} sent a signature share that does not verify and {(culprits.Count == 1 ? "is" : "are")} excluded; round {state.Round + 1} started.");
        var round = state.Round + 1;
        using (var transaction = node.Vault.Begin())
        {
            var (_, commitments) = Approve(transaction, held, state.Request, round, state.Header, cell.CodeName);
            state = state with { Round = round, Status = SigningStatus.Collecting, Commitments = [(cell.CodeName, commitments)], Package = [], Shares = [], Excluded = [.. state.Excluded, .. culprits] };
            transaction.PutWiped(VaultCollection.SigningRequest, state.Id, state.Encode());
            transaction.Commit();
        }

        await PostAsync(cell, message with { Type = CouncilMessageType.Request, Round = round, Payload = state.Header }, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>The commitments of this round that can sign: one per participant of the key, from members not excluded, in the order they came (this node's first).</summary>
    private static IEnumerable<(string Sender, SigningCommitments Commitments)> Usable(SigningState state, PublicKeyPackage publicKeys)
    {
        var seen = new HashSet<Identifier>();
        foreach (var (sender, data) in state.Commitments)
        {
            SigningCommitments? commitments = null;
            try
            {
                commitments = SigningCommitments.Deserialize(data);
            }
            catch (FrostException)
            {
            }

            if (commitments is not null && publicKeys.Participants.Contains(commitments.Identifier) && seen.Add(commitments.Identifier))
            {
                yield return (sender, commitments);
            }
        }
    }

    /// <summary>The coordinator's own share when it is among the signers, and the id of the stored nonces it used (to delete in the same write).</summary>
    private (byte[]? Share, byte[]? Used) OwnShare(SigningState state, HeldAuthority held, SigningPackage package)
    {
        var stored = Nonces().FirstOrDefault(n => n.Of(state.Authority, state.Request) && n.Round == state.Round);
        using var key = KeyPackage.Deserialize(held.KeyPackage);
        if (stored is null || !package.Signers.Contains(key.Identifier))
        {
            return (null, null);
        }

        using var nonces = SigningNonces.Deserialize(stored.Nonces);
        return (Signing.Sign(package, nonces, key).Serialize(), stored.Id);
    }

    /// <summary>Aggregates (§5.3), builds the bulletin and keeps it: in the request's content record, and among this node's bulletins.</summary>
    private async Task CompleteAsync(SigningState state, HeldAuthority held, SigningPackage package, List<SignatureShare> shares, PublicKeyPackage publicKeys, List<string> notices)
    {
        var signature = Signing.Aggregate(package, shares, publicKeys);
        var content = node.Vault.Get(VaultCollection.SigningContent, state.ContentId) ?? throw new VaultCorruptedException("A bulletin's content vanished from the vault.");
        var bulletin = await Bulletin.CreateAsync(BulletinHeader.Decode(state.Header), content, (_, _) => Task.FromResult(signature)).ConfigureAwait(false);
        var file = bulletin.ToFile();
        using (var transaction = node.Vault.Begin())
        {
            transaction.PutWiped(VaultCollection.SigningContent, state.ContentId, (byte[])file.Clone());
            transaction.PutWiped(VaultCollection.SigningRequest, state.Id, (state with { Status = SigningStatus.Completed, BulletinId = bulletin.Id }).Encode());
            transaction.Commit();
        }

        try
        {
            bulletins.Accept(file);
        }
        catch (BulletinRejectedException e)
        {
            notices.Add($"The bulletin signed for \"{held.Name}\" is kept with its request; this node did not take it among its bulletins: {e.Message}");
        }
    }

    /// <summary>The signed bulletin file of a completed request of this node, by request id or bulletin id prefix.</summary>
    public byte[] SignedFile(string id)
    {
        var wanted = id.Trim().ToLowerInvariant();
        var matches = node.Vault.ReadAll(VaultCollection.SigningRequest, SigningState.Decode)
            .Where(s => s.Status == SigningStatus.Completed && wanted.Length >= 8 && (Convert.ToHexStringLower(s.Request).StartsWith(wanted, StringComparison.Ordinal) || s.BulletinId.StartsWith(wanted, StringComparison.Ordinal))).ToList();
        return matches.Count == 1 ? node.Vault.Get(VaultCollection.SigningContent, matches[0].ContentId)!
            : throw new UnknownAuthorityException($"No completed signing request of this node, or several, match \"{id}\".");
    }
}
