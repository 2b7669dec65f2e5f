namespace Courier.Mls.Messages;

/// <summary>RFC 9420 §7.8: <c>enum { reserved(0), leaf(1), parent(2), (255) } NodeType</c>.</summary>
internal enum NodeType : byte
{
    Leaf = 1,
    Parent = 2,
}
