using System.Security.Cryptography;
using Courier.Frost;
using Courier.Node.Bulletins;
using Courier.Node.Cells;
using Courier.Node.Storage;
using Courier.Node.Wire;

namespace Courier.Node.Council;

/// <summary>
/// The two FROST signing rounds (RFC 9591 §5) over the council's own cell (docs/bulletins.md, "The
/// signing protocol"). Nonces live in the vault: stored before a commitment is posted, deleted (in a
/// durable write) before a signature share is posted, so a restarted node never signs twice with one.
/// </summary>
internal sealed partial class CouncilService
{
    /// <summary>Tests only: changes this node's signature shares before they are posted (a member that cheats).</summary>
    internal Func<byte[], byte[]>? AlterShare { get; set; }

    /// <summary>The scope of a bulletin for the authority's whole audience: the first 16 bytes of SHA-256 of a label and the key.</summary>
    public static byte[] WholeAudience(byte[] authority) => SHA256.HashData([.. "courier bulletin scope all v1"u8, .. authority])[..BulletinHeader.ScopeIdSize];

    /// <summary>
    /// Starts a signing of <paramref name="content"/> as the authority's next bulletin: this node approves
    /// it, commits (its nonces stored first) and posts the request to the council's cell. Syncs move it on.
    /// </summary>
    public async Task<SigningRequestInfo> PublishAsync(string authority, ReadOnlyMemory<byte> content, string title, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var held = Find(authority);
        var cell = CellOf(held) ?? throw new CouncilRefusedException($"This node is no longer a member of the council cell of \"{held.Name}\", where the signing runs; nothing was sent.");
        var key = held.GroupKey;
        var latest = bulletins.Authorities().FirstOrDefault(a => a.Key == Convert.ToHexStringLower(key))?.Latest ?? 0;
        var now = node.Options.Time.GetUtcNow();
        if (expiresAt <= now || content.Length > BulletinHeader.MaxContentLength || System.Text.Encoding.UTF8.GetByteCount(title) > BulletinHeader.MaxTitleBytes)
        {
            throw new CouncilRefusedException($"A bulletin expires after it is issued, holds at most {BulletinHeader.MaxContentLength} bytes and has a title of at most {BulletinHeader.MaxTitleBytes} bytes; nothing was sent.");
        }

        var header = Bulletin.Describe(key, Math.Max(latest, Math.Max(held.LastSequence, held.SeenSequence)) + 1, now, expiresAt, BulletinKind.Document, [WholeAudience(key)], title, content.Span).Encode();
        var request = Vault.NewId();
        var contentId = Vault.NewId();
        using var transaction = node.Vault.Begin();
        transaction.PutWiped(VaultCollection.SigningContent, contentId, content.ToArray());
        var (approved, commitments) = Approve(transaction, held, request, 1, header, cell.CodeName);
        var state = new SigningState(Vault.NewId(), request, key, cell.Id, 1, SigningStatus.Collecting, header, contentId, [(cell.CodeName, commitments)], [], [], [], string.Empty, node.Now);
        transaction.PutWiped(VaultCollection.SigningRequest, state.Id, state.Encode());
        transaction.Commit();
        await PostAsync(cell, new CouncilMessage(CouncilMessageType.Request, key, request, 1, header), cancellationToken).ConfigureAwait(false);
        return Describe(state, approved, cell);
    }

    /// <summary>Approves another member's request: commits (nonces stored first) and posts the commitments.</summary>
    public async Task ApproveAsync(string id, CancellationToken cancellationToken)
    {
        var pending = Pending().Where(p => Convert.ToHexStringLower(p.Message.Request).StartsWith(id.Trim().ToLowerInvariant(), StringComparison.Ordinal)).ToList();
        if (pending.Count != 1 || id.Trim().Length < 8)
        {
            throw new UnknownAuthorityException($"No signing request, or several, waiting for this node's approval start with \"{id}\" (courier authority requests lists them; give at least 8 hex digits).");
        }

        var (record, message, held) = pending[0];
        var cell = CellOf(held) ?? throw new CouncilRefusedException("This node is no longer a member of the council's cell; nothing was sent.");
        var refusal = Refusal(held, message.Payload);
        if (refusal is not null)
        {
            throw new CouncilRefusedException(refusal);
        }

        byte[] commitments;
        using (var transaction = node.Vault.Begin())
        {
            (_, commitments) = Approve(transaction, held, message.Request, message.Round, message.Payload, record.Sender);
            transaction.Delete(record.Id);
            transaction.Commit();
        }

        await PostAsync(cell, message with { Type = CouncilMessageType.Commitment, Payload = commitments }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The requests this node coordinates, and those waiting for its approval.</summary>
    public IReadOnlyList<SigningRequestInfo> Requests()
    {
        var cells = node.Cells.All();
        var held = Held();
        var own = node.Vault.ReadAll(VaultCollection.SigningRequest, SigningState.Decode).Select(s =>
            (s.CreatedAt, Info: Describe(s, held.First(h => h.GroupKey.AsSpan().SequenceEqual(s.Authority)), cells.First(c => c.Id.AsSpan().SequenceEqual(s.CellId)))));
        var waiting = Pending().Select(p =>
        {
            var header = BulletinHeader.Decode(p.Message.Payload);
            return ((long)p.Record.Arrival, new SigningRequestInfo(Convert.ToHexStringLower(p.Message.Request), p.Held.Name, header.Sequence, header.Title, header.ContentLength,
                BulletinId(p.Message.Payload), p.Record.Sender, SigningStatus.AwaitingApproval, p.Message.Round, 0, []));
        });
        return [.. own.OrderBy(o => o.CreatedAt).Select(o => o.Info).Concat(waiting.Select(w => w.Item2))];
    }

    /// <summary>
    /// Acts on what the council cells brought (called by sync): answers requests this member approved,
    /// signs packages it committed to, and moves on the requests it coordinates.
    /// </summary>
    public async Task AdvanceAsync(List<string> notices, CancellationToken cancellationToken)
    {
        for (var pass = 0; pass < 4; pass++)
        {
            var acted = false;
            var received = node.Vault.ReadAll(VaultCollection.CouncilMessage, ReceivedCouncilMessage.Decode).OrderBy(r => r.Arrival).ToList();
            foreach (var record in received)
            {
                acted |= await HandleAsync(record, notices, cancellationToken).ConfigureAwait(false);
            }

            foreach (var state in node.Vault.ReadAll(VaultCollection.SigningRequest, SigningState.Decode).Where(s => s.Status != SigningStatus.Completed))
            {
                acted |= await CoordinateAsync(state, notices, cancellationToken).ConfigureAwait(false);
            }

            if (!acted)
            {
                return;
            }
        }
    }

    /// <summary>This member's consent to <paramref name="header"/> and its round-one nonces for <paramref name="requester"/>'s package, in the caller's transaction: stored before the commitments leave.</summary>
    private (HeldAuthority Held, byte[] Commitments) Approve(VaultTransaction transaction, HeldAuthority held, byte[] request, int round, byte[] header, string requester)
    {
        using var key = KeyPackage.Deserialize(held.KeyPackage);
        using var nonces = Signing.Commit(key);
        var serialized = nonces.Serialize();
        var stored = new StoredNonce(Vault.NewId(), held.GroupKey, request, round, SHA256.HashData(Bulletin.SigningInput(BulletinHeader.Decode(header))), requester, serialized);
        transaction.PutWiped(VaultCollection.SigningNonce, stored.Id, stored.Encode());
        CryptographicOperations.ZeroMemory(serialized);
        var approved = held with { LastSequence = BulletinHeader.Decode(header).Sequence, LastHeader = SHA256.HashData(header) };
        transaction.PutWiped(VaultCollection.AuthorityShare, approved.Id, approved.Encode());
        return (approved, nonces.Commitments.Serialize());
    }

    /// <summary>Why this member will not sign <paramref name="header"/>, or null: it must be for this authority and numbered above what the member approved (or be the very header it approved).</summary>
    private static string? Refusal(HeldAuthority held, byte[] header)
    {
        BulletinHeader decoded;
        try
        {
            decoded = BulletinHeader.Decode(header);
        }
        catch (MalformedRecordException)
        {
            return "The request does not hold a bulletin header; it was not approved.";
        }

        if (!decoded.Authority.AsSpan().SequenceEqual(held.GroupKey))
        {
            return $"The request is for another key than the authority \"{held.Name}\"; it was not approved.";
        }

        var same = held.LastHeader.Length > 0 && CryptographicOperations.FixedTimeEquals(held.LastHeader, SHA256.HashData(header));
        return decoded.Sequence > held.LastSequence || (decoded.Sequence == held.LastSequence && same) ? null
            : $"This member already approved bulletin number {held.LastSequence} of \"{held.Name}\"; a different bulletin numbered {decoded.Sequence} is refused (two bulletins with one number).";
    }

    private List<(ReceivedCouncilMessage Record, CouncilMessage Message, HeldAuthority Held)> Pending()
    {
        var held = Held();
        var result = new List<(ReceivedCouncilMessage, CouncilMessage, HeldAuthority)>();
        foreach (var record in node.Vault.ReadAll(VaultCollection.CouncilMessage, ReceivedCouncilMessage.Decode).OrderBy(r => r.Arrival))
        {
            var message = TryDecode(record.Body);
            var of = message is null ? null : HeldFor(held, message.Authority, record.CellId);
            if (message is { Type: CouncilMessageType.Request } && of is not null)
            {
                result.Add((record, message, of));
            }
        }

        return result;
    }

    private SigningRequestInfo Describe(SigningState state, HeldAuthority held, CellRecord cell)
    {
        var header = BulletinHeader.Decode(state.Header);
        return new SigningRequestInfo(Convert.ToHexStringLower(state.Request), held.Name, header.Sequence, header.Title, header.ContentLength, state.BulletinId.Length > 0 ? state.BulletinId : BulletinId(state.Header),
            cell.CodeName, state.Status, state.Round, state.Commitments.Count, state.Excluded);
    }

    private static string BulletinId(byte[] header) => Convert.ToHexStringLower(SHA256.HashData(Bulletin.SigningInput(BulletinHeader.Decode(header))));

    private static HeldAuthority? HeldFor(List<HeldAuthority> held, byte[] authority, byte[] cellId)
        => held.FirstOrDefault(h => h.CellId.AsSpan().SequenceEqual(cellId) && h.GroupKey.AsSpan().SequenceEqual(authority));

    private CellRecord? CellOf(HeldAuthority held) => node.Cells.All().FirstOrDefault(c => c.IsMember && c.Id.AsSpan().SequenceEqual(held.CellId));

    /// <summary>Posts a council message to the council's cell.</summary>
    private Task PostAsync(CellRecord cell, CouncilMessage message, CancellationToken cancellationToken)
        => node.Cells.RunAsync(cell, (open, _) => open.SendAsync([new CouncilContent(message.Encode())], null, [], cancellationToken));

    private static CouncilMessage? TryDecode(byte[] body)
    {
        try
        {
            return CouncilMessage.Decode(body);
        }
        catch (MalformedRecordException)
        {
            return null;
        }
    }
}
