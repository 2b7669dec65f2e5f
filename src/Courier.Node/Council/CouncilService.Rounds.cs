using System.Security.Cryptography;
using Courier.Frost;
using Courier.Node.Bulletins;
using Courier.Node.Storage;

namespace Courier.Node.Council;

/// <summary>What a member and a coordinator do with each council message (docs/bulletins.md, "The signing protocol").</summary>
internal sealed partial class CouncilService
{
    /// <summary>Acts on one received council message; true when something was posted or changed.</summary>
    private async Task<bool> HandleAsync(ReceivedCouncilMessage record, List<string> notices, CancellationToken cancellationToken)
    {
        var message = TryDecode(record.Body);
        var held = message is null ? null : HeldFor(Held(), message.Authority, record.CellId);
        if (message is null || held is null)
        {
            // Not for an authority this node holds a share of in that cell (or garbage): nothing to do.
            Delete(record);
            return false;
        }

        switch (message.Type)
        {
            case CouncilMessageType.Request:
                return await AnswerRequestAsync(record, message, held, notices, cancellationToken).ConfigureAwait(false);
            case CouncilMessageType.Package:
                return await SignAsync(record, message, held, notices, cancellationToken).ConfigureAwait(false);
            case CouncilMessageType.Commitment or CouncilMessageType.Share:
                Collect(record, message);
                return true;
            default:
                using (var transaction = node.Vault.Begin())
                {
                    // Done: whatever nonces this member still holds for the request will never be used, nor will it be approved.
                    foreach (var nonce in Nonces().Where(n => n.Of(message.Authority, message.Request)))
                    {
                        transaction.Delete(nonce.Id);
                    }

                    foreach (var pending in Pending().Where(p => p.Message.Request.AsSpan().SequenceEqual(message.Request)))
                    {
                        transaction.Delete(pending.Record.Id);
                    }

                    transaction.Delete(record.Id);
                    transaction.Commit();
                }

                return false;
        }
    }

    /// <summary>A request: a later round of one this member approved is answered at once; a new one waits for approval; one it refuses is said.</summary>
    private async Task<bool> AnswerRequestAsync(ReceivedCouncilMessage record, CouncilMessage message, HeldAuthority held, List<string> notices, CancellationToken cancellationToken)
    {
        var refusal = Refusal(held, message.Payload);
        if (refusal is null && BulletinHeader.Decode(message.Payload).Sequence is var requested && requested > held.SeenSequence)
        {
            // The next request of this member takes a number above every one asked for in the council.
            held = held with { SeenSequence = requested };
            Put(held);
        }

        var approvedBefore = refusal is null && held.LastHeader.Length > 0 && CryptographicOperations.FixedTimeEquals(held.LastHeader, SHA256.HashData(message.Payload));
        var mine = Nonces().Where(n => n.Of(message.Authority, message.Request)).ToList();
        if (refusal is not null || !approvedBefore || mine.Any(n => n.Round >= message.Round))
        {
            if (refusal is not null)
            {
                notices.Add($"\"{record.Sender}\" asked the council of \"{held.Name}\" to sign: {refusal}");
                Delete(record);
            }
            else if (!approvedBefore)
            {
                // Waits for `courier authority approve`; of two rounds of one request, only the later waits.
                foreach (var other in Pending().Where(p => !p.Record.Id.AsSpan().SequenceEqual(record.Id) && p.Message.Request.AsSpan().SequenceEqual(message.Request)))
                {
                    Delete(other.Message.Round < message.Round ? other.Record : record);
                }
            }
            else
            {
                Delete(record);
            }

            return false;
        }

        var cell = CellOf(held);
        if (cell is null)
        {
            Delete(record);
            return false;
        }

        byte[] commitments;
        using (var transaction = node.Vault.Begin())
        {
            // A new round: the older round's nonces of this request are never used now.
            mine.ForEach(n => transaction.Delete(n.Id));
            (_, commitments) = Approve(transaction, held, message.Request, message.Round, message.Payload, record.Sender);
            transaction.Delete(record.Id);
            transaction.Commit();
        }

        await PostAsync(cell, message with { Type = CouncilMessageType.Commitment, Payload = commitments }, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// A signing package: signed with this member's stored nonces for that round, which are deleted in a
    /// durable write before the share is posted. No stored nonce (already signed, or never committed): not answered.
    /// </summary>
    private async Task<bool> SignAsync(ReceivedCouncilMessage record, CouncilMessage message, HeldAuthority held, List<string> notices, CancellationToken cancellationToken)
    {
        var stored = Nonces().FirstOrDefault(n => n.Of(message.Authority, message.Request) && n.Round == message.Round);
        if (stored is not null && stored.Requester != record.Sender)
        {
            // Only the member who asked chooses the signers: another's package would spend the nonce.
            notices.Add($"\"{record.Sender}\" sent a signing package for a request of \"{stored.Requester}\" (authority \"{held.Name}\"); it was ignored.");
            Delete(record);
            return false;
        }

        SigningPackage? package = null;
        try
        {
            package = SigningPackage.Deserialize(message.Payload);
        }
        catch (FrostException)
        {
        }

        using var key = KeyPackage.Deserialize(held.KeyPackage);
        if (package is null || !package.Signers.Contains(key.Identifier))
        {
            // Not chosen this time (or not a package): the nonces of that round will not be used.
            using var transaction = node.Vault.Begin();
            if (stored is not null && package is not null)
            {
                transaction.Delete(stored.Id);
            }

            transaction.Delete(record.Id);
            transaction.Commit();
            return false;
        }

        if (stored is null)
        {
            notices.Add($"\"{record.Sender}\" asked this node to sign for \"{held.Name}\" (round {message.Round}) with nonces it no longer holds (already used, or never made): it did not sign again.");
            Delete(record);
            return false;
        }

        byte[]? share = null;
        if (CryptographicOperations.FixedTimeEquals(SHA256.HashData(package.Message), stored.MessageHash))
        {
            try
            {
                using var nonces = SigningNonces.Deserialize(stored.Nonces);
                share = Signing.Sign(package, nonces, key).Serialize();
            }
            catch (FrostException)
            {
                // A package without this member's commitments as it made them: nothing is signed.
            }
        }

        using (var transaction = node.Vault.Begin())
        {
            // Durable before the share leaves: a crash from here on leaves no nonce to use again.
            transaction.Delete(stored.Id);
            transaction.Delete(record.Id);
            transaction.Commit();
        }

        if (share is null)
        {
            notices.Add($"\"{record.Sender}\" asked this node to sign for \"{held.Name}\" a message or commitments other than those it committed to: it did not sign.");
            return false;
        }

        var cell = CellOf(held);
        if (cell is not null)
        {
            share = AlterShare?.Invoke(share) ?? share;
            await PostAsync(cell, message with { Type = CouncilMessageType.Share, Payload = share }, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>A commitment or a share for a request this node coordinates, kept in its state when it belongs to the current round.</summary>
    private void Collect(ReceivedCouncilMessage record, CouncilMessage message)
    {
        var state = node.Vault.ReadAll(VaultCollection.SigningRequest, SigningState.Decode)
            .FirstOrDefault(s => s.Request.AsSpan().SequenceEqual(message.Request) && s.CellId.AsSpan().SequenceEqual(record.CellId));
        using var transaction = node.Vault.Begin();
        if (state is not null && message.Round == state.Round && !state.Excluded.Contains(record.Sender))
        {
            if (message.Type == CouncilMessageType.Commitment && state.Status == SigningStatus.Collecting && state.Commitments.All(c => c.Sender != record.Sender))
            {
                state = state with { Commitments = [.. state.Commitments, (record.Sender, message.Payload)] };
            }
            else if (message.Type == CouncilMessageType.Share && state.Status == SigningStatus.Signing && state.Commitments.Any(c => c.Sender == record.Sender) && state.Shares.All(s => s.Sender != record.Sender))
            {
                state = state with { Shares = [.. state.Shares, (record.Sender, message.Payload)] };
            }

            transaction.PutWiped(VaultCollection.SigningRequest, state.Id, state.Encode());
        }

        transaction.Delete(record.Id);
        transaction.Commit();
    }

    private List<StoredNonce> Nonces() => node.Vault.ReadAll(VaultCollection.SigningNonce, StoredNonce.Decode);

    private void Delete(ReceivedCouncilMessage record)
    {
        using var transaction = node.Vault.Begin();
        transaction.Delete(record.Id);
        transaction.Commit();
    }
}
