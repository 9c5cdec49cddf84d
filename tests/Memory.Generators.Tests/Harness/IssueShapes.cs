using Microsoft.CodeAnalysis.CSharp;

namespace Memory.Generators.Tests.Harness;

/// <summary>The shapes of issue 14's failing cases: each compiles, with its usage, at every C# version it is valid for.</summary>
public static partial class Shapes
{
    /// <summary>
    /// Call sites: overloads that user arguments must not reach through the caller-info parameters, the
    /// implicit parameterless struct constructor, optional parameters whose argument counts overlap (exact
    /// mirrors) or do not (trailer), and a constructor with caller information of its own.
    /// </summary>
    public static readonly Shape CallSites = new(
        nameof(CallSites),
        ["""
        using Memory;

        namespace Game.Net;

        [ClassAllocator(typeof(OSAllocator))]
        public partial class Endpoint
        {
            public Endpoint() { Host = string.Empty; }
            public Endpoint(string host, int port) { Host = host; Port = port; }
            public string Host { get; }
            public int Port { get; }
        }

        [ClassAllocator(typeof(OSAllocator))]
        public partial struct Label
        {
            public int Length;
            public Label(string text, int size) { Length = text.Length + size; }
        }

        [ClassAllocator(typeof(OSAllocator))]
        public partial class Setting
        {
            public Setting() { Value = -1; }
            public Setting(int value = 0) { Value = value; }
            public int Value { get; }
        }

        [ClassAllocator(typeof(OSAllocator))]
        public partial class Logger
        {
            public Logger([System.Runtime.CompilerServices.CallerFilePath] string file = "", [System.Runtime.CompilerServices.CallerLineNumber] int line = 0)
            {
                File = file;
                Line = line;
            }
            public string File { get; }
            public int Line { get; }
        }

        [ClassAllocator(typeof(OSAllocator))]
        public partial struct Sample
        {
            public int Id;
            public Sample(double x, double y, double z, int id = 7) { Id = id + (int)(x + y + z); }
        }

        [ClassAllocator(typeof(OSAllocator))]
        public partial class Message
        {
            public Message(string text) { Text = text; }
            public Message(string format, params object[] arguments) { Text = string.Format(format, arguments); }
            public string Text { get; }
        }
        """],
        """
        using Game.Net;

        public static class Usage
        {
            public static int Run()
            {
                var endpoint = Endpoint.Create("example.com", 443);
                var empty = Endpoint.Create();
                var label = Label.Create("a", 1);
                var blank = Label.Create();
                var setting = Setting.Create();
                var chosen = Setting.Create(4);
                var logger = Logger.Create();
                var sample = Sample.Create(1, 2, 3);
                var message = Message.Create("{0}", 1);
                int total = endpoint.Port + empty.Port + label.Value.Length + blank.Value.Length + setting.Value + chosen.Value
                    + logger.Line + sample.Value.Id + message.Text.Length;
                Endpoint.Destroy(endpoint);
                Endpoint.Destroy(empty);
                Label.Destroy(label);
                Label.Destroy(blank);
                Setting.Destroy(setting);
                Setting.Destroy(chosen);
                Logger.Destroy(logger);
                Sample.Destroy(sample);
                Message.Destroy(message);
                return total;
            }
        }
        """);

    /// <summary>A primary constructor beside a parameterless one (C# 12).</summary>
    public static readonly Shape PrimaryConstructors = new(
        nameof(PrimaryConstructors),
        ["""
        namespace Game.Tags;

        [Memory.ClassAllocator(typeof(Memory.OSAllocator))]
        public partial class Tag(string name)
        {
            public Tag() : this("none") { }
            public string Name => name;
        }
        """],
        """
        public static class Usage
        {
            public static string Run()
            {
                var named = Game.Tags.Tag.Create("s");
                var unnamed = Game.Tags.Tag.Create();
                string text = named.Name + unnamed.Name;
                Game.Tags.Tag.Destroy(named);
                Game.Tags.Tag.Destroy(unnamed);
                return text;
            }
        }
        """,
        MinimumVersion: LanguageVersion.CSharp12);

    /// <summary>
    /// Parameters whose attributes or defaults matter to callers and to nullable analysis: <c>default!</c>,
    /// <c>[Optional]</c>/<c>[DefaultParameterValue]</c> before a required parameter, nullability attributes.
    /// </summary>
    public static readonly Shape ParameterAttributes = new(
        nameof(ParameterAttributes),
        ["""
        using System.Diagnostics.CodeAnalysis;
        using System.Runtime.InteropServices;
        using Memory;

        namespace Game.Parameters;

        [ClassAllocator(typeof(OSAllocator))]
        public partial class Holder<T>
        {
            public Holder(T value = default!) { Value = value; }
            public T Value { get; }
        }

        [ClassAllocator(typeof(OSAllocator))]
        public partial class Interop
        {
            public Interop([Optional] int count, string name) { Name = name + count; }
            public Interop([Optional, DefaultParameterValue(4L)] long size) { Name = size.ToString(); }
            public string Name { get; }
        }

        [ClassAllocator(typeof(OSAllocator))]
        public partial class Guarded
        {
            public Guarded([DisallowNull] string? text, [AllowNull] string other) { Text = text; Other = other ?? string.Empty; }
            public Guarded([NotNull] ref string? slot) { slot ??= "filled"; Text = slot; Other = string.Empty; }
            public string Text { get; }
            public string Other { get; }
        }
        """],
        """
        using Game.Parameters;

        public static class Usage
        {
            public static int Run()
            {
                var holder = Holder<string>.Create();
                var interop = Interop.Create(name: "n");
                var sized = Interop.Create();
                var guarded = Guarded.Create("t", null);
                string? slot = null;
                var filled = Guarded.Create(ref slot);
                int total = (holder.Value?.Length ?? 0) + interop.Name.Length + sized.Name.Length + guarded.Other.Length + slot.Length + filled.Text.Length;
                Holder<string>.Destroy(holder);
                Interop.Destroy(interop);
                Interop.Destroy(sized);
                Guarded.Destroy(guarded);
                Guarded.Destroy(filled);
                return total;
            }
        }
        """);

    /// <summary>A <c>params</c> collection (C# 13).</summary>
    public static readonly Shape ParamsCollection = new(
        nameof(ParamsCollection),
        ["""
        namespace Game.Batches;

        [Memory.ClassAllocator(typeof(Memory.OSAllocator))]
        public partial class Batch
        {
            public Batch(params System.ReadOnlySpan<int> values) { Count = values.Length; }
            public int Count { get; }
        }
        """],
        """
        public static class Usage
        {
            public static int Run()
            {
                var batch = Game.Batches.Batch.Create(1, 2, 3);
                int count = batch.Count;
                Game.Batches.Batch.Destroy(batch);
                return count;
            }
        }
        """,
        MinimumVersion: LanguageVersion.CSharp13);

    private const string MemberConflictsSource = """
        using Memory;
        using Memory.Schemas;

        namespace Game.Conflicts;

        [ClassAllocator(typeof(OSAllocator))]
        public partial class Pooled
        {
            public Pooled(int size) { Size = size; }
            public int Size { get; }
            public static int Destroyed;
            public static void Destroy(Pooled instance) => Destroyed += instance.Size;
        }

        [ClassAllocator(typeof(OSAllocator))]
        public partial class Counter
        {
            public Counter() { Start = -1; }
            public Counter(int start = 0) { Start = start; }
            public int Start { get; }
            public static Counter Create(int start) => new Counter(start + 100);
        }

        [TypeId("{5B0E2C7A-31D4-4F86-9A2B-C3D4E5F60718}")]
        public partial class Described
        {
            public System.Guid TypeId => default;
        }

        [TypeId("{6C1F3D8B-42E5-4097-8B3C-D4E5F6071829}")]
        public partial class Named
        {
            public const string TypeName = "Named";
        }

        [TypeId("{7D20E49C-53F6-41A8-9C4D-E5F60718293A}")]
        public sealed partial class PoolAllocator : AllocatorBase<OSSchema>
        {
            private static PoolAllocator? s_instance;
            public PoolAllocator() : base("Pool", "A pool with its own instance", default) { }
            public static PoolAllocator Instance => s_instance ??= new PoolAllocator();
        }

        [ClassAllocator(typeof(PoolAllocator))]
        public partial class Pooled2
        {
            public int Value;
        }
        """;

    private const string MemberConflictsUsage = """
        using Game.Conflicts;

        public static class Usage
        {
            public static int Run()
            {
                var pooled = Pooled.Create(3);
                Pooled.Destroy(pooled);
                var counter = Counter.Create(1);
                var first = Counter.Create();
                Counter.Destroy(first);
                var other = Pooled2.Create();
                Pooled2.Destroy(other);
                return Pooled.Destroyed + counter.Start + first.Start + other.Value + new Described().TypeId.GetHashCode() + Named.TypeName.Length;
            }
        }
        """;

    /// <summary>
    /// Members the user declares under generated names: <c>Destroy</c>, a <c>Create</c> with a generated signature,
    /// an instance <c>TypeId</c>, a constant <c>TypeName</c>, an allocator's own static <c>Instance</c>.
    /// </summary>
    public static readonly Shape MemberConflicts = new(nameof(MemberConflicts), [MemberConflictsSource], MemberConflictsUsage);

    /// <summary>The same at C# 10, where the allocator's own <c>Instance</c> is the way to it.</summary>
    public static readonly Shape MemberConflictsCSharp10 = new(
        nameof(MemberConflictsCSharp10), [MemberConflictsSource], MemberConflictsUsage, SnapshotVersion: LanguageVersion.CSharp10);

    /// <summary>Types and namespaces whose names differ only in case: files must not clash (CS8785).</summary>
    public static readonly Shape CaseCollisions = new(
        nameof(CaseCollisions),
        ["""
        namespace Game.Physics
        {
            [Memory.TypeId("{8E31F5AD-6407-42B9-AD5E-F60718293A4B}")]
            public partial class Body { }
        }

        namespace Game.PHYSICS
        {
            [Memory.TypeId("{9F4206BE-7518-43CA-BE6F-0718293A4B5C}")]
            public partial class Body { }
        }

        namespace Game
        {
            [Memory.ClassAllocator(typeof(Memory.OSAllocator))]
            public partial class Widget { }

            [Memory.ClassAllocator(typeof(Memory.OSAllocator))]
            public partial class WIDGET { }
        }
        """],
        """
        public static class Usage
        {
            public static string Run()
            {
                var lower = Game.Widget.Create();
                var upper = Game.WIDGET.Create();
                Game.Widget.Destroy(lower);
                Game.WIDGET.Destroy(upper);
                return Game.Physics.Body.TypeName + Game.PHYSICS.Body.TypeName;
            }
        }
        """);

    /// <summary>A 368-character type name: its file name is cut and hashed.</summary>
    public static readonly Shape LongName = new(
        nameof(LongName),
        ["""
        namespace Game.Generated;

        [Memory.ClassAllocator(typeof(Memory.OSAllocator))]
        [Memory.TypeId("{A05317CF-8629-44DB-8F70-18293A4B5C6D}")]
        public partial class ComponentSegment00Segment01Segment02Segment03Segment04Segment05Segment06Segment07Segment08Segment09Segment10Segment11Segment12Segment13Segment14Segment15Segment16Segment17Segment18Segment19Segment20Segment21Segment22Segment23Segment24Segment25Segment26Segment27Segment28Segment29Segment30Segment31Segment32Segment33Segment34Segment35EndXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX { }
        """],
        """
        public static class Usage
        {
            public static string Run()
            {
                var value = Game.Generated.ComponentSegment00Segment01Segment02Segment03Segment04Segment05Segment06Segment07Segment08Segment09Segment10Segment11Segment12Segment13Segment14Segment15Segment16Segment17Segment18Segment19Segment20Segment21Segment22Segment23Segment24Segment25Segment26Segment27Segment28Segment29Segment30Segment31Segment32Segment33Segment34Segment35EndXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX.Create();
                Game.Generated.ComponentSegment00Segment01Segment02Segment03Segment04Segment05Segment06Segment07Segment08Segment09Segment10Segment11Segment12Segment13Segment14Segment15Segment16Segment17Segment18Segment19Segment20Segment21Segment22Segment23Segment24Segment25Segment26Segment27Segment28Segment29Segment30Segment31Segment32Segment33Segment34Segment35EndXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX.Destroy(value);
                return Game.Generated.ComponentSegment00Segment01Segment02Segment03Segment04Segment05Segment06Segment07Segment08Segment09Segment10Segment11Segment12Segment13Segment14Segment15Segment16Segment17Segment18Segment19Segment20Segment21Segment22Segment23Segment24Segment25Segment26Segment27Segment28Segment29Segment30Segment31Segment32Segment33Segment34Segment35EndXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX.TypeName;
            }
        }
        """);

    /// <summary>The long name of <see cref="LongName"/>.</summary>
    public const string LongTypeName = "ComponentSegment00Segment01Segment02Segment03Segment04Segment05Segment06Segment07Segment08Segment09Segment10Segment11Segment12Segment13Segment14Segment15Segment16Segment17Segment18Segment19Segment20Segment21Segment22Segment23Segment24Segment25Segment26Segment27Segment28Segment29Segment30Segment31Segment32Segment33Segment34Segment35EndXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX";
}
