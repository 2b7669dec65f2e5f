using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Courier.Node.Cells;
using Courier.Node.Storage;

namespace Courier.Node.Load;

/// <summary>
/// <c>--panic N</c>: how long <see cref="CourierNode.Panic"/> takes on a vault holding N received
/// texts (docs/panic.md). Each of five runs creates a vault (default Argon2id), stores the texts in
/// one transaction, and times the panic while the node still has the home open, as a running node
/// would; the texts are stored as a sync stores them (inbox records found by their cell).
/// </summary>
internal static class PanicBench
{
    public const int Runs = 5;

    public static JsonObject Run(string root, int messages)
    {
        var runs = new JsonArray();
        long vaultBytes = 0;
        for (var run = 0; run < Runs; run++)
        {
            var home = Path.Combine(root, $"panic-{run}");
            using var node = CourierNode.Init(home, "a passphrase for the panic benchmark");
            var cellId = RandomNumberGenerator.GetBytes(Vault.IdSize);
            using (var transaction = node.Vault.Begin())
            {
                for (var i = 0; i < messages; i++)
                {
                    var record = new InboxRecord(Vault.NewId(), "north", "Quiet Otter", DateTimeOffset.UtcNow.ToUnixTimeSeconds(), i, $"message {i:D6} ".PadRight(100, 'x'), null, 0, null, 0, null);
                    transaction.PutWiped(VaultCollection.Inbox, record.Id, record.Encode(), InboxRecord.LookupName(cellId));
                }

                transaction.Commit();
            }

            vaultBytes = Vault.Files(home).Where(File.Exists).Sum(f => new FileInfo(f).Length);
            var clock = Stopwatch.StartNew();
            CourierNode.Panic(home);
            runs.Add(Math.Round(clock.Elapsed.TotalMilliseconds, 2));
            if (!node.Destroyed)
            {
                throw new InvalidOperationException("The node did not see its vault destroyed.");
            }
        }

        return new JsonObject
        {
            ["tool"] = "Courier.Node.Load --panic",
            ["nproc"] = Environment.ProcessorCount,
            ["messages"] = messages,
            ["vault_bytes"] = vaultBytes,
            ["panic_ms"] = runs,
            ["panic_ms_max"] = runs.Max(r => r!.GetValue<double>()),
            ["target_ms"] = 1000,
        };
    }
}
