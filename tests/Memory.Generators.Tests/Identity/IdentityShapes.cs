namespace Memory.Generators.Tests.Identity;

/// <summary>The sources of the type-identity tests: generic <c>[TypeId]</c> shapes and the allocators they key.</summary>
internal static class IdentityShapes
{
    /// <summary>
    /// A GUID of the shapes with its last byte replaced by <paramref name="salt"/>: the tests of each language version
    /// load their assemblies into one process, where equal identities would be one allocator.
    /// </summary>
    public static Guid Id(string guid, int salt) => Guid.Parse(SaltOne(guid.Trim('{', '}'), salt));

    private static string Salted(string source, int salt)
        => System.Text.RegularExpressions.Regex.Replace(source, "[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}", m => SaltOne(m.Value, salt));

    private static string SaltOne(string guid, int salt) => guid[..^2] + salt.ToString("X2", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A generic allocator, a generic class of two parameters, a generic ref struct, a type nested in a generic one.</summary>
    public static string Generic(int salt) => Salted("""
        using Memory;

        namespace Game
        {
            [TypeId("{7E3A51C2-9B04-4D6F-8A1E-2C5B7D9F0A13}")]
            public sealed partial class Tagged<T> : ChildAllocator<SystemAllocator> { }

            [TypeId("{1F6B2D84-3C7E-4A95-B0D2-6E8F1A3C5B27}")]
            public partial class Pair<TFirst, TSecond> { }

            [TypeId("{4A8C0E26-5D1F-4B73-9E05-7F2A4C6E8B39}")]
            public ref partial struct Window<T> { }

            public partial class Grid<TCell>
            {
                [TypeId("{6D2E8F40-7A3B-4C95-8E17-9B4D6F8A0C51}")]
                public partial struct Cell { }
            }

            [TypeId("{2B7D9F13-4E6A-4C8B-9D0F-3A5C7E9B1D24}")]
            public sealed class A { }

            [TypeId("{3C8E0A24-5F7B-4D9C-8E1A-4B6D8F0C2E35}")]
            public sealed class B { }
        }
        """, salt);

    /// <summary>Code that uses the generic shapes: both allocators of <c>Tagged</c>, factories from one, names and ids.</summary>
    public const string GenericUse = """
        using System;
        using Memory;

        namespace Game
        {
            [ClassAllocator(typeof(Tagged<A>))]
            public partial class Widget { public Widget() { } }

            public static class Probe
            {
                public static string Run()
                {
                    Tagged<A> a = Tagged<A>.Instance;
                    Tagged<B> b = Tagged<B>.Instance;
                    if (ReferenceEquals(a, b)) throw new InvalidOperationException("one allocator for two constructions");
                    if (!ReferenceEquals(a, Tagged<A>.Instance)) throw new InvalidOperationException("Tagged<A> not shared");
                    nint block = a.Allocate(32, 8);
                    long inA = a.NumAllocatedBytes, inB = b.NumAllocatedBytes;
                    a.DeAllocate(block);
                    Widget widget = Widget.Create();
                    long live = a.Records.LiveAllocations;
                    Widget.Destroy(widget);
                    return string.Join("|", Tagged<A>.TypeName, Tagged<B>.TypeName, a.Name, b.Name, inA, inB, live,
                        Tagged<A>.TypeId, Tagged<B>.TypeId, Pair<A, B>.TypeId, Pair<B, A>.TypeId, Pair<int, string>.TypeName,
                        Window<int>.TypeId, Window<int>.TypeName, Grid<byte>.Cell.TypeName, Grid<byte>.Cell.TypeId, Grid<long>.Cell.TypeId);
                }
            }
        }
        """;

    /// <summary>One plugin assembly's allocator: the same name in every plugin, the GUID given.</summary>
    public static string Plugin(string guid, int salt) => Salted($$"""
        using Memory;

        namespace Plugins
        {
            [TypeId("{{guid}}")]
            public sealed partial class PluginAllocator : ChildAllocator<SystemAllocator> { }

            [ClassAllocator(typeof(PluginAllocator))]
            public partial class PluginObject { public PluginObject() { } }

            public static class Entry
            {
                public static string Run()
                {
                    PluginAllocator allocator = PluginAllocator.Instance;
                    nint block = allocator.Allocate(48, 8);
                    long bytes = allocator.NumAllocatedBytes;
                    PluginObject item = PluginObject.Create();
                    long live = allocator.Records.LiveAllocations;
                    PluginObject.Destroy(item);
                    allocator.DeAllocate(block);
                    return string.Join("|", PluginAllocator.TypeName, PluginAllocator.TypeId, bytes, live,
                        System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(allocator));
                }
            }
        }
        """, salt);

    /// <summary>A library's allocator, compiled at C# 10 in the tests: <c>Instance</c> and no <c>IAllocatorType</c>.</summary>
    public static string Library(int salt) => Salted("""
        using Memory;

        namespace Library
        {
            [TypeId("{5E1A3C7B-9D2F-4B64-8A0E-6C8E0B2D4F17}")]
            public sealed partial class LibraryAllocator : ChildAllocator<SystemAllocator> { }
        }
        """, salt);

    /// <summary>An application naming the library's allocator.</summary>
    public const string LibraryUse = """
        using Memory;

        namespace Application
        {
            [ClassAllocator(typeof(Library.LibraryAllocator))]
            public partial class Document { public Document(string title) => Title = title; public string Title { get; } }

            public static class Entry
            {
                public static string Run()
                {
                    Document document = Document.Create("report");
                    long live = Library.LibraryAllocator.Instance.Records.LiveAllocations;
                    Document.Destroy(document);
                    return document.Title + "|" + live + "|" + Library.LibraryAllocator.Instance.Records.LiveAllocations;
                }
            }
        }
        """;
}
