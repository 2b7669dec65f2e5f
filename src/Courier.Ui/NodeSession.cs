using Courier.Node;

namespace Courier.Ui;

/// <summary>The page asked for the node while the vault is locked.</summary>
internal sealed class UiLockedException(string reason) : Exception("The vault is locked: unlock it with its passphrase.")
{
    public string Reason { get; } = reason;
}

/// <summary>The node is busy with a long operation (a first contact waiting for the other side).</summary>
internal sealed class UiBusyException() : Exception("The node is busy with another operation (a first contact waiting for the other side?): try again in a moment, or cancel it.");

/// <summary>
/// The node behind the UI: opened with the passphrase from the page, one operation at a time (the
/// node is not thread-safe), synced in the background with arrivals pushed to the pages, and closed
/// again after an idle timeout or when <c>courier panic</c> destroys the vault.
/// </summary>
internal sealed partial class NodeSession : IAsyncDisposable
{
    /// <summary>How long a page request waits for the node before it is told the node is busy.</summary>
    private static readonly TimeSpan BusyWait = TimeSpan.FromSeconds(5);

    private readonly UiOptions _options;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private CourierNode? _node;
    private CancellationTokenSource _operations = new();
    private long _lastActivity;

    public NodeSession(UiOptions options, EventHub events)
    {
        _options = options;
        Events = events;
        _loop = Task.Run(() => LoopAsync(_stop.Token));
    }

    public EventHub Events { get; }

    /// <summary>Why the vault is locked: <c>start</c>, <c>locked</c> (by the user), <c>idle</c> or <c>vault_destroyed</c>; null while unlocked.</summary>
    public string? LockReason { get; private set; } = "start";

    public bool Unlocked => Volatile.Read(ref _node) is not null;

    /// <summary>Opens the vault with the passphrase (Argon2id: this takes a moment). A wrong passphrase throws <see cref="WrongPassphraseException"/>.</summary>
    public async Task UnlockAsync(string passphrase)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_node is null)
            {
                var chars = passphrase.ToCharArray();
                try
                {
                    _node = await Task.Run(() => CourierNode.Open(_options.Home, chars, _options.Node)).ConfigureAwait(false);
                }
                finally
                {
                    Array.Clear(chars);
                }

                _operations = new CancellationTokenSource();
                LockReason = null;
            }

            Touch();
        }
        finally
        {
            _gate.Release();
        }

        Events.Publish("unlocked", new { });
    }

    /// <summary>Closes the vault: the node's secrets are wiped, a running first contact is abandoned, the pages show the passphrase form.</summary>
    public async Task LockAsync(string reason)
    {
        var operations = _operations;
        await operations.CancelAsync().ConfigureAwait(false);
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            _node?.Dispose();
            _node = null;
            Invitation = null;
            LockReason = reason;
            if (reason == "vault_destroyed")
            {
                // Files that waited in the outbox are plain copies under the home: they go with the vault.
                DeleteUploads();
            }
        }
        finally
        {
            _gate.Release();
        }

        Events.Publish("locked", new { reason });
    }

    /// <summary>Runs one operation on the node, after any other has finished.</summary>
    public async Task<T> RunAsync<T>(Func<CourierNode, CancellationToken, Task<T>> operation)
    {
        if (!await _gate.WaitAsync(BusyWait).ConfigureAwait(false))
        {
            throw new UiBusyException();
        }

        try
        {
            var node = _node ?? throw new UiLockedException(LockReason ?? "locked");
            Touch();
            return await operation(node, _operations.Token).ConfigureAwait(false);
        }
        catch (VaultDestroyedException)
        {
            _ = Task.Run(() => LockAsync("vault_destroyed"));
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Runs one operation that needs no waiting on the network.</summary>
    public Task<T> Run<T>(Func<CourierNode, T> operation) => RunAsync((node, _) => Task.FromResult(operation(node)));

    /// <summary>Where files being sent from the page are kept until they have left (<see cref="UiApi"/>).</summary>
    public string Uploads => Path.Combine(_options.Home, "ui-uploads");

    private void DeleteUploads()
    {
        try
        {
            if (Directory.Exists(Uploads))
            {
                Directory.Delete(Uploads, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Events.Publish("notice", new { text = "Files that waited to be sent could not all be deleted from the home's ui-uploads folder: delete it by hand." });
        }
    }

    private void Touch() => Interlocked.Exchange(ref _lastActivity, _options.Node.Time.GetTimestamp());

    private bool Idle => _options.Node.Time.GetElapsedTime(Interlocked.Read(ref _lastActivity)) > _options.IdleTimeout;

    /// <summary>Syncs while unlocked and the node is free, pushing what arrived; locks on idle and on panic.</summary>
    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        var checks = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                // A panic is noticed within a tenth of a second, between syncs.
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
                if (_node is not { } node)
                {
                    continue;
                }

                if (node.Destroyed)
                {
                    await LockAsync("vault_destroyed").ConfigureAwait(false);
                }
                else if (Idle && !Inviting)
                {
                    await LockAsync("idle").ConfigureAwait(false);
                }
                else if (++checks * 100 >= _options.SyncInterval.TotalMilliseconds)
                {
                    checks = 0;
                    await SyncOnceAsync().ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task SyncOnceAsync()
    {
        if (!await _gate.WaitAsync(0).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            if (_node is { } node)
            {
                Publish(await node.SyncAsync(_operations.Token).ConfigureAwait(false));
            }
        }
        catch (VaultDestroyedException)
        {
            _ = Task.Run(() => LockAsync("vault_destroyed"));
        }
        catch (NodeException e)
        {
            Events.Publish("notice", new { text = e.Message });
        }
        catch (OperationCanceledException)
        {
            // Locked while syncing: what arrived so far is stored.
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Publish(Courier.Node.Cells.SyncResult result)
    {
        foreach (var cell in result.Received.Select(m => m.Cell).Distinct())
        {
            Events.Publish("message", new { cell });
        }

        if (result.Contacts.Added.Count > 0)
        {
            Events.Publish("contacts", new { });
        }

        if (result.Contacts.JoinedCells.Count > 0 || result.RemovedFrom.Count > 0)
        {
            Events.Publish("cells", new { });
        }

        foreach (var notice in result.Notices.Concat(result.Problems))
        {
            Events.Publish("notice", new { text = notice });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _operations.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        await _gate.WaitAsync().ConfigureAwait(false);
        _node?.Dispose();
        _node = null;
        _gate.Dispose();
        _stop.Dispose();
        _operations.Dispose();
    }
}
