using System.Globalization;
using System.Security.Cryptography;
using Courier.Mix;
using Courier.Relay.Client.Mix;

namespace Courier.Relay.Mix;

/// <summary>
/// A relay's mix keys on a fixed schedule (docs/mixnet.md, "Key schedule"): epoch e covers Unix time
/// [e·L, (e+1)·L) for the epoch length L. The keys of the current and the next epoch exist and are
/// published; the previous one still unwraps for <see cref="MixOptions.Grace"/> after its epoch ends,
/// then it is wiped, its file deleted and its replay tags forgotten. Each key is kept in
/// <c>mix-keys/&lt;epoch&gt;.key</c> (owner-only), so a restart keeps them.
/// </summary>
internal sealed class MixKeySchedule : IDisposable
{
    private readonly string _directory;
    private readonly long _epochSeconds;
    private readonly TimeSpan _grace;
    private readonly TimeProvider _time;
    private readonly IReplayTags _tags;
    private readonly SortedDictionary<ulong, MixPrivateKey> _keys = [];
    private readonly ReaderWriterLockSlim _lock = new();

    public MixKeySchedule(MixOptions options, TimeProvider time, IReplayTags tags)
    {
        _epochSeconds = (long)options.EpochLength.TotalSeconds;
        if (_epochSeconds < 1 || options.Grace < TimeSpan.Zero || options.Grace > options.EpochLength)
        {
            throw new ArgumentException("A mix epoch lasts at least a second and its grace period at most one epoch.", nameof(options));
        }

        _directory = Path.Combine(options.DataDirectory, "mix-keys");
        _grace = options.Grace;
        _time = time;
        _tags = tags;
        Directory.CreateDirectory(_directory);
        foreach (var file in Directory.EnumerateFiles(_directory, "*.key"))
        {
            if (ulong.TryParse(Path.GetFileNameWithoutExtension(file), NumberStyles.None, CultureInfo.InvariantCulture, out ulong epoch))
            {
                var scalar = File.ReadAllBytes(file);
                try
                {
                    if (scalar.Length == MixPrivateKey.Length)
                    {
                        _keys[epoch] = MixPrivateKey.Import(scalar, epoch);
                    }
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(scalar);
                }
            }
        }

        Refresh();
    }

    public ulong EpochAt(DateTimeOffset time) => (ulong)(time.ToUnixTimeSeconds() / _epochSeconds);

    /// <summary>Creates the current and next keys if missing; retires keys past their grace period.</summary>
    public void Refresh()
    {
        var now = _time.GetUtcNow();
        ulong current = EpochAt(now);
        _lock.EnterUpgradeableReadLock();
        try
        {
            bool retire = _keys.Keys.Any(e => e < current - 1 || (e == current - 1 && now >= Start(current) + _grace));
            if (!retire && _keys.ContainsKey(current) && _keys.ContainsKey(current + 1))
            {
                return;
            }

            _lock.EnterWriteLock();
            try
            {
                foreach (ulong epoch in _keys.Keys.Where(e => e < current - 1 || (e == current - 1 && now >= Start(current) + _grace)).ToList())
                {
                    _keys[epoch].Dispose();
                    _keys.Remove(epoch);
                    File.Delete(PathOf(epoch));
                }

                foreach (ulong epoch in (ulong[])[current, current + 1])
                {
                    if (!_keys.ContainsKey(epoch))
                    {
                        _keys[epoch] = Create(epoch);
                    }
                }

                _tags.ForgetBefore(_keys.Keys.First());
            }
            finally
            {
                _lock.ExitWriteLock();
            }
        }
        finally
        {
            _lock.ExitUpgradeableReadLock();
        }
    }

    /// <summary>Runs <paramref name="use"/> with the keys that unwrap now (current first), which stay alive meanwhile.</summary>
    public T WithKeys<T>(Func<IReadOnlyList<MixPrivateKey>, T> use)
    {
        Refresh();
        _lock.EnterReadLock();
        try
        {
            ulong current = EpochAt(_time.GetUtcNow());
            return use([.. _keys.Values.OrderBy(k => k.Epoch == current ? 0 : 1).ThenByDescending(k => k.Epoch)]);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>What the descriptor publishes: the current and next keys with their validity.</summary>
    public IReadOnlyList<MixKeyInfo> Published()
    {
        Refresh();
        _lock.EnterReadLock();
        try
        {
            ulong current = EpochAt(_time.GetUtcNow());
            return [.. _keys.Values.Where(k => k.Epoch >= current).Select(k => new MixKeyInfo(k.Epoch, Start(k.Epoch), Start(k.Epoch + 1), k.PublicKey.ToArray()))];
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public void Dispose()
    {
        foreach (var key in _keys.Values)
        {
            key.Dispose();
        }

        _keys.Clear();
        _lock.Dispose();
    }

    private DateTimeOffset Start(ulong epoch) => DateTimeOffset.FromUnixTimeSeconds((long)epoch * _epochSeconds);

    private string PathOf(ulong epoch) => Path.Combine(_directory, epoch.ToString(CultureInfo.InvariantCulture) + ".key");

    private MixPrivateKey Create(ulong epoch)
    {
        var scalar = new byte[MixPrivateKey.Length];
        try
        {
            RandomNumberGenerator.Fill(scalar);
            KeyFiles.WriteSecret(PathOf(epoch), scalar);
            return MixPrivateKey.Import(scalar, epoch);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(scalar);
        }
    }
}
