namespace Courier.Node.Storage;

/// <summary>
/// The kinds of record in a vault. The database stores only a keyed HMAC of the kind, so the file
/// does not say which rows are contacts; new kinds (cells, messages, group state) take new values.
/// </summary>
internal enum VaultCollection : byte
{
    /// <summary>A contact: the pairwise keys, code names, dead drops and KeyPackages of one relationship.</summary>
    Contact = 1,

    /// <summary>An introduction accepted but not yet answered by the introduced party.</summary>
    PendingIntroduction = 2,

    /// <summary>A layer: its name and relays.</summary>
    Layer = 3,

    /// <summary>A cell: its name, layer, relay and whole state (<see cref="Cells.CellRecord"/>).</summary>
    Cell = 4,

    /// <summary>A received message or completed file (<see cref="Cells.InboxRecord"/>).</summary>
    Inbox = 5,

    /// <summary>A file whose chunks are still arriving (<see cref="Cells.FileProgress"/>).</summary>
    FileProgress = 6,

    /// <summary>One chunk of a received file.</summary>
    FileChunk = 7,

    /// <summary>A Welcome to deliver through a contact's pairwise drop (<see cref="Cells.WelcomeDelivery"/>).</summary>
    WelcomeDelivery = 8,
}
