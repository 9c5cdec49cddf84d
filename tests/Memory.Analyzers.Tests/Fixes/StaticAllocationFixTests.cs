using Verify = Memory.Analyzers.Tests.Verification.CodeFixVerifier<Memory.Analyzers.Rules.StaticAllocationAnalyzer, Memory.Analyzers.CodeFixes.StaticAllocationCodeFixProvider>;

namespace Memory.Analyzers.Tests.Fixes;

public sealed class StaticAllocationFixTests
{
    private const string Before = """
        using System.Collections.Generic;
        using System.Threading;

        class Registry
        {
            /// <summary>The items.</summary>
            public static readonly List<int> Items = [|new()|];
            static readonly int[] Table = { 1, 2, 3 };
            static List<string> Names { get; set; } = [|["a", "b"]|];
            internal static Dictionary<string, int> Map { get; } = [|new Dictionary<string, int>()|];
            private static readonly List<int> s_cache = [|new List<int>(Table.Length)|];
            static readonly object Pair = [|new List<int> { new List<int>().Count }|];

            static int Count() => Items.Count + Table.Length + Names.Count + Map.Count + s_cache.Count;
        }
        """;

    private const string After = """
        using System.Collections.Generic;
        using System.Threading;

        class Registry
        {
            private static List<int>? s_items;
            /// <summary>The items.</summary>
            public static List<int> Items => LazyInitializer.EnsureInitialized(ref s_items, static () => new());
            static readonly int[] Table = { 1, 2, 3 };
            private static List<string>? s_names;
            static List<string> Names { get => LazyInitializer.EnsureInitialized(ref s_names, static () => ["a", "b"]); set => s_names = value; }
            private static Dictionary<string, int>? s_map;
            internal static Dictionary<string, int> Map => LazyInitializer.EnsureInitialized(ref s_map, static () => new Dictionary<string, int>());
            private static List<int>? s_cacheValue;
            private static List<int> s_cache => LazyInitializer.EnsureInitialized(ref s_cacheValue, static () => new List<int>(Table.Length));
            static readonly object Pair = [|new List<int> { new List<int>().Count }|];

            static int Count() => Items.Count + Table.Length + Names.Count + Map.Count + s_cache.Count;
        }
        """;

    [Fact]
    public Task Fix_one_by_one() => Verify.VerifyFixAsync(Before, After);

    [Fact]
    public Task Fix_all_in_document() => Verify.VerifyFixAllAsync(Before, After);

    private const string ConstructorBefore = """
        using System;
        using System.Collections.Generic;

        static class Registry
        {
            static readonly List<int> Items;
            static readonly List<int> Others;
            static Func<int> Counter;

            static Registry()
            {
                Items = [|new List<int>()|];
                int seed = 3;
                Counter = [|() => seed|];
                Others = [|new List<int>(Items)|];
            }
        }
        """;

    private const string ConstructorAfter = """
        using System;
        using System.Collections.Generic;
        using System.Threading;

        static class Registry
        {
            private static List<int>? s_items;
            static List<int> Items => LazyInitializer.EnsureInitialized(ref s_items, static () => new List<int>());
            private static List<int>? s_others;
            static List<int> Others => LazyInitializer.EnsureInitialized(ref s_others, static () => new List<int>(Items));
            static Func<int> Counter;

            static Registry()
            {
                int seed = 3;
                Counter = [|() => seed|];
            }
        }
        """;

    [Fact]
    public Task Static_constructor_assignments_move_into_the_accessor() => Verify.VerifyFixAsync(ConstructorBefore, ConstructorAfter);

    [Fact]
    public Task Static_constructor_assignments_fix_all() => Verify.VerifyFixAllAsync(ConstructorBefore, ConstructorAfter);

    [Fact]
    public Task An_emptied_static_constructor_is_removed() => Verify.VerifyFixAllAsync("""
        using System.Collections.Generic;

        class Registry
        {
            static readonly List<int> Items;

            static Registry()
            {
                Items = [|new List<int>()|];
            }
        }
        """, """
        using System.Collections.Generic;
        using System.Threading;

        class Registry
        {
            private static List<int>? s_items;
            static List<int> Items => LazyInitializer.EnsureInitialized(ref s_items, static () => new List<int>());
        }
        """);

    [Fact]
    public Task Without_nullable_annotations_the_field_is_not_annotated() => Verify.VerifyFixAsync("""
        #nullable disable
        using System.Collections.Generic;

        class Registry
        {
            static readonly List<int> Items = [|new List<int>()|];
        }
        """, """
        #nullable disable
        using System.Collections.Generic;
        using System.Threading;

        class Registry
        {
            private static List<int> s_items;
            static List<int> Items => LazyInitializer.EnsureInitialized(ref s_items, static () => new List<int>());
        }
        """);
}
