namespace Courier.Node.Cells;

/// <summary>A received message: a text, or a complete file.</summary>
/// <param name="Id">A short id, for <c>courier forward</c>.</param>
/// <param name="Cell">The cell it arrived in.</param>
/// <param name="Sender">The sender's code name in that cell.</param>
/// <param name="ReceivedAt">When this node stored it.</param>
/// <param name="Text">The text, or null for a file.</param>
/// <param name="FileName">The file's name, or null for a text.</param>
/// <param name="FileSize">The file's size in bytes.</param>
/// <param name="ForwardedFrom">Set when a liaison forwarded it from another cell: the label the liaison gave its origin.</param>
/// <param name="IsRead">True once read.</param>
public sealed record InboxMessage(string Id, string Cell, string Sender, DateTimeOffset ReceivedAt, string? Text, string? FileName, long FileSize, string? ForwardedFrom, bool IsRead);
