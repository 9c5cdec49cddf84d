using System.Collections.Generic;
using System.Collections.Immutable;
using System.Text;
using System.Threading;
using Memory.Generators.Emitting;
using Memory.Generators.Model;
using Memory.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Memory.Generators;

/// <summary>
/// The generator of <c>[ClassAllocator]</c> factories and <c>[TypeId]</c> type information with its allocator glue.
/// </summary>
/// <remarks>
/// Each attribute has its own lookup: <c>ForAttributeWithMetadataName</c> finds the types, the parser reduces
/// each to a value-equatable model (no symbols or syntax, so an edit elsewhere compares equal and stops the
/// pipeline), one collected step settles what would clash (the same type twice, a GUID used twice, names
/// equal but for case) and names the files, and the emitter turns each remaining model into one file. A type with both attributes
/// is the <c>[ClassAllocator]</c> pipeline's alone, which parses its <c>[TypeId]</c> too: one file per type,
/// and the type's two parts are re-parsed together on every edit of it anyway, so nothing is lost to the
/// cache. Misuse yields no model and so no file: the analyzers report it.
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed class MemoryGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<GeneratedTypeModel?> classAllocators = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownTypes.ClassAllocatorAttribute,
                static (node, _) => node is ClassDeclarationSyntax or StructDeclarationSyntax or RecordDeclarationSyntax,
                static (context, cancellationToken) => context.TargetSymbol is INamedTypeSymbol type && context.Attributes.Length == 1
                    ? ParseClassAllocator(type, context.Attributes[0], SupportsStaticAbstractMembers(context), cancellationToken)
                    : null)
            .WithTrackingName(TrackingNames.ClassAllocatorModels);

        IncrementalValuesProvider<GeneratedTypeModel?> typeIds = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownTypes.TypeIdAttribute,
                static (node, _) => node is TypeDeclarationSyntax,
                static (context, cancellationToken) => context.TargetSymbol is INamedTypeSymbol type && context.Attributes.Length == 1
                    && KnownTypes.FindAttribute(type, "ClassAllocatorAttribute") is null
                    && TypeIdParser.Parse(type, context.Attributes[0], SupportsStaticAbstractMembers(context), cancellationToken) is { } model
                        ? new GeneratedTypeModel(model.Type, null, model)
                        : null)
            .WithTrackingName(TrackingNames.TypeIdModels);

        // Both lookups meet in one step that settles the clashes and names each file. Few steps is what keeps the
        // generator at the cost of its two lookups where there is nothing to generate; and the step's outputs are
        // compared one by one, so an edit to one type still writes one file.
        IncrementalValuesProvider<(GeneratedTypeModel Model, string HintName)> outputs = classAllocators.Collect()
            .Combine(typeIds.Collect())
            .SelectMany(static (models, _) => Resolve(models.Left, models.Right))
            .WithTrackingName(TrackingNames.Outputs);

        context.RegisterSourceOutput(outputs, static (output, model) =>
            output.AddSource(model.HintName, SourceText.From(GeneratedTypeEmitter.Emit(model.Model), Encoding.UTF8)));
    }

    private static GeneratedTypeModel? ParseClassAllocator(INamedTypeSymbol type, AttributeData attribute, bool staticAbstractMembers, CancellationToken cancellationToken)
    {
        ClassAllocatorModel? classAllocator = ClassAllocatorParser.Parse(type, attribute, staticAbstractMembers, cancellationToken);
        TypeIdModel? typeId = null;
        if (SingleTypeIdAttribute(type) is { } typeIdAttribute)
            typeId = TypeIdParser.Parse(type, typeIdAttribute, staticAbstractMembers, cancellationToken);
        if (classAllocator is null && typeId is null)
            return null;
        return new GeneratedTypeModel(classAllocator?.Type ?? typeId!.Type, classAllocator, typeId);
    }

    // [TypeId] on two parts of one type is misuse: nothing is generated for it.
    private static AttributeData? SingleTypeIdAttribute(INamedTypeSymbol type)
    {
        AttributeData? found = null;
        foreach (AttributeData attribute in type.GetAttributes())
        {
            if (!KnownTypes.IsTypeIdAttribute(attribute.AttributeClass))
                continue;
            if (found is not null)
                return null;
            found = attribute;
        }
        return found;
    }

    // Implementing static abstract interface members (ITypeInfo, IAllocatorType) needs C# 11.
    private static bool SupportsStaticAbstractMembers(GeneratorAttributeSyntaxContext context)
        => context.SemanticModel.SyntaxTree.Options is CSharpParseOptions { LanguageVersion: >= LanguageVersion.CSharp11 };

    /// <summary>The files to write: every model but those whose clashes rule them out, each with its hint name.</summary>
    private static ImmutableArray<(GeneratedTypeModel Model, string HintName)> Resolve(
        ImmutableArray<GeneratedTypeModel?> classAllocators, ImmutableArray<GeneratedTypeModel?> typeIds)
    {
        var models = new List<GeneratedTypeModel>(classAllocators.Length + typeIds.Length);
        foreach (ImmutableArray<GeneratedTypeModel?> found in new[] { classAllocators, typeIds })
        {
            foreach (GeneratedTypeModel? model in found)
            {
                if (model is not null)
                    models.Add(model);
            }
        }

        GenerationConflicts conflicts = Conflicts(models);
        var outputs = ImmutableArray.CreateBuilder<(GeneratedTypeModel, string)>(models.Count);
        foreach (GeneratedTypeModel model in models)
        {
            if (Resolve(model, conflicts) is ({ } kept, string hintName))
                outputs.Add((kept, hintName));
        }
        return outputs.ToImmutable();
    }

    private static (GeneratedTypeModel? Model, string HintName) Resolve(GeneratedTypeModel model, GenerationConflicts conflicts)
    {
        string name = model.Type.HintName;
        if (Contains(conflicts.RepeatedTypes, name))
            return (null, string.Empty);
        if (model.TypeId is not null && Contains(conflicts.SharedIds, name))
        {
            if (model.ClassAllocator is null)
                return (null, string.Empty);
            model = model with { TypeId = null };
        }
        return (model, HintNames.For(name, conflicts.CaseCollisions));
    }

    private static GenerationConflicts Conflicts(List<GeneratedTypeModel> models)
    {
        var seen = new HashSet<string>();
        var repeated = new SortedSet<string>();
        var byUpperName = new Dictionary<string, string>();
        var caseCollisions = new SortedSet<string>();
        var idOwners = new Dictionary<string, string>();
        var sharedIds = new SortedSet<string>();
        foreach (GeneratedTypeModel model in models)
        {
            string name = model.Type.HintName;
            string? id = model.TypeId?.Id;
            {
                if (!seen.Add(name))
                    repeated.Add(name);
                string upper = name.ToUpperInvariant();
                if (byUpperName.TryGetValue(upper, out string? other))
                {
                    if (other != name)
                        caseCollisions.Add(upper);
                }
                else
                {
                    byUpperName.Add(upper, name);
                }
                if (id is null)
                    continue;
                if (idOwners.TryGetValue(id, out string? owner))
                {
                    if (owner != name)
                    {
                        sharedIds.Add(owner);
                        sharedIds.Add(name);
                    }
                }
                else
                {
                    idOwners.Add(id, name);
                }
            }
        }
        return new GenerationConflicts(repeated.ToEquatableArray(), sharedIds.ToEquatableArray(), caseCollisions.ToEquatableArray());
    }

    private static bool Contains(EquatableArray<string> names, string name)
    {
        foreach (string candidate in names)
        {
            if (candidate == name)
                return true;
        }
        return false;
    }
}
