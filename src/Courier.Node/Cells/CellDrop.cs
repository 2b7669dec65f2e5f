using System.Security.Cryptography;
using Courier.Mls.Group;
using Courier.Relay.Client;

namespace Courier.Node.Cells;

/// <summary>
/// The dead drop of a cell's epoch, from the MLS exporter (RFC 9420 §8.5): a name and a read key
/// that only the epoch's members can compute, and that change with every commit.
/// </summary>
internal static class CellDrop
{
    private const string DropLabel = "courier cell drop";
    private const string ReadKeyLabel = "courier cell drop read key";

    /// <summary>The drop and read key of <paramref name="group"/>'s current epoch; the caller disposes the key.</summary>
    public static (DropName Drop, DropReadKey ReadKey) Of(MlsGroup group)
    {
        DropName drop;
        using (var name = group.Export(DropLabel, [], DropName.Size))
        {
            drop = DropName.FromBytes(name.Export());
        }

        using var seed = group.Export(ReadKeyLabel, [], DropReadKey.Size);
        var bytes = seed.Export();
        try
        {
            return (drop, DropReadKey.Import(bytes));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }
}
