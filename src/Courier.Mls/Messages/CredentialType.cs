namespace Courier.Mls.Messages;

/// <summary>
/// RFC 9420 §5.3, §17.5: <c>uint16 CredentialType</c>. An extensible registry: capability lists
/// carry values outside this enum (including GREASE), but a Credential of an unknown type cannot
/// be parsed.
/// </summary>
internal enum CredentialType : ushort
{
    Basic = 0x0001,
    X509 = 0x0002,
}
