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
}
