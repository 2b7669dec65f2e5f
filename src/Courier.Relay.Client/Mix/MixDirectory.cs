using System.Text.Json;
using System.Text.Json.Serialization;

namespace Courier.Relay.Client.Mix;

/// <summary>
/// <c>GET /v1/mix/directory</c>: a relay's own descriptor and those of its mix peers, each as its relay
/// signed it (<c>{"descriptors": ["&lt;base64 of the descriptor's JSON&gt;", ...]}</c>). A sender asks its
/// entry relay, so it never asks the relay that stores its drops; it verifies each against its pin, so the
/// entry relay can withhold descriptors but not forge them.
/// </summary>
public static class MixDirectory
{
    private const int MaxDescriptors = 64;

    /// <summary>The directory's JSON.</summary>
    public static byte[] Encode(IReadOnlyList<byte[]> descriptors)
        => JsonSerializer.SerializeToUtf8Bytes(new DirectoryDto([.. descriptors]), DirectoryJson.Default.DirectoryDto);

    /// <summary>The descriptors of a directory, each verified against <paramref name="pins"/> (raw identity keys); those of unpinned relays are left out.</summary>
    /// <exception cref="MixDescriptorException">The directory is malformed, or a descriptor whose key is pinned does not verify.</exception>
    public static IReadOnlyList<MixDescriptor> Verify(ReadOnlySpan<byte> json, IReadOnlyList<byte[]> pins)
    {
        ArgumentNullException.ThrowIfNull(pins);
        DirectoryDto dto;
        try
        {
            dto = JsonSerializer.Deserialize(json, DirectoryJson.Default.DirectoryDto) ?? throw Malformed();
        }
        catch (JsonException)
        {
            throw Malformed();
        }

        if (dto.Descriptors.Count > MaxDescriptors)
        {
            throw Malformed();
        }

        var verified = new List<MixDescriptor>();
        foreach (var descriptor in dto.Descriptors)
        {
            var unpinned = MixDescriptor.Verify(descriptor);
            var pin = pins.FirstOrDefault(p => p.AsSpan().SequenceEqual(unpinned.IdentityKey));
            if (pin is not null)
            {
                verified.Add(unpinned);
            }
        }

        return verified;
    }

    private static MixDescriptorException Malformed() => new(MixDescriptorError.Malformed, "The mix directory is not well formed (docs/relay-api.md).");
}

internal sealed record DirectoryDto(List<byte[]> Descriptors);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, RespectRequiredConstructorParameters = true, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(DirectoryDto))]
internal sealed partial class DirectoryJson : JsonSerializerContext;
