namespace Courier.Mls.InteropRunner;

/// <summary>A scenario file or one of its steps cannot be interpreted (wrong JSON type, unknown action, ...).</summary>
internal sealed class ScriptFormatException(string message) : Exception(message);
