namespace Courier.Node.Cells;

/// <summary>Application data received in a cell, attributed to the sender's code name in that cell.</summary>
/// <param name="Sender">The sender's code name in this cell (its credential identity).</param>
/// <param name="Content">The decrypted content.</param>
/// <param name="Epoch">The epoch it was sent in.</param>
public sealed record CellMessage(string Sender, CellContent Content, ulong Epoch)
{
    /// <summary>Its sequence number in the epoch's drop: with <see cref="Epoch"/>, the order of arrival.</summary>
    public long Sequence { get; init; }
}
