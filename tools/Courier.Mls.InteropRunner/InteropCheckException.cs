namespace Courier.Mls.InteropRunner;

/// <summary>
/// A check the runner makes itself failed: members disagree on the epoch authenticator, a
/// decrypted message differs, a step refers to a message that an earlier step did not produce.
/// </summary>
internal sealed class InteropCheckException(string message) : Exception(message);
