namespace Courier.Mls.Group;

/// <summary>
/// Finds the secret behind a PreSharedKeyID (RFC 9420 §8.4): resumption PSKs of this group's recent
/// epochs from the epoch state, everything else (external PSKs, resumption PSKs of other groups for
/// branch and reinit) from the lookup the group's owner supplies.
/// </summary>
internal sealed class PskResolver(Func<PreSharedKeyID, Secret?> lookup)
{
    public static PskResolver None { get; } = new(_ => null);

    /// <summary>The owner's lookup alone, for a joiner that has no epoch yet.</summary>
    public Secret? Find(PreSharedKeyID id) => lookup(id);

    /// <summary>Copies of the secrets, in the order of <paramref name="ids"/>; the caller disposes them.</summary>
    public IReadOnlyList<(PreSharedKeyID Id, Secret Psk)> Resolve(GroupEpoch? epoch, IReadOnlyList<PreSharedKeyID> ids)
    {
        var resolved = new List<(PreSharedKeyID, Secret)>(ids.Count);
        try
        {
            foreach (var id in ids)
            {
                var secret = FromEpoch(epoch, id) ?? lookup(id)
                    ?? throw new MessageRejectedException(MlsCheck.MissingPsk, "a PSK named by the message is not available");
                resolved.Add((id, secret.Clone()));
            }

            return resolved;
        }
        catch
        {
            Dispose(resolved);
            throw;
        }
    }

    public static void Dispose(IReadOnlyList<(PreSharedKeyID Id, Secret Psk)> psks)
    {
        foreach (var (_, psk) in psks)
        {
            psk.Dispose();
        }
    }

    private static Secret? FromEpoch(GroupEpoch? epoch, PreSharedKeyID id)
        => epoch is not null
           && id.PskType == PSKType.Resumption
           && id.PskGroupId.AsSpan().SequenceEqual(epoch.GroupId)
           && epoch.ResumptionPsks.TryGetValue(id.PskEpoch!.Value, out var psk)
            ? psk
            : null;
}
