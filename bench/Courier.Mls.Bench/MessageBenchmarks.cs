using BenchmarkDotNet.Attributes;
using Courier.Mls.Crypto;
using Courier.Mls.Group;

namespace Courier.Mls.Bench;

/// <summary>
/// protect_unprotect_100B / _1KiB: in a 10-member group the creator protects application data and
/// the last member (leaf 9) processes the bytes. Sender and receiver move on by one generation each
/// invocation, as in ts-mls.
/// </summary>
public class MessageBenchmarks : IDisposable
{
    // ts-mls pads PrivateMessageContent up to 256 bytes by default; the content of application data
    // carries, besides the data and its length, an empty authenticated_data and a 64-byte signature.
    private const int PadUntilLength = 256;
    private const int ContentOverhead = 1 + 1 + 1 + 64;

    private MlsGroup _sender = null!;
    private MlsGroup _receiver = null!;
    private byte[] _payload = [];
    private int _padding;

    /// <summary>The application data size in bytes.</summary>
    [Params(100, 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var fixture = GroupFixture.For(10);
        _sender = fixture.CommitterState.Restore();
        _receiver = fixture.JoinerState.Restore();
        _payload = new byte[Size];
        Array.Fill(_payload, (byte)'a');
        var lengthPrefix = Size < 64 ? 1 : Size < 16384 ? 2 : 4;
        _padding = Math.Max(0, PadUntilLength - (Size + lengthPrefix + ContentOverhead));
        var back = ProtectUnprotect();
        if (back.ApplicationData is null || !back.ApplicationData.AsSpan().SequenceEqual(_payload))
        {
            throw new InvalidOperationException("the receiver did not recover the plaintext");
        }
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _sender?.Dispose();
        _receiver?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Protect by leaf 0, then Process (decode, decrypt, verify) by leaf 9.</summary>
    [Benchmark]
    public ProcessedMessage ProtectUnprotect() => _receiver.Process(_sender.Protect(_payload, default, _padding));
}
