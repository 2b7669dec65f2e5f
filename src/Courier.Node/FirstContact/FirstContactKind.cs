namespace Courier.Node.FirstContact;

/// <summary>The four messages of a first contact on its nameplate, and the abort either side may send instead (docs/node.md, "First contact").</summary>
internal enum FirstContactKind : byte
{
    /// <summary>Inviter: sid (16) || Ya (32).</summary>
    Hello = 1,

    /// <summary>Acceptor: Yb (32) || reply tag (64) || the acceptor's sealed offer.</summary>
    Reply = 2,

    /// <summary>Inviter: confirm tag (64) || the inviter's sealed offer.</summary>
    Confirm = 3,

    /// <summary>Acceptor: ack tag (64), sent once the acceptor has stored the contact.</summary>
    Ack = 4,

    /// <summary>Either side: u8 role (1 inviter, 2 acceptor). The sender gave up; nothing was stored.</summary>
    Abort = 5,
}
