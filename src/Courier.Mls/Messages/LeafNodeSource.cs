namespace Courier.Mls.Messages;

/// <summary>RFC 9420 §7.2: <c>enum { reserved(0), key_package(1), update(2), commit(3), (255) } LeafNodeSource</c>.</summary>
internal enum LeafNodeSource : byte
{
    KeyPackage = 1,
    Update = 2,
    Commit = 3,
}
