using Microsoft.CodeAnalysis.CSharp;

namespace Memory.Generators.Tests.Overloads;

/// <summary>
/// One constructor set of the differential overload test: the members of a <c>[ClassAllocator]</c> type named
/// <c>T</c>, each constructor writing its own number into <c>T.Last</c>.
/// </summary>
/// <param name="Name">The case name.</param>
/// <param name="Declaration">The type's declaration up to its body: <c>partial class T</c>, <c>partial struct T</c>, a primary constructor...</param>
/// <param name="Members">The body: constructors that set <c>Last</c>.</param>
/// <param name="MinimumVersion">The oldest C# version the set compiles at.</param>
/// <param name="Use">How calls name the type: <c>T</c>, or a construction of a generic <c>T</c>.</param>
public sealed record ConstructorSet(string Name, string Declaration, string Members, LanguageVersion MinimumVersion = LanguageVersion.CSharp10, string Use = "T")
{
    public override string ToString() => Name;
}

/// <summary>The matrix: constructor sets of every shape C# offers, and argument lists of every kind.</summary>
public static class ConstructorSets
{
    // Unmanaged structs only (native memory): instance fields are ints, so the constructors set them all.
    public static readonly ConstructorSet[] All =
    [
        new("endpoint", "partial class T", """
            public T() { Last = 1; }
            public T(string host, int port) { Last = 2; }
            """),
        new("struct with implicit parameterless", "partial struct T", """
            public int X;
            public T(string s, int n) { X = 0; Last = 2; }
            """),
        new("parameterless and optional", "partial class T", """
            public T() { Last = 1; }
            public T(int x = 0) { Last = 2; }
            """),
        new("parameterless and string", "partial class T", """
            public T() { Last = 1; }
            public T(string s) { Last = 2; }
            """),
        new("parameterless and two strings", "partial class T", """
            public T() { Last = 1; }
            public T(string a, string b) { Last = 2; }
            """),
        new("struct with optional", "partial struct T", """
            public int X;
            public T(int x = 5) { X = x; Last = 2; }
            """),
        new("struct with optional and others", "partial struct T", """
            public int X;
            public T(double x, double y, double z, int id = 7) { X = id; Last = 2; }
            public T(string s) { X = 0; Last = 3; }
            """),
        new("primary constructor", "partial class T(string s)", """
            public string S => s;
            """, LanguageVersion.CSharp12),
        new("primary constructor and parameterless", "partial class T(string s)", """
            public T() : this("none") { Last = 2; }
            public string S => s;
            """, LanguageVersion.CSharp12),
        new("own caller information", "partial class T", """
            public T(int x) { Last = 1; }
            public T([System.Runtime.CompilerServices.CallerFilePath] string file = "", [System.Runtime.CompilerServices.CallerLineNumber] int line = 0) { Last = line > 0 ? 2 : -2; }
            """),
        new("caller member name only", "partial class T", """
            public T([System.Runtime.CompilerServices.CallerMemberName] string member = "") { Last = member.Length > 0 ? 1 : -1; }
            """),
        new("params array", "partial class T", """
            public T() { Last = 1; }
            public T(params int[] values) { Last = 2; }
            public T(string s, params object[] rest) { Last = 3; }
            """),
        new("params array alone", "partial class T", """
            public T(params string[] values) { Last = 1; }
            """),
        new("params collection", "partial class T", """
            public T(params System.ReadOnlySpan<int> values) { Last = 1; }
            public T(string s) { Last = 2; }
            """, LanguageVersion.CSharp13),
        new("ref in out", "partial class T", """
            public T(ref int x) { Last = 1; }
            public T(in long x) { Last = 2; }
            public T(out string s, int y) { s = ""; Last = 3; }
            public T(int x) { Last = 4; }
            """),
        new("in and by value", "partial class T", """
            public T(in int x) { Last = 1; }
            public T(long x) { Last = 2; }
            """),
        new("nullable annotations", "partial class T", """
            public T(string? s) { Last = 1; }
            public T(object o, int n) { Last = 2; }
            """),
        new("numeric leads", "partial class T", """
            public T(int x) { Last = 1; }
            public T(long x) { Last = 2; }
            public T(double x) { Last = 3; }
            public T(string s, int i) { Last = 4; }
            public T(int i, string s) { Last = 5; }
            """),
        new("optional against required", "partial class T", """
            public T(int a, int b = 1) { Last = 1; }
            public T(int a, string b) { Last = 2; }
            public T(string s) { Last = 3; }
            """),
        new("optional attribute", "partial class T", """
            public T([System.Runtime.InteropServices.Optional] int x, string s) { Last = 1; }
            public T([System.Runtime.InteropServices.Optional, System.Runtime.InteropServices.DefaultParameterValue(4)] long y) { Last = 2; }
            """),
        new("optional attribute before a required parameter", "partial class T", """
            public T([System.Runtime.InteropServices.Optional] int count, string name) { Last = 1; }
            public T(long size = 4) { Last = 2; }
            """),
        new("disjoint argument counts", "partial class T", """
            public T() { Last = 1; }
            public T(int a, int b = 2) { Last = 2; }
            public T(string a, string b, string c) { Last = 3; }
            """),
        new("object and string", "partial class T", """
            public T(object o) { Last = 1; }
            public T(string s, int line) { Last = 2; }
            """),
        new("positional record", "partial record T(int X, string Name = \"n\")", ""),
        new("generic type", "partial class T<TItem>", """
            public T(TItem item) { Last = 1; }
            public T(int x) { Last = 2; }
            """, Use: "T<int>"),
        new("nullability attributes", "partial class T", """
            public T([System.Diagnostics.CodeAnalysis.AllowNull] string s) { Last = 1; }
            public T([System.Diagnostics.CodeAnalysis.DisallowNull] int? x, int y) { Last = 2; }
            """),
        new("default of type parameter", "partial class T<TItem>", """
            public T(TItem item = default!) { Last = 1; }
            public T(int x, int y) { Last = 2; }
            """, Use: "T<string>"),
    ];

    /// <summary>Argument lists; <c>i</c> (an int), <c>l</c> (a long) and <c>s</c> (a string) are locals in scope.</summary>
    public static readonly string[] Arguments =
    [
        "",
        "1",
        "1L",
        "1.5",
        "'c'",
        "true",
        "\"s\"",
        "null",
        "default",
        "s",
        "i",
        "ref i",
        "in i",
        "in l",
        "out string o, 2",
        "\"example.com\", 443",
        "1, 2",
        "1, \"b\"",
        "\"a\", 1",
        "\"a\", \"b\"",
        "\"a\", \"b\", \"c\"",
        "1, 2, 3",
        "1.0, 2.0, 3.0",
        "1.0, 2.0, 3.0, 4",
        "x: 1",
        "a: 1",
        "a: 1, b: 2",
        "s: \"a\"",
        "y: 3",
        "item: 1",
        "file: \"f\"",
        "line: 4",
        "member: \"m\"",
        "name: \"n\"",
        "count: 1, name: \"n\"",
        "host: \"h\", port: 1",
        "port: 1, host: \"h\"",
        "values: new int[0]",
        "new int[] { 1, 2 }",
        "\"s\", 1, 2",
        "\"s\", new object[0]",
        "null, 1",
        "X: 1",
        "1, \"n\"",
        "x: null, y: 1",
        "default, 1",
        "1, default",
        "new object()",
        "new object(), 1",
        "callerFilePath: \"f\"",
        "callSite: default",
    ];
}
