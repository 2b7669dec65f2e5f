using System.Text.Json.Serialization;

namespace Courier.Relay.Client;

internal sealed record CreateDropRequest(string Drop, string ReadKey, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AppendKey = null);

internal sealed record CreateDropResponse(string Drop, bool Created);

internal sealed record AppendResponse(long Seq, bool Duplicate);

internal sealed record EnvelopeDto(long Seq, byte[] Data);

internal sealed record FetchResponse(List<EnvelopeDto> Envelopes, long Last);

internal sealed record TrimRequest(long Through);

internal sealed record TrimResponse(long Through);

internal sealed record NameplateResponse(int Nameplate, long ExpiresAt, string Claim);

internal sealed record JoinResponse(int Nameplate, string Claim);

internal sealed record NameplateFetchResponse(List<EnvelopeDto> Envelopes, long Last, bool Interfered);

internal sealed record ErrorResponse(string Error, string Message);

internal sealed record HealthResponse(string Status, string Store, string Tls, string? Pin);

/// <summary>Strict JSON: camelCase, no unknown members, no comments or trailing commas.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, RespectRequiredConstructorParameters = true, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(CreateDropRequest))]
[JsonSerializable(typeof(CreateDropResponse))]
[JsonSerializable(typeof(AppendResponse))]
[JsonSerializable(typeof(FetchResponse))]
[JsonSerializable(typeof(TrimRequest))]
[JsonSerializable(typeof(TrimResponse))]
[JsonSerializable(typeof(NameplateResponse))]
[JsonSerializable(typeof(JoinResponse))]
[JsonSerializable(typeof(NameplateFetchResponse))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(Bundles.BundleImportResult))]
[JsonSerializable(typeof(HealthResponse))]
internal sealed partial class WireJson : JsonSerializerContext;
