namespace Courier.Node.Storage;

/// <summary>One row of the vault database as stored: nothing in it is readable without the vault key.</summary>
internal sealed record StoredRecord(byte[] Id, byte[] Collection, byte[]? Lookup, byte[] Body);
