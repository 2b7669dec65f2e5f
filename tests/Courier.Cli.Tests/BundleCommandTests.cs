namespace Courier.Cli.Tests;

/// <summary><c>courier bundle export|import</c>, <c>courier cover embed|extract</c> and <c>courier relay import</c> as processes, against a relay process that is down while a member sends.</summary>
public sealed class BundleCommandTests : CellCliTests
{
    [Fact]
    public async Task A_bundle_written_while_the_relay_is_down_is_carried_to_it_and_read_once()
    {
        var port = RelayProcess.FreePort();
        string[] relayArgs = ["--listen", $"127.0.0.1:{port}", "--data", Home("relay")];
        var relay = await RelayProcess.StartAsync(relayArgs);
        try
        {
            var url = relay.Address.ToString();
            await Each(["a", "b", "c"], m => Node(m, "init"));
            await Cli.FirstContactAsync(url, "a", "Starik", "b", "Anna", "one two three");
            await Node("a", "layer", "create", "one", "--relay", url, "--mix-pin", relay.MixIdentityKey!);
            await Node("a", "cell", "create", Cell, "--layer", "one");
            await Node("a", "cell", "add", Cell, "Anna");
            Assert.Contains("joined cell north", (await Node("b", "sync")).Out);

            relay.Kill();
            Assert.Equal(1, (await Try("a", "send", Cell, "carried by hand")).Exit);
            var file = Path.Combine(Cli.Root, "carried.bundle");
            Assert.Equal(2, (await Try("a", "bundle", "export", "--to", file)).Exit);
            var exported = await Node("a", "bundle", "export", "--to", file, "--all");
            Assert.Contains("wrote carried.bundle: a 64 KiB bundle of 1 message(s) of north, for the relays of one", exported.Out, StringComparison.Ordinal);
            Assert.Contains("exists already", (await Try("a", "bundle", "export", "--to", file, "--all")).Err, StringComparison.Ordinal);

            // The bundle hidden in a photograph (at the highest rate, so that a smaller one will do), found by a member.
            var photo = Path.Combine(Cli.Root, "photo.png");
            await File.WriteAllBytesAsync(photo, TestCovers.Png(TestCovers.Samples(7, 2400, 2200, 3, oversample: 1), 2400, 2200, 3));
            var stego = Path.Combine(Cli.Root, "holiday.png");
            var embedded = await Node("a", "cover", "embed", "--cover", photo, "--bundle", file, "--out", stego, "--rate", "0.1");
            Assert.Matches(@"^wrote holiday\.png: [\d,]+ pixel values changed by one for 524,288 bits \(0\.[0-2]\d\d per bit\)", embedded.Out);
            var again = await Try("a", "cover", "embed", "--cover", photo, "--bundle", file, "--out", Path.Combine(Cli.Root, "again.png"), "--rate", "0.1");
            Assert.Equal(2, again.Exit);
            Assert.Contains("(UsedBefore)", again.Err, StringComparison.Ordinal);
            var found = Path.Combine(Cli.Root, "found.bundle");
            Assert.Contains("found a bundle of 64 KiB: wrote found.bundle", (await Node("b", "cover", "extract", stego, "--out", found)).Out, StringComparison.Ordinal);
            Assert.Equal(await File.ReadAllBytesAsync(file), await File.ReadAllBytesAsync(found));

            // Issue 19, must-hold 4: the untouched photograph at a member, and the image at a node without the keys, give the same answer.
            var untouched = await Try("b", "cover", "extract", photo, "--out", Path.Combine(Cli.Root, "nothing-1.bundle"));
            var stranger = await Try("c", "cover", "extract", stego, "--out", Path.Combine(Cli.Root, "nothing-2.bundle"));
            Assert.Equal((1, "nothing found\n", string.Empty), (untouched.Exit, untouched.Out, untouched.Err));
            Assert.Equal((untouched.Exit, untouched.Out, untouched.Err), (stranger.Exit, stranger.Out, stranger.Err));
            Assert.Empty(Directory.GetFiles(Cli.Root, "nothing-*"));

            relay.Dispose();
            relay = await RelayProcess.StartAsync(relayArgs);
            var bytes = await File.ReadAllBytesAsync(file);
            var altered = Path.Combine(Cli.Root, "altered.bundle");
            bytes[bytes.Length / 2] ^= 1;
            await File.WriteAllBytesAsync(altered, bytes);
            var refused = await CourierCli.RunAsync("relay", "import", altered, "--relay", url);
            Assert.Equal(1, refused.Exit);
            Assert.Contains("bundle_altered", refused.Err, StringComparison.Ordinal);
            var truncated = Path.Combine(Cli.Root, "truncated.bundle");
            await File.WriteAllBytesAsync(truncated, bytes[..1000]);
            var cut = await CourierCli.RunAsync("relay", "import", truncated, "--relay", url);
            Assert.Equal(1, cut.Exit);
            Assert.StartsWith("error (bundle_refused): truncated.bundle is 1,000 bytes, which is none of the bundle sizes", cut.Err, StringComparison.Ordinal);

            Assert.StartsWith("appended 1 message(s); 0 the relay had already", (await CourierCli.RunOkAsync("relay", "import", file, "--relay", url)).Out, StringComparison.Ordinal);
            Assert.StartsWith("appended 0 message(s); 1 the relay had already", (await CourierCli.RunOkAsync("relay", "import", file, "--relay", url)).Out, StringComparison.Ordinal);
            Assert.Contains("carried by hand", (await Node("b", "sync")).Out, StringComparison.Ordinal);
            Assert.Contains("imported 0 new message(s)", (await Node("b", "bundle", "import", found)).Out, StringComparison.Ordinal);
            Assert.Contains("bundle_refused", (await Try("a", "bundle", "import", altered)).Err, StringComparison.Ordinal);

            await Node("a", "sync");
            Assert.Equal("nothing waits to be delivered", (await Node("a", "outbox")).Out.Trim());
            Assert.DoesNotContain("carried by hand", (await Node("b", "sync")).Out, StringComparison.Ordinal);

            var help = (await CourierCli.RunOkAsync("bundle", "--help")).Out;
            foreach (var taught in new[] { "64 KiB", "courier relay import", "courier bundle import", "--mix-pin", "outbox" })
            {
                Assert.Contains(taught, help, StringComparison.Ordinal);
            }
        }
        finally
        {
            relay.Dispose();
        }
    }
}
