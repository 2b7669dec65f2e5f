using Courier.Node.Cells;

namespace Courier.Node.Relay.Mix;

/// <summary>Which layers a node reaches through the mix.</summary>
internal static class MixRoute
{
    /// <summary>Three or more relays, each with its mix identity key pinned.</summary>
    public static bool Qualifies(LayerRecord layer) => layer.Relays.Count >= 3 && layer.MixPins.All(p => p.Length == LayerRecord.MixPinLength);
}
