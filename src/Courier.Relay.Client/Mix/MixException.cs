namespace Courier.Relay.Client.Mix;

/// <summary>Why a mix descriptor is refused.</summary>
public enum MixDescriptorError
{
    /// <summary>Not the JSON of docs/relay-api.md, or a field of the wrong length.</summary>
    Malformed,

    /// <summary>Signed by another identity key than the one pinned for the relay.</summary>
    NotPinnedKey,

    /// <summary>The signature does not verify, or the node id is not the hash of the identity key.</summary>
    BadSignature,

    /// <summary>No published mix key is valid at the time asked.</summary>
    NoValidKey,
}

/// <summary>A mix descriptor refused; the message names no key.</summary>
public sealed class MixDescriptorException(MixDescriptorError error, string message) : Exception(message)
{
    /// <summary>Why.</summary>
    public MixDescriptorError Error { get; } = error;
}

/// <summary>A mix request or answer that does not follow docs/mixnet.md, "Requests and answers".</summary>
public sealed class MixMessageException(string message) : Exception(message);
