namespace Courier.Node.Bundles;

/// <summary>A bundle written by <see cref="CourierNode.ExportBundleAsync"/>, and what it holds.</summary>
/// <param name="Bundle">The bundle's bytes, of one of <see cref="Courier.Relay.Client.Bundles.BundleFormat.Sizes"/>; empty when nothing waits.</param>
/// <param name="Envelopes">How many envelopes it carries (each once for the relays of its layer, and again for its cell's members when it is of their current epoch).</param>
/// <param name="Cells">The cells whose outboxes it carries.</param>
/// <param name="Layers">The layers whose relays it is sealed to.</param>
public sealed record BundleExport(byte[] Bundle, int Envelopes, IReadOnlyList<string> Cells, IReadOnlyList<string> Layers);
