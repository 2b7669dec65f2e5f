namespace Courier.Node.Wire;

/// <summary>Bytes that do not encode the record or message that was expected. The message names the structure and the reason, never the content.</summary>
internal sealed class MalformedRecordException(string what, string reason) : Exception($"Malformed {what}: {reason}.");
