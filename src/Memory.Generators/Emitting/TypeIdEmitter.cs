using System.Linq;
using Memory.Generators.Model;
using Microsoft.CodeAnalysis.CSharp;

namespace Memory.Generators.Emitting;

/// <summary>
/// Writes <c>TypeId</c>/<c>TypeName</c> for a <c>[TypeId]</c> type, and for an allocator the
/// <c>AllocatorInstance</c> glue: <c>CreateAllocator</c>, <c>Instance</c> and, when needed, a constructor.
/// </summary>
internal static class TypeIdEmitter
{
    /// <summary>The interface the generated part declares, or null.</summary>
    public static string? BaseList(TypeIdModel model)
        => !model.ImplementsInterface ? null
            : model.Allocator is not null ? $"global::Memory.IAllocatorType<{TypeReference(model)}>"
            : "global::Memory.ITypeInfo";

    /// <summary>Writes the members into the open type declaration; <paramref name="first"/> tracks the blank lines between members.</summary>
    public static void WriteMembers(IndentedWriter writer, TypeIdModel model, ref bool first)
    {
        TypeDeclarationModel type = model.Type;
        AllocatorGlueModel? glue = model.Allocator;
        string display = TypeDeclarationEmitter.Xml(type.DisplayName);

        if (model.EmitTypeId)
        {
            TypeDeclarationEmitter.Separate(writer, ref first);
            if (model.IsGeneric)
            {
                // Each construction is a type of its own: {GUID} combined with the type arguments' identities.
                writer.Line($"/// <summary>The stable identifier of this construction of <c>{display}</c>: <c>{{{model.Id}}}</c> combined with the type arguments' identities.</summary>");
                writer.Line(TypeDeclarationEmitter.GeneratedCodeAttribute);
                writer.Line(model.IsRefLike
                    ? $"public {New(model.HidesTypeId)}static global::System.Guid TypeId => global::Memory.TypeIdentity.Of(typeof({SelfReference(model)}));"
                    : $"public {New(model.HidesTypeId)}static global::System.Guid TypeId => {Identity(model)}.Id;");
            }
            else
            {
                writer.Line($"/// <summary>The stable identifier of <c>{display}</c>: <c>{{{model.Id}}}</c>.</summary>");
                writer.Line(TypeDeclarationEmitter.GeneratedCodeAttribute);
                writer.Line($"public {New(model.HidesTypeId)}static global::System.Guid TypeId => new global::System.Guid({GuidArguments(model.Id)});");
            }
        }

        if (model.EmitTypeName)
        {
            TypeDeclarationEmitter.Separate(writer, ref first);
            if (model.IsGeneric)
            {
                writer.Line("/// <summary>The type's full name with the type arguments of this construction spelt out.</summary>");
                writer.Line(TypeDeclarationEmitter.GeneratedCodeAttribute);
                writer.Line(model.IsRefLike
                    ? $"public {New(model.HidesTypeName)}static string TypeName => global::Memory.TypeIdentity.NameOf(typeof({SelfReference(model)}));"
                    : $"public {New(model.HidesTypeName)}static string TypeName => {Identity(model)}.Name;");
            }
            else
            {
                writer.Line("/// <summary>The type's full name as written in source.</summary>");
                writer.Line(TypeDeclarationEmitter.GeneratedCodeAttribute);
                writer.Line($"public {New(model.HidesTypeName)}static string TypeName => {SymbolDisplay.FormatLiteral(type.DisplayName, quote: true)};");
            }
        }

        if (glue is not null)
            WriteGlue(writer, model, glue, ref first);
    }

    private static void WriteGlue(IndentedWriter writer, TypeIdModel model, AllocatorGlueModel glue, ref bool first)
    {
        string type = TypeReference(model);
        if (glue.EmitCreateAllocator)
        {
            TypeDeclarationEmitter.Separate(writer, ref first);
            writer.Line("/// <summary>Creates the process-wide instance; <c>AllocatorInstance</c> calls it once.</summary>");
            writer.Line(TypeDeclarationEmitter.GeneratedCodeAttribute);
            writer.Line($"public {New(glue.HidesCreateAllocator)}static {type} CreateAllocator() => new {type}();");
        }

        if (glue.EmitInstance)
        {
            TypeDeclarationEmitter.Separate(writer, ref first);
            writer.Line("/// <summary>The process-wide instance, created on first use.</summary>");
            writer.Line(TypeDeclarationEmitter.GeneratedCodeAttribute);
            // C# 10 cannot implement IAllocatorType, which AllocatorInstance requires; SharedAllocator keeps the
            // instance in the same environment variable without it: the one named after TypeId, as AllocatorInstance reads it.
            string instance = model.ImplementsInterface
                ? $"global::Memory.AllocatorInstance<{type}>.Get()"
                : $"global::Memory.Objects.SharedAllocator<{type}>.Get(TypeId, TypeName, () => CreateAllocator())";
            writer.Line($"public {New(glue.HidesInstance)}static {type} Instance => {instance};");
        }

        if (glue.Constructor is { } constructor)
        {
            TypeDeclarationEmitter.Separate(writer, ref first);
            // A generic allocator's constructions are allocators of their own: each is named with its type arguments
            // so that reports and per-name settings tell them apart.
            string name = model.IsGeneric ? $"{Identity(model)}.Name" : SymbolDisplay.FormatLiteral(constructor.AllocatorName, quote: true);
            string description = model.IsGeneric ? name : SymbolDisplay.FormatLiteral(constructor.Description, quote: true);
            writer.Line(model.IsGeneric
                ? "/// <summary>Creates the allocator, named after this construction of the type (its <c>TypeName</c>).</summary>"
                : $"/// <summary>Creates the allocator named <c>{TypeDeclarationEmitter.Xml(constructor.AllocatorName)}</c>.</summary>");
            writer.Line(TypeDeclarationEmitter.GeneratedCodeAttribute);
            string simpleName = model.Type.Name.Split('<')[0];
            writer.Line($"public {simpleName}()");
            writer.Line($"    : base(name: {name}, description: {description})");
            writer.Line("{");
            writer.Line("}");
        }
    }

    // new global::System.Guid(uint, ushort, ushort, byte x 8): no parsing at run time. The u suffix on the first
    // argument rules out the (int, short, short, ...) overload, which would otherwise be ambiguous.
    private static string GuidArguments(string id)
    {
        string hex = id.Replace("-", string.Empty);
        var parts = new[] { $"0x{hex.Substring(0, 8)}u", $"0x{hex.Substring(8, 4)}", $"0x{hex.Substring(12, 4)}" }
            .Concat(Enumerable.Range(0, 8).Select(i => $"0x{hex.Substring(16 + (i * 2), 2)}"));
        return string.Join(", ", parts);
    }

    // The runtime's per-construction cache of identity and name. A ref struct cannot be its type argument before
    // C# 13, so a generic ref struct computes them on each call instead (TypeIdentity.Of/NameOf of its typeof).
    private static string Identity(TypeIdModel model) => $"global::Memory.TypeIdentity<{SelfReference(model)}>";

    // The type as named from inside itself: its simple name with its own type parameters. A fully qualified name
    // would spell the containing types' parameters, which a nested type may shadow with its own of the same name
    // (Node<T>.Inner<T>); the simple name binds to this construction whatever the containing types' parameters are.
    // The declared name carries variance (IProducer<out T>), which a type argument list cannot.
    private static string SelfReference(TypeIdModel model) => model.Type.Name
        .Replace("<in ", "<").Replace("<out ", "<").Replace(", in ", ", ").Replace(", out ", ", ");

    // How the glue names the type: fully qualified, which no user name can capture, unless it is generic, where only
    // the simple name is sure to mean this construction (see SelfReference).
    private static string TypeReference(TypeIdModel model) => model.IsGeneric ? SelfReference(model) : model.Type.FullyQualifiedName;

    private static string New(bool hides) => hides ? "new " : string.Empty;
}
