using Courier.Node;

namespace Courier.Ui;

/// <summary>A first contact this UI started, as the page shows it: the code, when it expires, and how it ended.</summary>
internal sealed record InviteState(string Code, DateTimeOffset Expires, string State, string? Message, ContactView? Contact);

/// <summary>A contact as the page shows it: what <c>courier contact list</c> prints.</summary>
internal sealed record ContactView(string Name, string OurCodeName, string Fingerprint, string? IntroducedBy, string Relay)
{
    public static ContactView Of(Contact c) => new(c.Name, c.OurCodeName, c.Fingerprint, c.IntroducedByName, c.Relay);
}

internal sealed partial class NodeSession
{
    private CancellationTokenSource? _invitationCancel;

    /// <summary>The first contact started from the page, waiting or ended; null when none was started since unlocking.</summary>
    public InviteState? Invitation { get; private set; }

    /// <summary>A first contact that waits holds the node, so the UI does not lock on idle while it does.</summary>
    private bool Inviting => Invitation?.State == "waiting";

    /// <summary>
    /// Starts a first contact as the inviter and returns its code at once; the wait for the other side
    /// goes on in the background holding the node (it is one operation), and its end is pushed to the
    /// pages as an <c>invite</c> event.
    /// </summary>
    public async Task<InviteState> InviteAsync(Uri relay, string? phrase)
    {
        if (!await _gate.WaitAsync(BusyWait).ConfigureAwait(false))
        {
            throw new UiBusyException();
        }

        Invitation invitation;
        CancellationTokenSource cancel;
        try
        {
            var node = _node ?? throw new UiLockedException(LockReason ?? "locked");
            Touch();
            cancel = CancellationTokenSource.CreateLinkedTokenSource(_operations.Token);
            try
            {
                invitation = await node.InviteAsync(relay, phrase, null, cancel.Token).ConfigureAwait(false);
            }
            catch
            {
                cancel.Dispose();
                throw;
            }
        }
        catch
        {
            _gate.Release();
            throw;
        }

        _invitationCancel = cancel;
        var state = new InviteState(invitation.Code, _options.Node.Time.GetUtcNow() + _options.Node.FirstContactTimeout, "waiting", null, null);
        Invitation = state;
        _ = Task.Run(() => CompleteAsync(invitation, state, cancel));
        return state;
    }

    /// <summary>Abandons the waiting first contact: its nameplate is released, nothing is stored.</summary>
    public async Task CancelInvitationAsync()
    {
        if (_invitationCancel is { } cancel)
        {
            await cancel.CancelAsync().ConfigureAwait(false);
        }
    }

    private async Task CompleteAsync(Invitation invitation, InviteState state, CancellationTokenSource cancel)
    {
        try
        {
            var contact = await invitation.CompleteAsync(cancel.Token).ConfigureAwait(false);
            state = state with { State = "done", Contact = ContactView.Of(contact) };
        }
        catch (NodeException e)
        {
            state = state with { State = "failed", Message = e.Message };
        }
        catch (OperationCanceledException)
        {
            state = state with { State = "failed", Message = "The invitation was cancelled. Nothing was stored." };
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A background task: what failed is told to the page, in words; no detail that could name a secret.
            state = state with { State = "failed", Message = "The first contact failed for an unexpected reason; see the contact list for whether it was stored." };
        }
        finally
        {
            invitation.Dispose();
            _invitationCancel = null;
            cancel.Dispose();
            if (Invitation is not null)
            {
                Invitation = state;
            }

            Touch();
            _gate.Release();
        }

        Events.Publish("invite", state);
        if (state.Contact is not null)
        {
            Events.Publish("contacts", new { });
        }
    }
}
