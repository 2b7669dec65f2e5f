namespace Courier.Node.Exposure;

/// <summary>
/// Organization maps merged into one graph (docs/exposure.md, "Cascade"): a person is every code name
/// the maps link (a member's own map links its code names in its cells and to its contacts; a
/// contact's name is matched across the two sides by the relationship's key), cells are matched by
/// key, and layers are cells whose relays overlap.
/// </summary>
internal sealed class OrganizationGraph
{
    private OrganizationGraph(List<Person> people, List<GraphCell> cells, List<GraphLayer> layers)
    {
        People = people;
        Cells = cells;
        Layers = layers;
    }

    public IReadOnlyList<Person> People { get; }

    public IReadOnlyList<GraphCell> Cells { get; }

    public IReadOnlyList<GraphLayer> Layers { get; }

    /// <summary>The maps merged; people ordered by their code names, cells by layer and name.</summary>
    public static OrganizationGraph Merge(IReadOnlyList<OrganizationMap> maps)
    {
        var aliases = new UnionFind<Alias>();
        foreach (var map in maps)
        {
            var self = map.Cells.Select(c => Alias.InCell(c.Key, c.Own)).Concat(map.Contacts.Select(k => Alias.OfContact(k.Key, k.OurName))).ToList();
            self.ForEach(a => aliases.Union(self[0], a));
            map.Cells.SelectMany(c => c.Members.Select(m => Alias.InCell(c.Key, m))).ToList().ForEach(aliases.Add);
            map.Contacts.Select(k => Alias.OfContact(k.Key, k.TheirName)).ToList().ForEach(aliases.Add);
        }

        var people = aliases.Groups()
            .Select(g => new Person(
                [.. g.Where(a => a.InACell).Select(a => a.Name).Distinct().Order(StringComparer.Ordinal)],
                [.. g.Where(a => !a.InACell).Select(a => a.Name).Distinct().Order(StringComparer.Ordinal)],
                [.. g]))
            .OrderBy(p => p.Label, StringComparer.Ordinal).ToList();
        var personOf = new Dictionary<Alias, int>();
        for (var i = 0; i < people.Count; i++)
        {
            people[i].Aliases.ForEach(a => personOf[a] = i);
        }

        var relays = new UnionFind<string>();
        foreach (var cell in maps.SelectMany(m => m.Cells))
        {
            cell.Relays.ToList().ForEach(r => relays.Union(cell.Relays[0], r));
        }

        var seenCells = maps.SelectMany(m => m.Cells).GroupBy(c => c.Key).ToList();
        var groups = relays.Groups().Select(g => new GraphLayer([.. g.Order(StringComparer.Ordinal)])).ToList();
        int LayerOf(IReadOnlyList<GraphLayer> of, MapCell cell) => of.Select((l, i) => (l, i)).First(x => x.l.Relays.Contains(cell.Relays[0])).i;
        seenCells.ForEach(seen => groups[LayerOf(groups, seen.First())].Names.UnionWith(seen.Select(c => c.Layer)));
        var layers = groups.OrderBy(l => l.Name, StringComparer.Ordinal).ThenBy(l => l.Relays[0], StringComparer.Ordinal).ToList();
        var cells = seenCells
            .Select(seen => new GraphCell(seen.Key, seen.Select(c => c.Name).Order(StringComparer.Ordinal).First(), LayerOf(layers, seen.First()),
                [.. seen.SelectMany(c => c.Members.Select(m => personOf[Alias.InCell(c.Key, m)])).Distinct().Order()]))
            .OrderBy(c => c.Layer).ThenBy(c => c.Name, StringComparer.Ordinal).ThenBy(c => c.Key, StringComparer.Ordinal).ToList();
        for (var c = 0; c < cells.Count; c++)
        {
            cells[c].Members.ForEach(p => people[p].Cells.Add(c));
            layers[cells[c].Layer].Cells.Add(c);
        }

        foreach (var map in maps)
        {
            var self = map.Cells.Select(c => Alias.InCell(c.Key, c.Own)).Concat(map.Contacts.Select(k => Alias.OfContact(k.Key, k.OurName))).FirstOrDefault();
            foreach (var contact in map.Contacts)
            {
                var (a, b) = (personOf[self!], personOf[Alias.OfContact(contact.Key, contact.TheirName)]);
                people[a].Contacts.Add(b);
                people[b].Contacts.Add(a);
            }
        }

        return new OrganizationGraph(people, cells, layers);
    }

    /// <summary>A name in one scope: a code name in a cell, or the name one side of a relationship is known by.</summary>
    internal sealed record Alias(bool InACell, string Key, string Name)
    {
        public static Alias InCell(string cellKey, string codeName) => new(true, cellKey, codeName);

        public static Alias OfContact(string relationshipKey, string name) => new(false, relationshipKey, name);
    }

    /// <summary>One person: code names in cells and as a contact, its cells and contacts (indices).</summary>
    internal sealed record Person(List<string> CellNames, List<string> ContactNames, List<Alias> Aliases)
    {
        public List<int> Cells { get; } = [];

        public HashSet<int> Contacts { get; } = [];

        public string Label => string.Join(" / ", CellNames.Count > 0 ? CellNames : ContactNames);
    }

    internal sealed record GraphCell(string Key, string Name, int Layer, List<int> Members);

    internal sealed record GraphLayer(List<string> Relays)
    {
        public SortedSet<string> Names { get; } = new(StringComparer.Ordinal);

        public List<int> Cells { get; } = [];

        public string Name => string.Join('/', Names);
    }

    /// <summary>Disjoint sets (union by size would not pay off at an organization's size).</summary>
    private sealed class UnionFind<T>
        where T : notnull
    {
        private readonly Dictionary<T, T> _parent = [];

        public void Add(T item) => _parent.TryAdd(item, item);

        public void Union(T a, T b)
        {
            Add(a);
            Add(b);
            var (ra, rb) = (Find(a), Find(b));
            if (!EqualityComparer<T>.Default.Equals(ra, rb))
            {
                _parent[rb] = ra;
            }
        }

        public List<List<T>> Groups() => [.. _parent.Keys.GroupBy(Find).Select(g => g.ToList())];

        private T Find(T item)
        {
            while (!EqualityComparer<T>.Default.Equals(_parent[item], item))
            {
                item = _parent[item] = _parent[_parent[item]];
            }

            return item;
        }
    }
}
