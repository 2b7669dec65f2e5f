using Courier.Node.Storage;

namespace Courier.Node.Cells;

/// <summary>The layers in the vault.</summary>
internal sealed class LayerRepository(Vault vault)
{
    public List<LayerRecord> All() => vault.ReadAll(VaultCollection.Layer, LayerRecord.Decode);

    public bool Exists(string name) => vault.Exists(VaultCollection.Layer, LayerRecord.LookupName(name));

    /// <summary>The layer called <paramref name="name"/>, or the only one when it is null.</summary>
    /// <exception cref="UnknownLayerException">No such layer, or none named when there are several.</exception>
    public LayerRecord Find(string? name)
    {
        if (name is null)
        {
            var layers = All();
            return layers.Count == 1
                ? layers[0]
                : throw new UnknownLayerException(layers.Count == 0 ? "There is no layer yet: create one with its relays first (layer create)." : "There are several layers: name the cell's layer.");
        }

        var match = vault.ReadFound(VaultCollection.Layer, LayerRecord.LookupName(name), LayerRecord.Decode);
        return match.Count == 1 ? match[0] : throw new UnknownLayerException($"No layer is called \"{name}\".");
    }

    public static void Put(VaultTransaction transaction, LayerRecord layer)
        => transaction.Put(VaultCollection.Layer, layer.Id, layer.Encode(), LayerRecord.LookupName(layer.Name));
}
