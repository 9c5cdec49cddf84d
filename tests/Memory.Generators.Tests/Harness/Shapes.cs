using Microsoft.CodeAnalysis.CSharp;

namespace Memory.Generators.Tests.Harness;

/// <summary>One input shape of the generator: sources, the C# versions it is valid for, and caller code.</summary>
/// <param name="Name">The case name; snapshot files start with it.</param>
/// <param name="Sources">The attributed types, possibly over several files.</param>
/// <param name="Usage">Caller code compiled with the output (never snapshotted): it proves the generated API is usable as promised.</param>
/// <param name="MinimumVersion">The oldest C# version the sources compile at.</param>
/// <param name="SnapshotVersion">The C# version the snapshot is taken at.</param>
/// <param name="AllowUnsafe">Whether the compilation allows unsafe code; off unless the sources need it.</param>
public sealed record Shape(
    string Name,
    string[] Sources,
    string Usage,
    LanguageVersion MinimumVersion = LanguageVersion.CSharp10,
    LanguageVersion SnapshotVersion = LanguageVersion.Latest,
    bool AllowUnsafe = false)
{
    public override string ToString() => Name;
}

/// <summary>Every shape the generator supports.</summary>
public static partial class Shapes
{
    public static readonly Shape UnmanagedStruct = new(
        nameof(UnmanagedStruct),
        ["""
        using Memory;

        namespace Game.Physics;

        public enum Mode { A, B = 5, Negative = -1 }

        public readonly struct Vector
        {
            public readonly float X;
            public readonly float Y;
            public Vector(float x, float y) { X = x; Y = y; }
        }

        [ClassAllocator(typeof(OSAllocator))]
        public partial struct Body
        {
            public Vector Position;
            public int Count;

            public Body(int count) { Position = default; Count = count; }

            public Body(in Vector position, ref int counter, out int previous)
            {
                Position = position;
                previous = counter;
                counter++;
                Count = previous;
            }

            public Body(float scale = 1.5f, string? label = null, Mode mode = Mode.B, Mode other = Mode.Negative, char separator = '\n',
                decimal weight = 2.5m, long offset = -3, double ratio = 0.1, bool enabled = true, string name = "a \"b\"", Mode? maybe = Mode.A)
            {
                Position = new Vector(scale, (float)ratio);
                Count = (label?.Length ?? 0) + (int)mode + (int)other + separator + (int)weight + (int)offset + (enabled ? 1 : 0) + name.Length + (maybe is null ? 0 : 1);
            }

            public Body(params int[] counts) { Position = default; Count = counts.Length; }

            internal Body(Vector position, int count) { Position = position; Count = count; }

            private Body(long secret) { Position = default; Count = (int)secret; }
        }
        """],
        """
        using Game.Physics;

        public static class Usage
        {
            public static int Run()
            {
                var body = Body.Create(7);
                body.Value.Count++;
                int counter = 1;
                var moved = Body.Create(new Vector(1, 2), ref counter, out int previous);
                var many = Body.Create(1, 2, 3);
                var named = Body.Create(scale: 2f, name: "n");
                int total = body.Value.Count + moved.Value.Count + many.Value.Count + named.Value.Count + previous;
                bool same = body == moved || body.IsNull;
                Body.Destroy(body);
                Body.Destroy(moved);
                Body.Destroy(many);
                Body.Destroy(named);
                return same ? 0 : total;
            }
        }
        """);

    public static readonly Shape DisposableStruct = new(
        nameof(DisposableStruct),
        ["""
        namespace Game.Audio
        {
            [global::Memory.ClassAllocator(typeof(global::Memory.OSAllocator))]
            internal partial struct Voice : System.IDisposable
            {
                public int Channel;
                public Voice(int channel) { Channel = channel; }
                void System.IDisposable.Dispose() => Channel = -1;
            }
        }
        """],
        """
        internal static class Usage
        {
            public static void Run() => Game.Audio.Voice.Destroy(Game.Audio.Voice.Create(3));
        }
        """);

    public static readonly Shape Class = new(
        nameof(Class),
        ["""
        using System;
        using Memory;

        [ClassAllocator(typeof(OSAllocator))]
        public partial class Enemy : IDisposable
        {
            public Enemy() { Name = string.Empty; }
            public Enemy(string name, int @class = 3) { Name = name + @class; }
            public Enemy(int callerFilePath, string instance) { Name = instance + callerFilePath; }
            protected internal Enemy(double speed) { Name = speed.ToString(); }
            [Obsolete("Use Enemy(string)")]
            public Enemy(long id) { Name = id.ToString(); }
            private Enemy(char code) { Name = code.ToString(); }

            public string Name { get; }

            public void Dispose() { }
        }
        """],
        """
        public static class Usage
        {
            public static string Run()
            {
                Enemy enemy = Enemy.Create("orc", @class: 4);
                Enemy other = Enemy.Create(1, "instance");
                string name = enemy.Name + other.Name;
                Enemy.Destroy(enemy);
                Enemy.Destroy(other);
                return name;
            }
        }
        """);

    public static readonly Shape Records = new(
        nameof(Records),
        ["""
        namespace Game.Data
        {
            [Memory.ClassAllocator(typeof(Memory.OSAllocator))]
            public partial record Item(string Name, int Count = 1);

            [Memory.ClassAllocator(typeof(Memory.OSAllocator))]
            [Memory.TypeId("{6A1F0C52-9E1B-4C8E-A0F3-1B2C3D4E5F60}")]
            public partial record struct Cell(int X, int Y);
        }
        """],
        """
        public static class Usage
        {
            public static int Run()
            {
                var item = Game.Data.Item.Create("sword");
                var cell = Game.Data.Cell.Create(1, 2);
                int sum = item.Count + cell.Value.X + cell.Value.Y;
                Game.Data.Item.Destroy(item);
                Game.Data.Cell.Destroy(cell);
                return sum;
            }
        }
        """);

    public static readonly Shape Generic = new(
        nameof(Generic),
        ["""
        using Memory;

        namespace Game.Collections;

        [ClassAllocator(typeof(OSAllocator))]
        [TypeId("{0B9E4F3C-7D21-4A5B-8C6D-9E0F1A2B3C4D}")]
        public partial struct Buffer<T> where T : unmanaged
        {
            public T First;
            public int Length;
            public Buffer(T first, int length) { First = first; Length = length; }
        }

        [ClassAllocator(typeof(OSAllocator))]
        [TypeId("{1C0F5A4D-8E32-4B6C-9D7E-0F1A2B3C4D5E}")]
        public sealed partial class Pool<TItem, TKey> where TKey : notnull
        {
            public Pool(TKey key) { Key = key; }
            public TKey Key { get; }
        }

        [TypeId("{2D1A6B5E-9F43-4C7D-AE8F-102B3C4D5E6F}")]
        public partial interface IProducer<out T>
        {
            T Produce();
        }
        """],
        """
        using Game.Collections;

        public static class Usage
        {
            public static string Run()
            {
                var buffer = Buffer<long>.Create(5, 1);
                long first = buffer.Value.First;
                Buffer<long>.Destroy(buffer);
                var pool = Pool<string, int>.Create(3);
                Pool<string, int>.Destroy(pool);
                return first + Buffer<int>.TypeName + Pool<int, int>.TypeId + IProducer<int>.TypeId;
            }
        }
        """);

    public static readonly Shape Nested = new(
        nameof(Nested),
        ["""
        using Memory;

        namespace Game;

        public partial class World
        {
            public partial struct Region<TCell> where TCell : unmanaged
            {
                public TCell Origin;

                [ClassAllocator(typeof(OSAllocator))]
                [TypeId("{3E2B7C6F-A054-4D8E-BF90-213C4D5E6F70}")]
                public partial struct Tile
                {
                    public int Height;
                }

                public partial record Layer
                {
                    [ClassAllocator(typeof(OSAllocator))]
                    internal partial class Entity
                    {
                    }
                }
            }
        }
        """],
        """
        internal static class Usage
        {
            public static string Run()
            {
                var tile = Game.World.Region<byte>.Tile.Create();
                tile.Value.Height = 4;
                Game.World.Region<byte>.Tile.Destroy(tile);
                var entity = Game.World.Region<int>.Layer.Entity.Create();
                Game.World.Region<int>.Layer.Entity.Destroy(entity);
                return Game.World.Region<byte>.Tile.TypeName;
            }
        }
        """);

    public static readonly Shape SplitAcrossFiles = new(
        nameof(SplitAcrossFiles),
        ["""
        namespace Game.Split;

        [Memory.ClassAllocator(typeof(Memory.OSAllocator))]
        public partial struct Particle
        {
            public float Life;
        }
        """,
        """
        namespace Game.Split;

        [Memory.TypeId("{4F3C8D70-B165-4E9F-8001-324D5E6F7081}")]
        public partial struct Particle
        {
            public Particle(float life) { Life = life; }
        }
        """],
        """
        public static class Usage
        {
            public static float Run()
            {
                var particle = Game.Split.Particle.Create(0.5f);
                float life = particle.Value.Life;
                Game.Split.Particle.Destroy(particle);
                return life;
            }
        }
        """);

    private const string AllocatorSource = """
        using Memory;
        using Memory.Schemas;

        namespace Game.Allocators;

        /// <summary>Like a child allocator: its constructor takes a name and a description.</summary>
        public abstract class NamedAllocator : AllocatorBase<OSSchema>
        {
            /// <summary>Names the allocator.</summary>
            protected NamedAllocator(string name, string description) : base(name, description, default) { }
        }

        [TypeId("{2C6478E2-3B0D-4DFF-88E2-ABCB3F10B96E}")]
        public sealed partial class ScriptCanvasAllocator : NamedAllocator { }

        [TypeId("{5A4D9E81-C276-4FA0-9112-435E6F708192}")]
        public sealed partial class TestAllocator : AllocatorBase<OSSchema>
        {
            /// <summary>Creates the allocator with its own name and description.</summary>
            public TestAllocator() : base("Test", "An allocator for tests", default) { }
        }

        [ClassAllocator(typeof(ScriptCanvasAllocator))]
        public partial struct Node
        {
            public int Id;
        }

        [ClassAllocator(typeof(TestAllocator))]
        public partial class Graph
        {
        }
        """;

    private const string AllocatorUsage = """
        using Game.Allocators;

        public static class Usage
        {
            public static long Run()
            {
                var node = Node.Create();
                Node.Destroy(node);
                var graph = Graph.Create();
                Graph.Destroy(graph);
                return ScriptCanvasAllocator.Instance.NumAllocatedBytes + TestAllocator.Instance.NumAllocatedBytes
                    + ScriptCanvasAllocator.TypeName.Length + TestAllocator.TypeId.ToByteArray()[0];
            }
        }
        """;

    public static readonly Shape AllocatorGlue = new(nameof(AllocatorGlue), [AllocatorSource], AllocatorUsage);

    /// <summary>The same allocators at C# 10: static members without the static-abstract interfaces.</summary>
    public static readonly Shape AllocatorGlueCSharp10 = new(
        nameof(AllocatorGlueCSharp10), [AllocatorSource], AllocatorUsage, SnapshotVersion: LanguageVersion.CSharp10);

    public static readonly Shape Hiding = new(
        nameof(Hiding),
        ["""
        using Memory;

        namespace Game.Hierarchy;

        [ClassAllocator(typeof(OSAllocator))]
        [TypeId("{6B5EA092-D387-40B1-A223-546F708192A3}")]
        public partial class Shape
        {
            public Shape() { }
            public Shape(int sides) { Sides = sides; }
            public int Sides { get; }
        }

        [ClassAllocator(typeof(OSAllocator))]
        [TypeId("{7C6FB1A3-E498-41C2-B334-6570819203B4}")]
        public partial class Square : Shape
        {
            public Square() : base(4) { }
            public Square(double size) : base(4) { Size = size; }
            public double Size { get; }
        }
        """],
        """
        public static class Usage
        {
            public static string Run()
            {
                var square = Game.Hierarchy.Square.Create(2.0);
                Game.Hierarchy.Shape.Destroy(square);
                return Game.Hierarchy.Square.TypeName + Game.Hierarchy.Shape.TypeName;
            }
        }
        """);

    /// <summary>Pointers, <c>ref readonly</c> and <c>scoped</c> parameters: C# 12, in an unsafe project.</summary>
    public static readonly Shape ModernParameters = new(
        nameof(ModernParameters),
        ["""
        namespace Game.Interop;

        [Memory.ClassAllocator(typeof(Memory.OSAllocator))]
        public unsafe partial struct Native
        {
            public int* Data;
            public int Value;
            public Native(int* data) { Data = data; Value = 0; }
            public Native(ref readonly int value, scoped ref int other) { Data = null; Value = value; other = value; }
            public Native(scoped System.ReadOnlySpan<int> values) { Data = null; Value = values.Length; }
        }
        """],
        """
        public static class Usage
        {
            public static unsafe int Run()
            {
                int value = 3, other = 0;
                var a = Game.Interop.Native.Create(in value, ref other);
                var b = Game.Interop.Native.Create(stackalloc int[2]);
                Game.Interop.Native* raw = a;
                int sum = raw->Value + b.Value.Value + other;
                Game.Interop.Native.Destroy(a);
                Game.Interop.Native.Destroy(b);
                return sum;
            }
        }
        """,
        MinimumVersion: LanguageVersion.CSharp12,
        AllowUnsafe: true);

    /// <summary>Generic code reading the type information through the static-abstract interfaces (C# 11 on).</summary>
    public static readonly Shape GenericReaders = new(
        nameof(GenericReaders),
        ["""
        [Memory.TypeId("{8D70C2B4-F5A9-42D3-8445-768192A3B4C5}")]
        public partial class Marker { }
        """],
        """
        using Memory;

        public static class Usage
        {
            public static string Describe<T>() where T : ITypeInfo => T.TypeName + " " + T.TypeId;

            public static T Shared<T>() where T : AllocatorBase, IAllocatorType<T> => AllocatorInstance<T>.Get();

            public static string Run() => Describe<Marker>() + Describe<OSAllocator>() + Shared<OSAllocator>().Name;
        }
        """,
        MinimumVersion: LanguageVersion.CSharp11);

    public static IReadOnlyList<Shape> All { get; } =
    [
        UnmanagedStruct, DisposableStruct, Class, Records, Generic, Nested, SplitAcrossFiles,
        AllocatorGlue, AllocatorGlueCSharp10, Hiding, ModernParameters, GenericReaders,
        CallSites, PrimaryConstructors, ParameterAttributes, ParamsCollection, MemberConflicts, MemberConflictsCSharp10,
        CaseCollisions, LongName,
    ];

    public static Shape Named(string name) => All.Single(shape => shape.Name == name);
}
