namespace Courier.Node.Load;

/// <summary>
/// One cell under load, whichever way it is driven (nodes with vaults, or bare Cell objects).
/// Program times these calls; everything that touches CourierNode or Cell lives in the two
/// implementations, so that an API change is adapted there only.
/// </summary>
internal interface IBenchCell : IDisposable
{
    /// <summary>Members in the cell, the sender (index 0) included.</summary>
    int Members { get; }

    /// <summary>Member 0 sends each text, one after the other, each acknowledged by the relay.</summary>
    Task SendTextsAsync(IReadOnlyList<string> texts);

    /// <summary>Member <paramref name="member"/> syncs once; returns the texts it received.</summary>
    Task<IReadOnlyList<string>> SyncAsync(int member);

    /// <summary>Member 1 sends the file (<paramref name="path"/> on disk holds <paramref name="content"/>).</summary>
    Task SendFileAsync(string path, byte[] content);

    /// <summary>
    /// Member 2 syncs and makes the file available (the node saves it under <paramref name="directory"/>);
    /// returns how to read what arrived, which the caller does after its clock stopped.
    /// </summary>
    Task<Func<byte[]>> ReceiveFileAsync(string directory);
}
