namespace Courier.Mls.Messages;

/// <summary>
/// RFC 9420 §12.1, §17.4: <c>uint16 ProposalType</c>. An extensible registry: capability lists
/// carry values outside this enum (including GREASE), but a Proposal of an unknown type cannot be
/// parsed.
/// </summary>
internal enum ProposalType : ushort
{
    Add = 0x0001,
    Update = 0x0002,
    Remove = 0x0003,
    Psk = 0x0004,
    Reinit = 0x0005,
    ExternalInit = 0x0006,
    GroupContextExtensions = 0x0007,
}
