using System.Text;

namespace Memory.Generators.Tests.Fuzz;

/// <summary>
/// Random source files of attributed types: every type kind, nesting, generics, modifiers, attribute arguments
/// (garbage included), constructors with random parameter lists, and members under the generated names. Some
/// are valid C#, many are not; a fraction is cut off mid-text as an editor sends it. Tame declarations (one
/// type a file, no garbage, parameter lists C# accepts) are mostly valid, so the output is checked too.
/// </summary>
internal sealed class RandomDeclarations(int seed, bool tame)
{
    private static readonly string[] Namespaces = ["", "Game", "Game.Physics", "Game.PHYSICS", "game.physics", "Game.@class"];
    private static readonly string[] Names = ["Widget", "WIDGET", "widget", "Body", "Node", "@event", "Item", "Pool"];
    private static readonly string[] Kinds =
        ["class", "sealed class", "struct", "readonly struct", "record", "record struct", "abstract class", "static class", "interface", "ref struct", "enum"];

    private static readonly string[] AllocatorArguments =
        ["typeof(OSAllocator)", "typeof(OSAllocator)", "typeof(OSAllocator)", "typeof(FuzzAllocator)", "typeof(string)", "typeof(AllocatorBase)",
         "typeof(IAllocator)", "typeof(Missing)", "null!", "42", "\"text\"", "typeof(AllocatorBase<>)", "typeof(int[])", ""];

    private static readonly string[] ParameterTypes =
        ["int", "string", "string?", "long", "double", "object", "int[]", "int?", "char", "bool", "decimal", "System.DateTime"];

    private readonly Random _random = new(seed);
    private int _guids;

    public string File()
    {
        var text = new StringBuilder();
        text.AppendLine("using Memory;");
        text.AppendLine("using Memory.Schemas;");
        text.AppendLine("using System.Runtime.CompilerServices;");
        text.AppendLine("using System.Runtime.InteropServices;");
        text.AppendLine("using System.Diagnostics.CodeAnalysis;");
        if (tame || Chance(0.5))
        {
            text.AppendLine($$"""
                [TypeId("{{Guid()}}")]
                public sealed partial class FuzzAllocator : AllocatorBase<OSSchema>
                {
                    {{(Chance(0.7) ? "public FuzzAllocator() : base(\"f\", \"d\", default) { }" : "public FuzzAllocator(int size) : base(\"f\", \"d\", default) { }")}}
                    {{Pick(["", "", "public static FuzzAllocator Instance => new FuzzAllocator();", "public FuzzAllocator Instance => this;", "public static int TypeName = 1;"])}}
                }
                """);
        }
        int types = tame ? 1 : _random.Next(1, 5);
        for (int i = 0; i < types; i++)
        {
            string ns = Pick(Namespaces);
            if (ns.Length > 0)
                text.AppendLine($"namespace {ns} {{");
            AppendType(text, depth: 0, name: Pick(Names) + (i % 3 == 0 ? string.Empty : i.ToString()));
            if (ns.Length > 0)
                text.AppendLine("}");
        }
        string source = text.ToString();
        return !tame && Chance(0.15) ? source[.._random.Next(source.Length)] : source;
    }

    private void AppendType(StringBuilder text, int depth, string name)
    {
        string kind = Pick(Kinds);
        bool generic = kind != "enum" && Chance(0.25);
        string typeParameters = generic ? Pick<string>(tame ? ["<T>", "<T, U>"] : ["<T>", "<T, U>", "<in T>"]) : string.Empty;
        string constraints = generic && Chance(0.5) ? Pick([" where T : unmanaged", " where T : class", " where T : struct", " where T : notnull", " where T : new()"]) : string.Empty;

        if (Chance(0.6))
            text.AppendLine($"[ClassAllocator({(tame ? Pick<string>(["typeof(OSAllocator)", "typeof(FuzzAllocator)", "typeof(string)"]) : Pick(AllocatorArguments))})]");
        if (Chance(0.5))
            text.AppendLine($"[TypeId({Pick([$"\"{Guid()}\"", $"\"{Guid()}\"", "\"garbage\"", "\"\"", "null!", "42", "\"{00000000-0000-0000-0000-000000000000}\""])})]");

        bool isStruct = kind.Contains("struct");
        string access = depth == 0 ? Pick<string>(tame ? ["public ", "internal ", ""] : ["public ", "internal ", "", "file "]) : Pick<string>(isStruct ? ["public ", "private ", "internal "] : ["public ", "private ", "internal ", "protected "]);
        string partial = tame || Chance(0.85) ? "partial " : string.Empty;
        string unsafeModifier = Chance(0.1) ? "unsafe " : string.Empty;
        string primary = kind.Contains("record") || (kind.Contains("class") && !kind.Contains("static") && Chance(0.2)) ? Parameters(generic) : string.Empty;
        if (kind == "enum")
        {
            text.AppendLine($"{access}enum {name} {{ A, B }}");
            return;
        }
        // `partial` goes right before the keyword: `public sealed partial class`.
        int keyword = kind.LastIndexOf(' ') + 1;
        string kindModifiers = kind.StartsWith("record", StringComparison.Ordinal) ? string.Empty : kind[..keyword];
        string kindKeyword = kind.StartsWith("record", StringComparison.Ordinal) ? kind : kind[keyword..];
        text.AppendLine($"{access}{unsafeModifier}{kindModifiers}{partial}{kindKeyword} {name}{typeParameters}{primary}{constraints}");
        text.AppendLine("{");
        if (isStruct && !(tame && primary.Length > 0))
            text.AppendLine(Chance(0.8) ? "    public int Field;" : "    public string Reference;");
        int constructors = kind is "interface" || kind.Contains("static") || (tame && primary.Length > 0) ? 0 : _random.Next(0, 4);
        var signatures = new HashSet<string>();
        for (int i = 0; i < constructors; i++)
        {
            string parameters = Parameters(generic);
            if (tame && !signatures.Add(Signature(parameters)))
                continue;
            string ctorAccess = Pick<string>(isStruct ? ["public ", "public ", "internal ", "private "] : ["public ", "public ", "internal ", "private ", "protected ", "protected internal "]);
            string obsolete = Chance(0.1) ? "[System.Obsolete(\"old\")] " : string.Empty;
            string body = isStruct ? "{ this = default; }" : "{ }";
            string chain = primary.Length > 0 && !isStruct ? " : this(" + Defaults(primary) + ")" : string.Empty;
            if (chain.Length > 0 && kind.Contains("record"))
                chain = string.Empty;
            text.AppendLine($"    {obsolete}{ctorAccess}{name.TrimStart('@')}{parameters}{chain} {body}");
        }
        if (Chance(0.3) && kind is not ("interface" or "static class"))
        {
            text.AppendLine("    " + Pick([
                $"public static void Destroy({name.TrimStart('@')}{typeParameters.Replace("in ", string.Empty)} value) {{ }}",
                "public static int Create(int x) => x;",
                "public static int Create;",
                "public int Destroy() => 0;",
                "public System.Guid TypeId => default;",
                "public static System.Guid TypeId => default;",
                "public const string TypeName = \"x\";",
                "public static string TypeName => \"x\";",
                "public static object Instance => null!;",
                "public required int Required { get; init; }",
                "public static int CreateAllocator() => 0;",
                "public class Create { }",
            ]));
        }
        if (depth < 2 && kind is not ("interface" or "enum") && Chance(0.3))
            AppendType(text, depth + 1, Pick(Names) + "Inner" + depth);
        text.AppendLine("}");
    }

    private string Parameters(bool generic)
    {
        int count = _random.Next(0, 4);
        var parameters = new List<string>();
        bool optionalSeen = false;
        for (int i = 0; i < count; i++)
        {
            string type = generic && Chance(0.2) ? "T" : Pick(ParameterTypes);
            string[] candidates = tame && optionalSeen
                ? [$"[CallerFilePath] string p{i} = \"\"", $"[CallerLineNumber] int p{i} = 0", $"{type} p{i} = default!", $"int p{i} = {_random.Next(-5, 5)}", $"params int[] p{i}"]
                : tame
                ? [$"{type} p{i}", $"{type} p{i}", $"ref {type} p{i}", $"in {type} p{i}", $"[Optional] {type} p{i}", $"[CallerFilePath] string p{i} = \"\"",
                   $"[CallerLineNumber] int p{i} = 0", $"[AllowNull] string p{i}", $"[DisallowNull] string? p{i}", $"{type} p{i} = default!",
                   $"int p{i} = {_random.Next(-5, 5)}", $"string p{i} = \"d\"", $"params int[] p{i}", $"int @class{i}", $"int callerFilePath{i}", $"int callSite"]
                : [
                $"{type} p{i}",
                $"{type} p{i}",
                $"ref {type} p{i}",
                $"in {type} p{i}",
                $"out int p{i}",
                $"[Optional] {type} p{i}",
                $"[CallerFilePath] string p{i} = \"\"",
                $"[CallerLineNumber] int p{i} = 0",
                $"[AllowNull] string p{i}",
                $"[DisallowNull] string? p{i}",
                $"{type} p{i} = default!",
                $"int p{i} = {_random.Next(-5, 5)}",
                $"string p{i} = \"d\"",
                $"params int[] p{i}",
                $"params System.ReadOnlySpan<int> p{i}",
                $"scoped System.ReadOnlySpan<int> p{i}",
                $"int class",
                $"int @class{i}",
                $"int callerFilePath",
                $"int callSite",
            ];
            string parameter = Pick(candidates);
            optionalSeen |= parameter.Contains('=');
            parameters.Add(parameter);
            if (tame && parameter.StartsWith("params", StringComparison.Ordinal))
                break;
            if (tame && parameter.Contains("callSite"))
                candidates = [];
        }
        return "(" + string.Join(", ", parameters) + ")";
    }

    // Parameter types and by-reference-ness: what two constructors of one type may not share.
    private static string Signature(string parameters)
    {
        var parts = new List<string>();
        foreach (string parameter in parameters.Trim('(', ')').Split(", ", StringSplitOptions.RemoveEmptyEntries))
        {
            string[] words = parameter.Split(' ');
            int start = words[0].StartsWith('[') ? 1 : 0;
            bool byReference = words[start] is "ref" or "in" or "out";
            string type = words[byReference || words[start] == "params" ? start + 1 : start].TrimEnd('?');
            parts.Add((byReference ? "&" : string.Empty) + type);
        }
        return string.Join(",", parts);
    }

    private static string Defaults(string parameters) => parameters == "()" ? string.Empty : "default!";

    private string Guid()
    {
        _guids++;
        return Chance(0.1) ? "{0A1B2C3D-4E5F-4061-8273-8495A6B7C8D9}" : new Guid(_random.Next(), 0, 0, new byte[8]).ToString("B").ToUpperInvariant();
    }

    private bool Chance(double probability) => _random.NextDouble() < probability;

    private T Pick<T>(T[] items) => items[_random.Next(items.Length)];
}
