namespace Courier.Relay.Load;

/// <summary>Per-operation latencies of one measurement, recorded by many tasks.</summary>
internal sealed class LatencyRecorder
{
    private readonly List<double> _micros = [];
    private readonly Lock _lock = new();

    public void Add(TimeSpan elapsed)
    {
        lock (_lock)
        {
            _micros.Add(elapsed.TotalMicroseconds);
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _micros.Count;
            }
        }
    }

    public double PercentileMs(double p)
    {
        lock (_lock)
        {
            if (_micros.Count == 0)
            {
                return 0;
            }

            _micros.Sort();
            int index = (int)Math.Min(_micros.Count - 1, Math.Floor(p / 100 * _micros.Count));
            return Math.Round(_micros[index] / 1000, 3);
        }
    }
}
