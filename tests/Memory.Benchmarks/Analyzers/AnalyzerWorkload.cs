using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Memory.Benchmarks.Analyzers;

/// <summary>
/// A generated code base for measuring the analyzers: <see cref="FileCount"/> files of ordinary application code
/// (services with collections, LINQ, strings, records, structs, async methods) in which some files break the rules
/// the way real code does: raw <c>new</c> of allocator-managed types, <c>NativeMemory</c> calls, allocating static
/// fields, static constructors joining event buses, allocators without <c>[TypeId]</c>, mismatched frees.
/// Deterministic: the same trees every run.
/// </summary>
internal static class AnalyzerWorkload
{
    /// <summary>2,000 files when measuring; the smoke run scales it down like every workload.</summary>
    public static int FileCount => Workloads.WorkloadScale.Of(2000);

    public static ImmutableArray<SyntaxTree> CreateTrees()
    {
        var options = new CSharpParseOptions(LanguageVersion.Latest);
        int files = FileCount;
        var trees = ImmutableArray.CreateBuilder<SyntaxTree>(files + 1);
        trees.Add(CSharpSyntaxTree.ParseText(Shared, options, path: "Shared.cs"));
        for (int i = 0; i < files; i++)
            trees.Add(CSharpSyntaxTree.ParseText(File(i), options, path: $"File{i:D4}.cs"));
        return trees.MoveToImmutable();
    }

    public static CSharpCompilation CreateCompilation(ImmutableArray<SyntaxTree> trees)
        => CSharpCompilation.Create("Workload", trees, References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true,
                nullableContextOptions: NullableContextOptions.Enable, concurrentBuild: false));

    private static MetadataReference[]? s_references;

    // The running framework's assemblies plus the runtime, as a project referencing Memory.Runtime compiles against.
    private static MetadataReference[] References => LazyInitializer.EnsureInitialized(ref s_references, static () =>
    {
        string framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        return [.. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(path => string.Equals(Path.GetDirectoryName(path), framework, StringComparison.Ordinal))
            .Append(typeof(AllocatorBase).Assembly.Location)
            .Select(path => MetadataReference.CreateFromFile(path))];
    });

    private const string Shared = """
        using System;
        namespace Workload
        {
            [Memory.EventBus]
            public static class TickBus
            {
                public static event Action<float>? Tick;
                public static void Connect(Action<float> handler) => Tick += handler;
                public static void Raise(float dt) => Tick?.Invoke(dt);
            }
        }
        """;

    private static string File(int index)
    {
        var text = new StringBuilder(4096);
        string n = index.ToString("D4", CultureInfo.InvariantCulture);
        text.Append(CultureInfo.InvariantCulture, $$"""
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using System.Runtime.InteropServices;
            using System.Threading.Tasks;
            using Memory;
            using Memory.Schemas;

            namespace Workload.Module{{index % 40}}
            {
                public sealed record Order{{n}}(int Id, string Customer, decimal Total);

                public readonly struct Point{{n}}
                {
                    public Point{{n}}(float x, float y) { X = x; Y = y; }
                    public float X { get; }
                    public float Y { get; }
                    public float Length => MathF.Sqrt(X * X + Y * Y);
                }

                public sealed class Service{{n}}
                {
                    private readonly Dictionary<int, Order{{n}}> _orders = new();
                    private readonly List<string> _log = [];
                    private int _counter;

                    public Service{{n}}(IEnumerable<Order{{n}}> seed)
                    {
                        foreach (var order in seed)
                            _orders[order.Id] = order;
                    }

                    public decimal Total(string customer)
                        => _orders.Values.Where(o => o.Customer == customer).Sum(o => o.Total);

                    public IReadOnlyList<string> TopCustomers(int count)
                        => _orders.Values.GroupBy(o => o.Customer)
                            .OrderByDescending(g => g.Sum(o => o.Total))
                            .Take(count)
                            .Select(g => $"{g.Key}: {g.Sum(o => o.Total):N2}")
                            .ToList();

                    public void Add(Order{{n}} order)
                    {
                        if (order.Total < 0)
                            throw new ArgumentOutOfRangeException(nameof(order), "negative total");
                        _orders[order.Id] = order;
                        _counter++;
                        _log.Add("added " + order.Id + " for " + order.Customer);
                    }

                    public async Task<int> FlushAsync()
                    {
                        await Task.Yield();
                        int flushed = _log.Count;
                        _log.Clear();
                        return flushed + _counter;
                    }

                    public static Point{{n}} Centroid(ReadOnlySpan<Point{{n}}> points)
                    {
                        float x = 0, y = 0;
                        foreach (var p in points) { x += p.X; y += p.Y; }
                        return points.Length == 0 ? default : new Point{{n}}(x / points.Length, y / points.Length);
                    }
                }

            """);

        // Rule hits at realistic densities.
        // Densities per 1,000 lines matched to FNA, the most static of the real code measured (docs/benchmarks.md):
        // about 2.6 static initialisers (a third of them constant tables), 0.5 platform allocation calls and 0.1
        // static constructors. Real code had no [ClassAllocator] or [TypeId]; a few keep those rules exercised.
        if (index % 50 == 0)
        {
            text.Append(CultureInfo.InvariantCulture, $$"""
                    [ClassAllocator(typeof(OSAllocator))]
                    public partial class Widget{{n}}
                    {
                        public Widget{{n}}(int size) => Size = size;
                        public int Size { get; }
                        public static int Make() => new Widget{{n}}(4).Size;
                    }

                """);
        }
        if (index % 15 == 5)
        {
            text.Append(CultureInfo.InvariantCulture, $$"""
                    public static class Cache{{n}}
                    {
                        private static readonly List<int> Items = new();
                        private static readonly string Name = $"cache-{System.Environment.ProcessId}";
                        private static readonly int[] Table = { 1, 2, 3, 5, 8 };
                        public static int Count => Items.Count + Name.Length + Table.Length;
                    }

                """);
        }
        if (index % 50 == 7)
        {
            text.Append(CultureInfo.InvariantCulture, $$"""
                    public static unsafe class Raw{{n}}
                    {
                        public static void RoundTrip()
                        {
                            void* block = NativeMemory.Alloc(64);
                            NativeMemory.Free(block);
                        }
                    }

                """);
        }
        if (index % 100 == 3)
        {
            text.Append(CultureInfo.InvariantCulture, $$"""
                    public sealed class Scratch{{n}}Allocator : AllocatorBase<OSSchema>
                    {
                        public Scratch{{n}}Allocator() : base("Scratch{{n}}", "scratch", default) { }
                    }

                    public sealed class Ticker{{n}}
                    {
                        static Ticker{{n}}() => Workload.TickBus.Connect(static dt => { });
                    }

                """);
        }
        if (index % 30 == 11)
        {
            text.Append(CultureInfo.InvariantCulture, $$"""
                    public static class Blocks{{n}}
                    {
                        public static void Use()
                        {
                            nint block = Az.Malloc<OSAllocator>(128);
                            Az.Free<OSAllocator>(block);
                        }
                    }

                """);
        }
        text.Append("}\n");
        return text.ToString();
    }
}
