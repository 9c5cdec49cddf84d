using Memory.Analyzers.CodeFixes;
using Memory.Analyzers.Rules;
using Microsoft.CodeAnalysis.Testing;

namespace Memory.Analyzers.Tests.Precision;

/// <summary>MEM0003 on what real code does: lazy wrappers, lookup tables, struct values holding allocations, commented constructors.</summary>
public sealed class StaticAllocationPrecisionTests
{
    private static Task Verify(string source, params DiagnosticResult[] expected)
    {
        var test = RoslynTesting.Analyzer<StaticAllocationAnalyzer>(source);
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    private static Task VerifyFix(string source, string fixedSource)
        => RoslynTesting.Fix<StaticAllocationAnalyzer, StaticAllocationCodeFixProvider>(source, fixedSource).RunAsync();

    [Fact]
    public Task Lazy_wrappers_already_create_on_first_use() => Verify("""
        using System;
        using System.Collections.Generic;
        using System.Threading;

        class Registry
        {
            static readonly Lazy<List<int>> Items = new(() => new List<int>());
            static readonly Lazy<Dictionary<string, int>> Map = new Lazy<Dictionary<string, int>>(Create, LazyThreadSafetyMode.ExecutionAndPublication);
            static readonly ThreadLocal<List<int>> PerThread = new(() => new List<int>());
            static readonly Lazy<List<int>> Eager = new([|new List<int>()|]);

            static Dictionary<string, int> Create() => new();
        }
        """);

    [Fact]
    public Task Arrays_of_constants_are_tables_not_reported() => Verify("""
        using System;

        enum Blend { One, Zero }
        struct Element { public Element(int offset, Blend blend) { Offset = offset; Kind = blend; } public int Offset; public Blend Kind; }

        class Tables
        {
            const int Size = 4;
            static readonly int[] Primes = { 2, 3, 5, 7 };
            static readonly float[] Axis = new float[] { 0f, -1f, 1f, 0.5f };
            static readonly Blend[] Blends = new Blend[Size] { Blend.One, Blend.Zero, Blend.One, default };
            static readonly string[] Names = ["a", "b", nameof(Tables)];
            static readonly Type[] Kinds = { typeof(int), typeof(string) };
            static readonly int[,] Grid = { { 1, 2 }, { 3, 4 } };
            static readonly Element[] Layout = { new Element(0, Blend.One), new Element(12, Blend.Zero) };
            static readonly int[] Buffer = [|new int[256]|];
            static readonly int[] Computed = [|{ Environment.ProcessorCount, 2 }|];
            static readonly object[] Boxes = [|{ 1, 2 }|];
        }
        """);

    [Fact]
    public Task One_value_is_reported_once_at_its_first_allocation() => Verify("""
        struct Pair
        {
            public Pair(int[] keys, string[] names, object tag) { Keys = keys; Names = names; Tag = tag; }
            public int[] Keys;
            public string[] Names;
            public object Tag;
        }

        class Registry
        {
            static readonly Pair Both = new Pair({|#0:new int[4]|}, new string[2], new object[1]);
            static readonly Pair One;

            static Registry()
            {
                One = new Pair({|#1:new int[8]|}, null!, null!);
            }
        }
        """,
        new DiagnosticResult(Descriptors.StaticAllocation).WithLocation(0).WithArguments("Both", "an array of int and 2 more"),
        new DiagnosticResult(Descriptors.StaticAllocation).WithLocation(1).WithArguments("One", "an array of int"));

    [Fact]
    public Task Static_constructor_comments_stay_when_the_assignment_moves() => VerifyFix("""
        using System.Collections.Generic;

        class Profiles
        {
            static readonly List<int> Reach;
            static int Count;

            static Profiles()
            {
                /* Where these figures come from:
                 * the reference documentation
                 * and measurements.
                 */
                Reach = [|new List<int>()|];
                // Nothing else allocates.
                Count = 4;
            }
        }
        """, """
        using System.Collections.Generic;
        using System.Threading;

        class Profiles
        {
            private static List<int>? s_reach;
            static List<int> Reach => LazyInitializer.EnsureInitialized(ref s_reach, static () => new List<int>());
            static int Count;

            static Profiles()
            {
                /* Where these figures come from:
                 * the reference documentation
                 * and measurements.
                 */
                // Nothing else allocates.
                Count = 4;
            }
        }
        """);

    [Fact]
    public Task A_commented_static_constructor_is_kept_when_emptied() => VerifyFix("""
        using System.Collections.Generic;

        class Profiles
        {
            static readonly List<int> Reach;

            static Profiles()
            {
                // The figures come from the reference documentation.
                Reach = [|new List<int>()|];
            }
        }
        """, """
        using System.Collections.Generic;
        using System.Threading;

        class Profiles
        {
            private static List<int>? s_reach;
            static List<int> Reach => LazyInitializer.EnsureInitialized(ref s_reach, static () => new List<int>());

            static Profiles()
            {
                // The figures come from the reference documentation.
            }
        }
        """);

    [Fact]
    public Task A_field_comment_block_stays_on_the_field_that_replaces_it() => VerifyFix("""
        using System.Collections.Generic;

        class Registry
        {
            // Every registered name.
            // Filled at start-up.
            static readonly List<string> Names = [|new List<string>()|]; // never shrinks
        }
        """, """
        using System.Collections.Generic;
        using System.Threading;

        class Registry
        {
            // Every registered name.
            // Filled at start-up.
            private static List<string>? s_names;
            static List<string> Names => LazyInitializer.EnsureInitialized(ref s_names, static () => new List<string>()); // never shrinks
        }
        """);

    [Fact]
    public Task A_constructor_that_fills_the_value_is_not_fixed() => VerifyFix("""
        using System.Collections.Generic;

        class Capabilities { public int Max; public List<int> Formats = null!; }

        class Profiles
        {
            internal static Capabilities Reach;

            static Profiles()
            {
                Reach = [|new Capabilities()|];
                Reach.Max = 2048;
            }
        }
        """, """
        using System.Collections.Generic;

        class Capabilities { public int Max; public List<int> Formats = null!; }

        class Profiles
        {
            internal static Capabilities Reach;

            static Profiles()
            {
                Reach = [|new Capabilities()|];
                Reach.Max = 2048;
            }
        }
        """);

    [Fact]
    public Task Read_only_tables_are_reported_but_not_made_lazy() => VerifyFix("""
        using System.Collections.Generic;

        class Keys
        {
            static readonly Dictionary<int, string> Map = [|new Dictionary<int, string> { { 1, "one" }, { 2, "two" } }|];
            static IReadOnlyList<string> Names { get; } = [|new List<string> { "a", "b" }|];
            static readonly List<string> Grown = [|new List<string>()|];
        }
        """, """
        using System.Collections.Generic;
        using System.Threading;

        class Keys
        {
            static readonly Dictionary<int, string> Map = [|new Dictionary<int, string> { { 1, "one" }, { 2, "two" } }|];
            static IReadOnlyList<string> Names { get; } = [|new List<string> { "a", "b" }|];
            private static List<string>? s_grown;
            static List<string> Grown => LazyInitializer.EnsureInitialized(ref s_grown, static () => new List<string>());
        }
        """);
}
