namespace Courier.Mls.SecretTree;

/// <summary>Why the secret tree refused to give out a message key (RFC 9420 §9.1, §9.2).</summary>
public enum SecretTreeError
{
    /// <summary>
    /// The key of this generation is gone: it was already used, or it was deleted because too many
    /// skipped keys were kept (a replayed message, or one delivered far too late).
    /// </summary>
    GenerationConsumed,

    /// <summary>The generation is further ahead of the ratchet than a receiver is willing to skip.</summary>
    GenerationTooFarAhead,

    /// <summary>The sender ratchet has used every generation a uint32 can number.</summary>
    RatchetExhausted,
}

/// <summary>
/// A message key request the secret tree rejects: a replayed or expired generation, a generation
/// too far ahead, or an exhausted ratchet. Carries no secret material.
/// </summary>
public sealed class SecretTreeException : Exception
{
    internal SecretTreeException(SecretTreeError reason, uint leafIndex, string ratchet, ulong generation)
        : base($"No {ratchet} key for leaf {leafIndex}, generation {generation}: {Describe(reason)}.")
    {
        Reason = reason;
        LeafIndex = leafIndex;
        Generation = generation;
    }

    /// <summary>Why the key was refused.</summary>
    public SecretTreeError Reason { get; }

    /// <summary>The leaf whose ratchet was asked.</summary>
    public uint LeafIndex { get; }

    /// <summary>The generation that was asked for (2^32 when a sender ratchet is exhausted).</summary>
    public ulong Generation { get; }

    private static string Describe(SecretTreeError reason) => reason switch
    {
        SecretTreeError.GenerationConsumed => "the key was already used or deleted",
        SecretTreeError.GenerationTooFarAhead => "the generation is too far ahead of the ratchet",
        SecretTreeError.RatchetExhausted => "the ratchet has no generations left",
        _ => "refused",
    };
}
