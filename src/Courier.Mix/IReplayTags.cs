namespace Courier.Mix;

/// <summary>
/// The replay tags a mix has seen (Sphinx spec §6.2 step 1), kept per mix key epoch: a tag is unique per
/// packet and key, so an epoch's tags can be dropped once its key is retired. The implementation decides
/// how long a "seen" survives: <see cref="SqliteReplayTags"/> survives a restart.
/// </summary>
public interface IReplayTags
{
    /// <summary>Records <paramref name="tag"/> for <paramref name="epoch"/>: true when it is new, false when it was seen before.</summary>
    bool TryAdd(ulong epoch, ReadOnlySpan<byte> tag);

    /// <summary>Forgets the tags of every epoch before <paramref name="epoch"/> (their keys are retired).</summary>
    void ForgetBefore(ulong epoch);
}
