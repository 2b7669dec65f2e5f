using System.Net;

namespace Courier.Relay;

/// <summary>What <see cref="ConcurrencyLimit.TryEnter"/> decided.</summary>
internal enum Admission
{
    /// <summary>Admitted: call <see cref="ConcurrencyLimit.Exit"/> when done.</summary>
    Admitted,

    /// <summary>The client address holds its share already.</summary>
    ClientFull,

    /// <summary>The relay holds its total already.</summary>
    Full,
}

/// <summary>
/// Counts things held at once (connections, long-polls), in total and per client address
/// (<see cref="ClientAddress.LimitKey"/>), so that no one address takes what the others need.
/// Only addresses holding something have an entry, so the table is bounded by the total.
/// </summary>
internal sealed class ConcurrencyLimit(int total, int perClient)
{
    private readonly Dictionary<IPAddress, int> _byClient = [];
    private readonly Lock _lock = new();
    private int _held;

    /// <summary>How many are held now.</summary>
    public int Held => Volatile.Read(ref _held);

    /// <summary>Takes one for <paramref name="client"/> (a limit key) if both limits allow.</summary>
    public Admission TryEnter(IPAddress client)
    {
        lock (_lock)
        {
            if (_held >= total)
            {
                return Admission.Full;
            }

            int mine = _byClient.GetValueOrDefault(client);
            if (mine >= perClient)
            {
                return Admission.ClientFull;
            }

            _byClient[client] = mine + 1;
            _held++;
            return Admission.Admitted;
        }
    }

    /// <summary>Gives back one taken by <see cref="TryEnter"/>.</summary>
    public void Exit(IPAddress client)
    {
        lock (_lock)
        {
            _held--;
            int left = _byClient[client] - 1;
            if (left == 0)
            {
                _byClient.Remove(client);
            }
            else
            {
                _byClient[client] = left;
            }
        }
    }
}
