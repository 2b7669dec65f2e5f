using System.CommandLine;
using System.Text.Json;
using Spectre.Console;

namespace Courier.Cli.Commands;

/// <summary><c>courier layer ...</c>: layers and their relays.</summary>
internal static class LayerCommand
{
    public static Command Create()
    {
        var layer = new Command("layer", "Layers: groups of cells that use only their own relays, so that exposing one layer does not expose another. A liaison (a member of cells in two layers) is the only link, and only by 'courier forward'.");
        layer.Subcommands.Add(CreateLayer());
        layer.Subcommands.Add(List());
        return layer;
    }

    private static Command CreateLayer()
    {
        var name = new Argument<string>("name") { Description = "The layer's name (yours only; never sent to a relay)." };
        var relays = new Option<Uri[]>("--relay")
        {
            Description = "A relay of this layer, as it prints its address, such as https://relay.example:7700/#sha256=<pin> (repeat for several; each cell uses one of them, chosen at random).",
            HelpName = "url",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
            CustomParser = result => result.Tokens.Select(t => NodeCommandOptions.ParseRelay(result, t.Value)).OfType<Uri>().ToArray(),
        };
        var postQuantum = new Option<bool>("--post-quantum")
        {
            Description = "Require post-quantum cells: every cell of the layer uses ciphersuite 0x0054 (X-Wing key exchange), the KeyPackages you give contacts on its relays are of that suite (create the layer before making contact there; the other side too), and a contact whose KeyPackage is of another suite is refused.",
        };
        var mixPins = new Option<string[]>("--mix-pin")
        {
            Description = "Each relay's mix identity key as it prints it ('mix identity key: ...'), in the order of --relay. With three or more relays and no pins, the keys are fetched from the relays and printed: compare them with the operators'.",
            HelpName = "key",
            AllowMultipleArgumentsPerToken = true,
        };
        var create = new Command("create", "Create a layer with its relays; with three or more, its cells' drop requests go through them as a mix (docs/mixnet.md).") { name, relays, postQuantum, mixPins };
        create.SetAction(parse => CommandRunner.Run(async () =>
        {
            using var node = NodeCommandOptions.Open(parse);
            var addresses = parse.GetValue(relays)!;
            IReadOnlyList<byte[]>? pins = null;
            if (parse.GetValue(mixPins) is { Length: > 0 } given)
            {
                var decoded = given.Select(p => System.Buffers.Text.Base64Url.IsValid(p, out int length) && length == 32 ? System.Buffers.Text.Base64Url.DecodeFromChars(p) : null).ToList();
                pins = given.Length == addresses.Length && decoded.All(p => p is not null)
                    ? [.. decoded.OfType<byte[]>()]
                    : throw new UsageException("Give one --mix-pin per --relay, each the 43 characters the relay prints after 'mix identity key:'.");
            }
            else if (addresses.Length >= 3)
            {
                pins = await node.FetchMixIdentityKeysAsync(addresses).ConfigureAwait(false);
                for (int i = 0; i < addresses.Length; i++)
                {
                    Console.WriteLine($"{addresses[i]}: mix identity key {System.Buffers.Text.Base64Url.EncodeToString(pins[i])} (fetched from the relay: compare it with what its operator gives you)");
                }
            }

            var created = node.CreateLayer(parse.GetValue(name)!, addresses, parse.GetValue(postQuantum), pins);
            Console.WriteLine($"created layer {created.Name} on {string.Join(", ", created.Relays)}{(created.RequirePostQuantum ? ", post-quantum cells only" : "")}{(pins is null ? "" : ", reached through the mix")}");
        }));
        return create;
    }

    private static Command List()
    {
        var list = new Command("list", "List the layers and their relays.") { NodeCommandOptions.Json };
        list.SetAction(parse => CommandRunner.Run(() =>
        {
            using var node = NodeCommandOptions.Open(parse);
            var layers = node.Layers;
            if (parse.GetValue(NodeCommandOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(layers.Select(l => new { name = l.Name, relays = l.Relays, post_quantum = l.RequirePostQuantum })));
                return Task.CompletedTask;
            }

            var table = new Table().AddColumns("layer", "relays", "post-quantum");
            foreach (var l in layers)
            {
                table.AddRow(Markup.Escape(l.Name), Markup.Escape(string.Join(" ", l.Relays)), l.RequirePostQuantum ? "required" : "");
            }

            AnsiConsole.Write(table);
            return Task.CompletedTask;
        }));
        return list;
    }
}
