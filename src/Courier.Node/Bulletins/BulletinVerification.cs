namespace Courier.Node.Bulletins;

/// <summary>One check of a bulletin and its outcome, in words a reader can act on.</summary>
/// <param name="Name">Which check: <see cref="Authority"/>, <see cref="Signature"/>, <see cref="Content"/>, <see cref="Validity"/> or <see cref="Sequence"/>.</param>
/// <param name="Passed">Whether it passed.</param>
/// <param name="Detail">What was found (no secret: everything here is in the bulletin).</param>
public sealed record BulletinCheck(string Name, bool Passed, string Detail)
{
    /// <summary>The file has a bulletin's layout (only ever reported as failed, by <see cref="BulletinRejectedException"/>).</summary>
    public const string Format = "format";

    /// <summary>The bulletin names the authority key the reader expects.</summary>
    public const string Authority = "authority";

    /// <summary>The Ed25519 signature verifies under that key.</summary>
    public const string Signature = "signature";

    /// <summary>Every chunk of the content matches its signed hash.</summary>
    public const string Content = "content";

    /// <summary>The bulletin is valid now: issued, not expired.</summary>
    public const string Validity = "validity";

    /// <summary>Its sequence number is after the latest the reader has seen from the authority.</summary>
    public const string Sequence = "sequence";
}

/// <summary>The outcome of <see cref="Bulletin.Verify"/>: every check, in a fixed order.</summary>
public sealed record BulletinVerification(Bulletin Bulletin, IReadOnlyList<BulletinCheck> Checks)
{
    /// <summary>Whether every check passed.</summary>
    public bool Passed => Checks.All(c => c.Passed);
}

/// <summary>Where a bulletin stands in what a reader has seen from its authority.</summary>
public enum BulletinOrder
{
    /// <summary>After every number seen: accept it.</summary>
    New,

    /// <summary>This very bulletin (same id) was seen before: a replay, or the same one by another path.</summary>
    Seen,

    /// <summary>Before the latest number seen, and not seen itself: rolled back by someone, or carried late.</summary>
    Older,

    /// <summary>Its number was seen with another id: the authority signed two bulletins with one number.</summary>
    Conflicting,
}

/// <summary>
/// What a reader has seen from one authority: each sequence number with the bulletin id it came
/// with. A node keeps one per authority in its vault; <c>courier bulletin verify</c> builds one
/// from the files it is given, in order.
/// </summary>
public sealed class BulletinHistory
{
    private readonly Dictionary<ulong, string> _seen = [];

    /// <summary>A history that starts after <paramref name="latest"/> (0: nothing seen).</summary>
    public BulletinHistory(ulong latest = 0) => Latest = latest;

    /// <summary>The highest sequence number seen (0 when none).</summary>
    public ulong Latest { get; private set; }

    /// <summary>Where <paramref name="bulletin"/> stands.</summary>
    public BulletinOrder Judge(Bulletin bulletin)
    {
        ArgumentNullException.ThrowIfNull(bulletin);
        if (_seen.TryGetValue(bulletin.Header.Sequence, out var id))
        {
            return id == bulletin.Id ? BulletinOrder.Seen : BulletinOrder.Conflicting;
        }

        return bulletin.Header.Sequence > Latest ? BulletinOrder.New : BulletinOrder.Older;
    }

    /// <summary>Remembers <paramref name="bulletin"/> as seen.</summary>
    public void Record(Bulletin bulletin)
    {
        ArgumentNullException.ThrowIfNull(bulletin);
        Record(bulletin.Header.Sequence, bulletin.Id);
    }

    /// <summary>Remembers the bulletin numbered <paramref name="sequence"/> with id <paramref name="id"/> as seen.</summary>
    public void Record(ulong sequence, string id)
    {
        _seen.TryAdd(sequence, id);
        Latest = Math.Max(Latest, sequence);
    }
}
