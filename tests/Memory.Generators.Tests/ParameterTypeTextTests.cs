using Memory.Generators.Parsing;
using Memory.Generators.Tests.Harness;
using Microsoft.CodeAnalysis;

namespace Memory.Generators.Tests;

/// <summary>
/// <see cref="ParameterParser.TypeText"/> writes keyword types itself instead of asking the symbol display: its
/// text must be the display's, with a nullable-oblivious reference type annotated, for every kind of type.
/// </summary>
public sealed class ParameterTypeTextTests
{
    private const string Source = """
        using System;
        using System.Collections.Generic;

        namespace Game.Types;

        public enum Mode { A }
        public struct Point { }

        public class Enabled<T> where T : class
        {
            public void M(
                object o, object? on, string s, string? sn, bool b, char c, sbyte sb, byte by, short sh, ushort us,
                int i, uint ui, long l, ulong ul, float f, double d, decimal m, nint ni, nuint nu, IntPtr ip, UIntPtr up,
                int? io, Point p, Point? pn, Mode e, Mode? en, T t, T? tn, int[] a, string?[]? an, List<string?> g,
                Dictionary<int, object> dict, (int X, string Y) tuple, dynamic dyn, Func<int, string> func, @class k) { }
        }

        public class @class { }

        #nullable disable
        public class Oblivious<T>
        {
            public void M(object o, string s, int i, int? io, T t, int[] a, List<string> g, Mode e, @class k) { }
        }
        """;

    [Fact]
    public void Every_parameter_type_reads_as_the_symbol_display_writes_it()
    {
        var compilation = TestCompilation.Create([Source]);
        var parameters = compilation.GetSymbolsWithName("M", SymbolFilter.Member)
            .OfType<IMethodSymbol>()
            .SelectMany(method => method.Parameters)
            .ToList();
        Assert.Equal(45, parameters.Count);

        foreach (IParameterSymbol parameter in parameters)
        {
            ITypeSymbol type = parameter.Type;
            if (type.IsReferenceType && type.NullableAnnotation == NullableAnnotation.None)
                type = type.WithNullableAnnotation(NullableAnnotation.Annotated);
            Assert.Equal(type.ToDisplayString(SymbolFormats.FullyQualified), ParameterParser.TypeText(parameter.Type));
        }
    }

    [Fact]
    public void Keyword_types_read_as_keywords_and_oblivious_references_as_nullable()
    {
        var compilation = TestCompilation.Create([Source]);
        var oblivious = compilation.GetTypeByMetadataName("Game.Types.Oblivious`1")!.GetMembers("M").OfType<IMethodSymbol>().Single();
        Assert.Equal(
            ["object?", "string?", "int", "int?", "T", "int[]?", "global::System.Collections.Generic.List<string>?", "global::Game.Types.Mode", "global::Game.Types.@class?"],
            oblivious.Parameters.Select(p => ParameterParser.TypeText(p.Type)));
    }
}
