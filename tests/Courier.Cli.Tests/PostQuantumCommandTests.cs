namespace Courier.Cli.Tests;

/// <summary>
/// Issue 18: a layer made with <c>courier layer create --post-quantum</c> works end to end from the
/// command line. Two nodes made with plain <c>courier init</c>, each with the post-quantum layer on
/// the relay where they meet, give each other X-Wing KeyPackages; a cell between them is of suite
/// 0x0054 and carries a message.
/// </summary>
public sealed class PostQuantumCommandTests : IDisposable
{
    private const int XWing = 0x0054;

    private readonly CourierCli _cli = new();

    [Fact]
    public async Task Two_nodes_with_a_post_quantum_layer_make_a_cell_of_suite_0x0054_and_read_its_message()
    {
        var relay = await RelayProcess.StartAsync(["--listen", $"127.0.0.1:{RelayProcess.FreePort()}", "--data", _cli.Home("relay")]);
        try
        {
            var url = relay.Address.ToString();
            await Task.WhenAll(Node("a", "init"), Node("b", "init"));
            foreach (var home in new[] { "a", "b" })
            {
                Assert.Contains("post-quantum cells only", (await Node(home, "layer", "create", "north", "--relay", url, "--post-quantum")).Out, StringComparison.Ordinal);
            }

            await _cli.FirstContactAsync(url, "a", "Starik", "b", "Contact B", "one two three");
            await Node("a", "cell", "create", "north-1", "--code-name", "Boss");
            var added = await Node("a", "cell", "add", "north-1", "Contact B");
            Assert.DoesNotContain("notice:", added.Err, StringComparison.Ordinal);
            Assert.Contains("joined cell north-1", (await Node("b", "sync")).Out, StringComparison.Ordinal);

            foreach (var home in new[] { "a", "b" })
            {
                var cell = Assert.Single((await Node(home, "cell", "list", "--json")).Json().EnumerateArray());
                Assert.Equal(("north-1", "north", XWing, 2), (cell.GetProperty("name").GetString(), cell.GetProperty("layer").GetString(), cell.GetProperty("cipher_suite").GetInt32(), cell.GetProperty("members").GetArrayLength()));
            }

            await Node("b", "send", "north-1", "harvest this");
            await Node("a", "sync");
            var read = Assert.Single((await Node("a", "read", "north-1", "--json")).Json().EnumerateArray());
            Assert.Equal("harvest this", read.GetProperty("text").GetString());
        }
        finally
        {
            relay.Dispose();
        }
    }

    public void Dispose() => _cli.Dispose();

    private Task<CliResult> Node(string home, params string[] args) => CourierCli.RunOkAsync([.. args, "--home", _cli.Home(home)]);
}
