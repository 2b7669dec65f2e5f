using System.Text;

namespace Courier.TestKit;

/// <summary>Texts (UTF-8, UTF-16LE, UTF-16BE) and key material that must not appear in any file at rest.</summary>
public sealed class SecretSet
{
    private readonly List<(string What, byte[] Bytes)> _items = [];

    public int Count => _items.Count;

    public void AddText(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        _items.Add(($"the text \"{text}\" (UTF-8)", Encoding.UTF8.GetBytes(text)));
        _items.Add(($"the text \"{text}\" (UTF-16LE)", Encoding.Unicode.GetBytes(text)));
        _items.Add(($"the text \"{text}\" (UTF-16BE)", Encoding.BigEndianUnicode.GetBytes(text)));
    }

    public void AddBytes(params byte[][] values)
    {
        foreach (var value in values)
        {
            Assert.True(value.Length >= 16);
            _items.Add(($"the key material {Convert.ToHexString(value)[..8]}...", (byte[])value.Clone()));
        }
    }

    /// <summary>A serialized bundle ends with its three 32-byte private keys, each behind a one-byte length.</summary>
    public void AddBundlePrivateKeys(byte[] serialized)
    {
        for (var i = 0; i < 3; i++)
        {
            var at = serialized.Length - (3 - i) * 33;
            Assert.Equal(32, serialized[at]);
            AddBytes(serialized.AsSpan(at + 1, 32).ToArray());
        }
    }

    public string? FindIn(byte[] content)
        => _items.FirstOrDefault(item => content.AsSpan().IndexOf(item.Bytes) >= 0).What;
}
