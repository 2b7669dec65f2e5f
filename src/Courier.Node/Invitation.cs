using System.Security.Cryptography;
using Courier.Mls.Crypto;
using Courier.Node.Contacts;
using Courier.Node.Cpace;
using Courier.Node.FirstContact;
using Courier.Node.Relay;
using Courier.Relay.Client;

namespace Courier.Node;

/// <summary>
/// An invitation in progress on the inviter's side: the nameplate is allocated and the first CPace
/// message posted. Show <see cref="Code"/> to the other person (over a channel the relay does not
/// see), then await <see cref="CompleteAsync"/>. The nameplate is released when the invitation
/// completes, fails or is disposed: one invitation gives the other side, or a guesser, one try.
/// </summary>
public sealed class Invitation : IDisposable
{
    private readonly IRelay _relay;
    private readonly NameplateClaim _claim;
    private readonly FirstContactChannel _channel;
    private readonly CPaceParty _party;
    private readonly byte[] _sid;
    private readonly ContactStore _store;
    private readonly string? _codeName;
    private readonly NodeOptions _options;

    /// <summary>The ciphersuite of the KeyPackages we give (<see cref="NodeContext.SuiteFor"/>).</summary>
    private readonly CipherSuiteId _suite;
    private bool _used;

    private Invitation(IRelay relay, NameplateClaim claim, InvitationCode code, FirstContactChannel channel, CPaceParty party, byte[] sid, ContactStore store, string? codeName, NodeOptions options, CipherSuiteId suite)
    {
        _relay = relay;
        _claim = claim;
        _channel = channel;
        _party = party;
        _sid = sid;
        _store = store;
        _codeName = codeName;
        _options = options;
        _suite = suite;
        Code = code.Text;
        Nameplate = code.Nameplate;
    }

    /// <summary>The code to give the other person: <c>&lt;nameplate&gt;-&lt;words or phrase&gt;</c>.</summary>
    public string Code { get; }

    /// <summary>The relay's nameplate number (the public part of <see cref="Code"/>).</summary>
    public int Nameplate { get; }

    /// <summary>
    /// Waits for the other side, runs key confirmation and the exchange of contact offers, and
    /// stores the new contact. Can be called once.
    /// </summary>
    /// <exception cref="WrongCodeException">The other side used a different code; nothing was stored and the nameplate is burned.</exception>
    /// <exception cref="InterferenceException">A third party tried to join the nameplate and the contact did not complete; nothing was stored.</exception>
    /// <exception cref="FirstContactFailedException">No answer in time, or a message that does not verify; nothing was stored.</exception>
    /// <exception cref="RelayUnreachableException">The relay could not be reached.</exception>
    public async Task<Contact> CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (_used)
        {
            throw new InvalidOperationException("An invitation completes once.");
        }

        _used = true;
        byte[]? isk = null;
        try
        {
            var reply = await _channel.ReadAsync(FirstContactKind.Reply, fromInviter: false, cancellationToken).ConfigureAwait(false)
                ?? throw new FirstContactFailedException("The other side gave up before confirming the code. Nothing was stored.");
            if (reply.Length < CPaceRistretto255.FieldSizeBytes + FirstContactKeys.TagSize)
            {
                await _channel.AbortAsync(inviter: true, cancellationToken).ConfigureAwait(false);
                throw new FirstContactFailedException("The other side's answer is malformed. Nothing was stored.");
            }

            var yb = reply[..CPaceRistretto255.FieldSizeBytes];
            var transcript = _party.Transcript(yb, FirstContactProtocol.AcceptorAd);
            isk = _party.Finish(yb, FirstContactProtocol.AcceptorAd);
            if (isk is null)
            {
                await _channel.AbortAsync(inviter: true, cancellationToken).ConfigureAwait(false);
                throw new FirstContactFailedException("The other side sent an invalid key share. Nothing was stored.");
            }

            using var keys = FirstContactKeys.Derive(isk, _sid, transcript);
            if (!keys.CheckReplyTag(reply.AsSpan(CPaceRistretto255.FieldSizeBytes, FirstContactKeys.TagSize)))
            {
                await _channel.AbortAsync(inviter: true, cancellationToken).ConfigureAwait(false);
                throw _channel.Mismatch();
            }

            var theirs = FirstContactProtocol.OpenOffer(keys.OpenReply(reply.AsSpan(CPaceRistretto255.FieldSizeBytes + FirstContactKeys.TagSize)), keys.OfferContext(inviter: false));
            if (theirs is null)
            {
                await _channel.AbortAsync(inviter: true, cancellationToken).ConfigureAwait(false);
                throw new FirstContactFailedException("The other side's contact details did not verify. Nothing was stored.");
            }

            using var ours = PairwiseIdentity.Create(_codeName, _options, _suite);
            var confirmTag = keys.ConfirmTag();
            var sealedOffer = keys.SealConfirm(ours.Offer(keys.OfferContext(inviter: true)).Encode());
            await _channel.PostAsync(FirstContactKind.Confirm, (byte[])[.. confirmTag, .. sealedOffer], cancellationToken).ConfigureAwait(false);

            var ack = await _channel.ReadAsync(FirstContactKind.Ack, fromInviter: false, cancellationToken).ConfigureAwait(false);
            if (ack is null || !keys.CheckAckTag(ack))
            {
                throw new FirstContactFailedException("The other side did not acknowledge the contact. Nothing was stored.");
            }

            using var established = new EstablishedContact(ours, theirs, keys.PairwiseSecret(), weAreFirst: true);
            return await _store(established, null, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (isk is not null)
            {
                CryptographicOperations.ZeroMemory(isk);
            }

            _party.Dispose();
            await ReleaseAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Abandons the invitation if it has not completed: the nameplate is released.</summary>
    public void Dispose()
    {
        _party.Dispose();
        if (!_used)
        {
            _used = true;
            ReleaseAsync().GetAwaiter().GetResult();
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"Invitation(nameplate {Nameplate})";

    /// <summary>Allocates a nameplate, posts Hello, and returns the invitation.</summary>
    internal static async Task<Invitation> StartAsync(
        IRelay relay,
        string? phrase,
        ContactStore store,
        string? codeName,
        NodeOptions options,
        CipherSuiteId suite,
        CancellationToken cancellationToken)
    {
        var secret = InvitationCode.NewSecret(phrase);
        var claim = await relay.AllocateNameplateAsync(cancellationToken).ConfigureAwait(false);
        int nameplate = claim.Number;
        var code = InvitationCode.Create(nameplate, secret);

        var sid = RandomNumberGenerator.GetBytes(FirstContactProtocol.SidSize);
        var prs = FirstContactProtocol.Password(code);
        CPaceParty party;
        try
        {
            party = CPaceParty.Start(CPaceRole.A, CPaceMode.InitiatorResponder, prs, FirstContactProtocol.ChannelIdentifier(nameplate), sid, FirstContactProtocol.InviterAd);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(prs);
        }

        var channel = new FirstContactChannel(relay, claim, options.Time, options.Time.GetUtcNow() + options.FirstContactTimeout);
        var invitation = new Invitation(relay, claim, code, channel, party, sid, store, codeName, options, suite);
        try
        {
            await channel.PostAsync(FirstContactKind.Hello, (byte[])[.. sid, .. party.Share], cancellationToken).ConfigureAwait(false);
            return invitation;
        }
        catch
        {
            invitation.Dispose();
            throw;
        }
    }

    /// <summary>Releases the nameplate. Best effort: if the relay is unreachable the nameplate expires on its own.</summary>
    private async Task ReleaseAsync()
    {
        try
        {
            await _relay.ReleaseAsync(_claim, CancellationToken.None).ConfigureAwait(false);
        }
        catch (NodeException)
        {
            // Unreachable or already gone: the relay forgets the nameplate when it expires.
        }
    }
}
