using System;
using System.Collections.Immutable;
using System.Text;
using System.Globalization;
using System.Linq;
using Memory.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Memory.Generators.Parsing;

/// <summary>Describes a constructor parameter so a <c>Create</c> overload can repeat it exactly.</summary>
internal static class ParameterParser
{
    public static ParameterModel Parse(IParameterSymbol parameter)
    {
        ITypeSymbol type = parameter.Type;
        string modifiers = Scoped(parameter) + RefKindText(parameter.RefKind) + (parameter.IsParams ? "params " : string.Empty);
        string argument = parameter.RefKind switch
        {
            RefKind.Ref => "ref ",
            RefKind.Out => "out ",
            RefKind.In or RefKind.RefReadOnlyParameter => "in ",
            _ => string.Empty,
        };

        string attributes = CarriedAttributes(parameter, out bool defaultFromAttributes);
        return new ParameterModel(
            attributes,
            TypeDeclarationParser.Escape(parameter.Name),
            TypeText(type),
            modifiers,
            argument,
            parameter.HasExplicitDefaultValue && !defaultFromAttributes ? DefaultValue(parameter.Type, parameter.ExplicitDefaultValue) : null);
    }

    /// <summary>
    /// The parameter's attributes that change what a caller may pass or what nullable analysis concludes,
    /// repeated on the <c>Create</c> so that calling it is checked as calling the constructor is. When
    /// <c>[Optional]</c> or <c>[DefaultParameterValue]</c> give the parameter its default, they are repeated
    /// instead of a <c>= value</c>: an optional parameter written that way may precede required ones, which
    /// <c>= value</c> may not (CS1737).
    /// </summary>
    private static string CarriedAttributes(IParameterSymbol parameter, out bool defaultFromAttributes)
    {
        defaultFromAttributes = false;
        ImmutableArray<AttributeData> attributes = parameter.GetAttributes();
        if (attributes.IsEmpty)
            return string.Empty;
        StringBuilder? text = null;
        foreach (AttributeData attribute in attributes)
        {
            if (attribute.AttributeClass is not { } attributeClass || !IsCarried(attributeClass, out bool givesDefault))
                continue;
            defaultFromAttributes |= givesDefault;
            text ??= new StringBuilder();
            text.Append('[').Append(attributeClass.ToDisplayString(SymbolFormats.FullyQualified));
            if (!attribute.ConstructorArguments.IsEmpty || !attribute.NamedArguments.IsEmpty)
            {
                text.Append('(');
                bool first = true;
                foreach (TypedConstant argument in attribute.ConstructorArguments)
                {
                    if (!first)
                        text.Append(", ");
                    first = false;
                    text.Append(argument.ToCSharpString());
                }
                foreach (var named in attribute.NamedArguments)
                {
                    if (!first)
                        text.Append(", ");
                    first = false;
                    text.Append(named.Key).Append(" = ").Append(named.Value.ToCSharpString());
                }
                text.Append(')');
            }
            text.Append("] ");
        }
        return text?.ToString() ?? string.Empty;
    }

    // System.Diagnostics.CodeAnalysis (nullability, [StringSyntax], [UnscopedRef], [ConstantExpected]...), caller
    // information, and the attribute form of optional parameters.
    private static bool IsCarried(INamedTypeSymbol attribute, out bool givesDefault)
    {
        givesDefault = false;
        if (attribute.ContainingType is not null || attribute.ContainingNamespace is not { } ns)
            return false;
        switch (Namespace(ns))
        {
            case "System.Diagnostics.CodeAnalysis":
                return true;
            case "System.Runtime.CompilerServices":
                return attribute.Name is "CallerFilePathAttribute" or "CallerLineNumberAttribute" or "CallerMemberNameAttribute" or "CallerArgumentExpressionAttribute";
            case "System.Runtime.InteropServices":
                givesDefault = attribute.Name is "OptionalAttribute" or "DefaultParameterValueAttribute";
                return givesDefault;
            default:
                return false;
        }
    }

    private static string Namespace(INamespaceSymbol ns)
    {
        if (ns.IsGlobalNamespace)
            return string.Empty;
        string outer = Namespace(ns.ContainingNamespace);
        return outer.Length == 0 ? ns.Name : outer + "." + ns.Name;
    }

    /// <summary>The parameter type as code, <c>global::</c>-qualified, with its nullable annotation.</summary>
    public static string TypeText(ITypeSymbol type)
    {
        // A reference type from nullable-oblivious code accepts null there; say so in the enabled generated file.
        bool annotated = type.IsReferenceType && type.NullableAnnotation is NullableAnnotation.Annotated or NullableAnnotation.None;

        // The keyword types are most parameters; their text needs no symbol display, the costliest call here.
        if (Keyword(type.SpecialType) is { } keyword)
            return annotated ? keyword + "?" : keyword;

        if (annotated && type.NullableAnnotation == NullableAnnotation.None)
            type = type.WithNullableAnnotation(NullableAnnotation.Annotated);
        return type.ToDisplayString(SymbolFormats.FullyQualified);
    }

    // The keyword SymbolDisplay writes for a special type (nint and nuint are left to it: IntPtr reads either way).
    private static string? Keyword(SpecialType type) => type switch
    {
        SpecialType.System_Object => "object",
        SpecialType.System_String => "string",
        SpecialType.System_Boolean => "bool",
        SpecialType.System_Char => "char",
        SpecialType.System_SByte => "sbyte",
        SpecialType.System_Byte => "byte",
        SpecialType.System_Int16 => "short",
        SpecialType.System_UInt16 => "ushort",
        SpecialType.System_Int32 => "int",
        SpecialType.System_UInt32 => "uint",
        SpecialType.System_Int64 => "long",
        SpecialType.System_UInt64 => "ulong",
        SpecialType.System_Single => "float",
        SpecialType.System_Double => "double",
        SpecialType.System_Decimal => "decimal",
        _ => null,
    };

    /// <summary>Whether the type (or an element of it) is a pointer, which needs an <c>unsafe</c> signature.</summary>
    public static bool NeedsUnsafe(ITypeSymbol type) => type switch
    {
        IPointerTypeSymbol or IFunctionPointerTypeSymbol => true,
        IArrayTypeSymbol array => NeedsUnsafe(array.ElementType),
        INamedTypeSymbol named => named.TypeArguments.Any(NeedsUnsafe),
        _ => false,
    };

    // "scoped" exists from C# 11 on, so it is only ever present in code that can compile it again.
    // Out parameters and params collections are scoped implicitly; `scoped` before `params` does not parse
    // (CS1001), so neither repeats it.
    private static string Scoped(IParameterSymbol parameter)
        => parameter.ScopedKind != ScopedKind.None && parameter.RefKind != RefKind.Out && !parameter.IsParams ? "scoped " : string.Empty;

    private static string RefKindText(RefKind refKind) => refKind switch
    {
        RefKind.Ref => "ref ",
        RefKind.Out => "out ",
        RefKind.In => "in ",
        RefKind.RefReadOnlyParameter => "ref readonly ",
        _ => string.Empty,
    };

    /// <summary>The default value as C# text that converts to the parameter type without a warning.</summary>
    private static string DefaultValue(ITypeSymbol type, object? value)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
            type = nullable.TypeArguments[0];

        if (value is null)
        {
            // A null default for a type that does not admit null was written `= null!` or `= default!`; without
            // the `!` the repeated default warns (CS8625, CS8601).
            string literal = type.IsReferenceType ? "null" : "default";
            return type.NullableAnnotation == NullableAnnotation.NotAnnotated && !type.IsValueType ? literal + "!" : literal;
        }

        if (type.TypeKind == TypeKind.Enum)
        {
            string number = Primitive(value);
            return $"({type.ToDisplayString(SymbolFormats.FullyQualified)})" + (number.StartsWith("-", StringComparison.Ordinal) ? $"({number})" : number);
        }

        return Primitive(value);
    }

    private static string Primitive(object value) => value switch
    {
        bool b => b ? "true" : "false",
        string s => SymbolDisplay.FormatLiteral(s, quote: true),
        char c => SymbolDisplay.FormatLiteral(c, quote: true),
        float f when float.IsNaN(f) => "float.NaN",
        float f when float.IsPositiveInfinity(f) => "float.PositiveInfinity",
        float f when float.IsNegativeInfinity(f) => "float.NegativeInfinity",
        float f => f.ToString("R", CultureInfo.InvariantCulture) + "F",
        double d when double.IsNaN(d) => "double.NaN",
        double d when double.IsPositiveInfinity(d) => "double.PositiveInfinity",
        double d when double.IsNegativeInfinity(d) => "double.NegativeInfinity",
        double d => d.ToString("R", CultureInfo.InvariantCulture) + "D",
        decimal m => m.ToString(CultureInfo.InvariantCulture) + "M",
        long l => l.ToString(CultureInfo.InvariantCulture) + "L",
        ulong ul => ul.ToString(CultureInfo.InvariantCulture) + "UL",
        uint u => u.ToString(CultureInfo.InvariantCulture) + "U",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => "default",
    };
}
