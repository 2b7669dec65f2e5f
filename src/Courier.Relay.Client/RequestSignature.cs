using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace Courier.Relay.Client;

/// <summary>
/// The signed-request scheme shared by client and relay: Ed25519 over the method, the request
/// target (path and query, as sent), the drop name, a timestamp, a random nonce and the SHA-256 of
/// the body. The relay accepts a timestamp within its freshness window and each nonce once. An
/// append to a write-authorized drop is signed with its append key under its own context, over the
/// message id as well (docs/relay-api.md, "Write-authorized drops").
/// </summary>
internal static class RequestSignature
{
    public const string TimestampHeader = "Courier-Timestamp";
    public const string NonceHeader = "Courier-Nonce";
    public const string SignatureHeader = "Courier-Signature";
    public const string MessageIdHeader = "Courier-Message-Id";
    public const string NameplateClaimHeader = "Courier-Nameplate-Claim";
    public const int NonceSize = 16;
    public const int SignatureSize = 64;

    private static readonly byte[] Context = "courier-relay-request-v1\n"u8.ToArray();
    private static readonly byte[] AppendContext = "courier-relay-append-v1\n"u8.ToArray();

    /// <summary>What a create, fetch or trim is signed over.</summary>
    public static byte[] Message(string method, string target, string dropName, long timestamp, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> body)
        => Build(Context, $"{method}\n{target}\n{dropName}\n{timestamp}\n{Base64Url.EncodeToString(nonce)}\n", body);

    /// <summary>What an append is signed over: as <see cref="Message"/> under another context, with the message id after the nonce.</summary>
    public static byte[] AppendMessage(string target, string dropName, long timestamp, ReadOnlySpan<byte> nonce, string messageId, ReadOnlySpan<byte> envelope)
        => Build(AppendContext, $"POST\n{target}\n{dropName}\n{timestamp}\n{Base64Url.EncodeToString(nonce)}\n{messageId}\n", envelope);

    private static byte[] Build(byte[] context, string lines, ReadOnlySpan<byte> body)
    {
        var header = Encoding.UTF8.GetBytes(lines);
        var message = new byte[context.Length + header.Length + SHA256.HashSizeInBytes];
        context.CopyTo(message, 0);
        header.CopyTo(message, context.Length);
        SHA256.HashData(body, message.AsSpan(context.Length + header.Length));
        return message;
    }

    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != DropSigningKey.Size || signature.Length != SignatureSize
            || !NSec.Cryptography.PublicKey.TryImport(SignatureAlgorithm.Ed25519, publicKey, KeyBlobFormat.RawPublicKey, out var key))
        {
            return false;
        }

        return SignatureAlgorithm.Ed25519.Verify(key!, message, signature);
    }

    public static bool IsValidPublicKey(ReadOnlySpan<byte> publicKey)
        => publicKey.Length == DropSigningKey.Size
           && NSec.Cryptography.PublicKey.TryImport(SignatureAlgorithm.Ed25519, publicKey, KeyBlobFormat.RawPublicKey, out _);
}
