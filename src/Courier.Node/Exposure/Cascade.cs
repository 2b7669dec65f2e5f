namespace Courier.Node.Exposure;

/// <summary>
/// What a cascade of seizures reaches in the merged maps (docs/exposure.md, "Cascade"), and which
/// single members are the most dangerous to lose: those whose loss alone exposes the most layers and
/// cells in one step, articulation points of the member–cell graph first among equals.
/// </summary>
internal static class Cascade
{
    /// <exception cref="UnknownMemberException">A name in <paramref name="taken"/> is no member's code name in the maps.</exception>
    public static CascadeReport Analyze(OrganizationGraph graph, IReadOnlyList<string> taken)
    {
        var people = graph.People;
        var takenPeople = new SortedSet<int>();
        for (var i = 0; i < taken.Count; i++)
        {
            var matches = Enumerable.Range(0, people.Count)
                .Where(p => people[p].CellNames.Concat(people[p].ContactNames).Contains(taken[i].Trim(), StringComparer.OrdinalIgnoreCase)).ToList();
            if (matches.Count == 0)
            {
                throw new UnknownMemberException($"The code name taken in place {i + 1} is no member's in these maps.");
            }

            takenPeople.UnionWith(matches);
        }

        var (personStep, cellStep, steps) = Spread(graph, takenPeople);
        var cut = CutVertices(graph);
        var members = Enumerable.Range(0, people.Count).Select(p =>
        {
            var (_, alone, _) = Spread(graph, [p]);
            var layers = people[p].Cells.Select(c => graph.Cells[c].Layer).Distinct().ToList();
            var firstStep = Enumerable.Range(0, graph.Cells.Count).Where(c => alone[c] == 1).ToList();
            return new CascadeMember(
                Id(p),
                [.. people[p].CellNames, .. people[p].ContactNames.Except(people[p].CellNames)],
                [.. people[p].Cells.Select(c => graph.Cells[c].Key)],
                [.. layers.Select(l => graph.Layers[l].Name)],
                layers.Count > 1,
                cut[p],
                firstStep.Count,
                firstStep.Select(c => graph.Cells[c].Layer).Distinct().Count(),
                alone.Count(s => s is not null),
                personStep[p]);
        })
            .OrderByDescending(m => m.LayersAtFirstStep).ThenByDescending(m => m.CutVertex).ThenByDescending(m => m.CellsAtFirstStep)
            .ThenByDescending(m => m.Reach).ThenBy(m => int.Parse(m.Id.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture)).ToList();

        var cells = graph.Cells.Select((c, i) => new CascadeCell(c.Key, c.Name, graph.Layers[c.Layer].Name, [.. c.Members.Select(Id)], cellStep[i])).ToList();
        var layerList = graph.Layers.Select((l, i) => new CascadeLayer(
            l.Name, l.Relays, [.. l.Cells.Select(c => graph.Cells[c].Key)], l.Cells.Select(c => cellStep[c]).Where(s => s is not null).Min())).ToList();
        return new CascadeReport(members, cells, layerList, [.. takenPeople.Select(Id)], steps);
    }

    private static string Id(int person) => $"m{person + 1}";

    /// <summary>
    /// Rounds of seizures from <paramref name="taken"/> (step 0): each round, the devices of those
    /// reached in the last one expose their cells, the cells' members and their contacts.
    /// </summary>
    private static (int?[] People, int?[] Cells, int Steps) Spread(OrganizationGraph graph, IEnumerable<int> taken)
    {
        var people = new int?[graph.People.Count];
        var cells = new int?[graph.Cells.Count];
        var frontier = taken.ToList();
        frontier.ForEach(p => people[p] = 0);
        var step = 0;
        while (frontier.Count > 0)
        {
            step++;
            var next = new List<int>();
            void Reach(int person)
            {
                if (people[person] is null)
                {
                    people[person] = step;
                    next.Add(person);
                }
            }

            foreach (var p in frontier)
            {
                foreach (var c in graph.People[p].Cells.Where(c => cells[c] is null))
                {
                    cells[c] = step;
                    graph.Cells[c].Members.ForEach(Reach);
                }

                foreach (var q in graph.People[p].Contacts)
                {
                    Reach(q);
                }
            }

            frontier = next;
        }

        return (people, cells, people.Concat(cells).Max() ?? 0);
    }

    /// <summary>
    /// Which people are articulation points of the graph of people and cells (membership and contact
    /// edges): Tarjan's low-link, iteratively so that no organization is too deep for the stack.
    /// </summary>
    private static bool[] CutVertices(OrganizationGraph graph)
    {
        var count = graph.People.Count;
        var adjacent = new List<int>[count + graph.Cells.Count];
        for (var p = 0; p < count; p++)
        {
            adjacent[p] = [.. graph.People[p].Cells.Select(c => count + c).Concat(graph.People[p].Contacts).Distinct()];
        }

        for (var c = 0; c < graph.Cells.Count; c++)
        {
            adjacent[count + c] = graph.Cells[c].Members;
        }

        var (discovered, low, parent, cut) = (new int[adjacent.Length], new int[adjacent.Length], new int[adjacent.Length], new bool[adjacent.Length]);
        Array.Fill(discovered, -1);
        Array.Fill(parent, -1);
        var time = 0;
        for (var root = 0; root < adjacent.Length; root++)
        {
            if (discovered[root] >= 0)
            {
                continue;
            }

            var children = 0;
            discovered[root] = low[root] = time++;
            var stack = new Stack<(int Vertex, int Next)>();
            stack.Push((root, 0));
            while (stack.Count > 0)
            {
                var (v, next) = stack.Pop();
                if (next < adjacent[v].Count)
                {
                    stack.Push((v, next + 1));
                    var w = adjacent[v][next];
                    if (discovered[w] < 0)
                    {
                        parent[w] = v;
                        discovered[w] = low[w] = time++;
                        children += v == root ? 1 : 0;
                        stack.Push((w, 0));
                    }
                    else if (w != parent[v])
                    {
                        low[v] = Math.Min(low[v], discovered[w]);
                    }
                }
                else if (parent[v] is var u and >= 0)
                {
                    low[u] = Math.Min(low[u], low[v]);
                    cut[u] |= u != root && low[v] >= discovered[u];
                }
            }

            cut[root] = children > 1;
        }

        return cut[..count];
    }
}
