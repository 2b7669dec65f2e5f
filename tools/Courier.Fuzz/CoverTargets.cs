using Courier.Covers;

namespace Courier.Fuzz;

/// <summary>
/// The PNG reader of cover images (<c>courier cover extract</c> reads any image it is given): decoding
/// with its caps, the digest of the samples, and an extraction's sample order; refused with
/// <see cref="CoverRefusedException"/>.
/// </summary>
internal static class CoverTargets
{
    private static readonly byte[] Key = Fixture.Bytes("cover key");

    public static IEnumerable<FuzzTarget> All =>
    [
        new("png", "CoverImage.Digest (the PNG reader: signature, chunks and their CRC-32, IHDR, zlib with its size cap, unfiltering) and CoverImage.Extract of 16 bytes", input =>
        {
            CoverImage.Digest(input);
            CoverImage.Extract(input, 16, Key);
        }, typeof(CoverRefusedException)),
    ];
}
