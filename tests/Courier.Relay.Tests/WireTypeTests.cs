using Courier.Relay.Client;

namespace Courier.Relay.Tests;

/// <summary>Parsing of drop names and message ids: only the canonical base64url form is accepted, and nothing throws.</summary>
public sealed class WireTypeTests
{
    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("JAKhFfi_jH5LbrAtL8wD7BPBUR5.C8PkaY4KzoIr0jY")]
    [InlineData("JAKhFfi_jH5LbrAtL8wD7BPBUR5+C8PkaY4KzoIr0jY")]
    [InlineData("JAKhFfi_jH5LbrAtL8wD7BPBUR5 C8PkaY4KzoIr0jY")]
    [InlineData("JAKhFfi_jH5LbrAtL8wD7BPBUR5%C8PkaY4KzoIr0jY")]
    [InlineData("JAKhFfi_jH5LbrAtL8wD7BPBUR5=C8PkaY4KzoIr0jY")]
    [InlineData("JAKhFfi_jH5LbrAtL8wD7BPBUR5aC8PkaY4KzoIr0jZ")]
    [InlineData("JAKhFfi_jH5LbrAtL8wD7BPBUR5aC8PkaY4KzoIr0j=")]
    public void Malformed_drop_names_are_refused(string text)
    {
        Assert.False(DropName.TryParse(text, out _));
        Assert.False(MessageId.TryParse(text, out _));
    }

    [Fact]
    public void Names_and_ids_round_trip()
    {
        var name = DropName.NewRandom();
        Assert.True(DropName.TryParse(name.ToString(), out var parsed));
        Assert.Equal(name, parsed);
        var id = MessageId.NewRandom();
        Assert.True(MessageId.TryParse(id.ToString(), out var parsedId));
        Assert.Equal(id, parsedId);
    }

    [Fact]
    public void Hash_codes_cover_every_byte_so_names_sharing_a_prefix_do_not_collide()
    {
        // Clients choose names and ids, and they key the relay's dictionaries (issue 13): a hash of
        // the first bytes only would put all of these in one bucket.
        var prefix = new byte[28];
        var names = Enumerable.Range(0, 1000).Select(i => DropName.FromBytes([.. prefix, .. BitConverter.GetBytes(i)])).ToList();
        Assert.True(names.Select(n => n.GetHashCode()).Distinct().Count() >= 990);
        var ids = Enumerable.Range(0, 1000).Select(i => MessageId.FromBytes([.. prefix[..12], .. BitConverter.GetBytes(i)])).ToList();
        Assert.True(ids.Select(n => n.GetHashCode()).Distinct().Count() >= 990);
        Assert.Equal(names[5].GetHashCode(), DropName.FromBytes(names[5].Bytes).GetHashCode());
    }
}
