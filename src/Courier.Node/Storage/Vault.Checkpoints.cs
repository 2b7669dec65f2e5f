namespace Courier.Node.Storage;

/// <summary>
/// When replaced records' old page images leave the WAL (docs/node.md, "What the vault leaves on
/// disk"): at the end of the operation, or, for a cell's current-epoch bookkeeping, after a delay.
/// </summary>
internal sealed partial class Vault
{
    private int _deferrals;
    private bool _checkpointDue;
    private TimeSpan _withinEpochDelay;
    private TimeProvider _time = TimeProvider.System;
    private DateTimeOffset? _withinEpochSince;

    /// <summary>
    /// Until the returned scope ends, the WAL checkpoint after a replacing transaction waits for its
    /// end: one node operation (a send reads, stores, appends and reads again) copies its pages into
    /// the database once, not after each of its transactions. Scopes nest; the node runs one
    /// operation at a time.
    /// </summary>
    /// <exception cref="VaultDestroyedException">The vault was destroyed (panic): no operation starts.</exception>
    public CheckpointScope DeferCheckpoints()
    {
        CheckNotDestroyed();
        _deferrals++;
        return new CheckpointScope(this);
    }

    /// <summary>
    /// How long the old page images of records replaced within a cell's epoch (see
    /// <see cref="VaultTransaction.WithinEpoch"/>) may stay in the WAL; zero, the default, removes
    /// them at the end of the operation like everything else (docs/node.md, "What the vault leaves on disk").
    /// </summary>
    internal void KeepWithinEpochImages(TimeSpan delay, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        _withinEpochDelay = delay;
        _time = time;
    }

    /// <summary>
    /// A committed transaction replaced or deleted records: their page images leave the WAL
    /// (<see cref="VaultDatabase.Checkpoint"/>) at the end of the operation, or, when they belonged
    /// only to a cell's current epoch, at the end of the first operation after the delay.
    /// </summary>
    internal void Replaced(bool withinEpoch)
    {
        if (withinEpoch && _withinEpochDelay > TimeSpan.Zero)
        {
            _withinEpochSince ??= _time.GetUtcNow();
        }
        else
        {
            _checkpointDue = true;
        }

        if (_deferrals == 0)
        {
            CheckpointIfDue();
        }
    }

    private void CheckpointIfDue()
    {
        var due = _checkpointDue || (_withinEpochSince is { } since && _time.GetUtcNow() - since >= _withinEpochDelay);
        if (due && !_disposed)
        {
            _checkpointDue = false;
            _withinEpochSince = null;
            Database.Checkpoint();
        }
    }

    /// <summary>Ends a <see cref="DeferCheckpoints"/> scope.</summary>
    internal readonly struct CheckpointScope(Vault vault) : IDisposable
    {
        public void Dispose()
        {
            if (--vault._deferrals == 0)
            {
                vault.CheckpointIfDue();
            }
        }
    }
}
