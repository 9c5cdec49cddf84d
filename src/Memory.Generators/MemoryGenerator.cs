using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
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
/// Each attribute has its own pipeline: <c>ForAttributeWithMetadataName</c> finds the types, the parser reduces
/// each to a value-equatable model (no symbols or syntax, so an edit elsewhere compares equal and stops the
/// pipeline), a small collected step removes models that would clash (the same type twice, a GUID used twice),
/// and the emitter turns each remaining model into one file. Misuse yields no model and so no file: the
/// analyzers report it.
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed class MemoryGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<ClassAllocatorModel> classAllocators = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownTypes.ClassAllocatorAttribute,
                static (node, _) => node is ClassDeclarationSyntax or StructDeclarationSyntax or RecordDeclarationSyntax,
                static (context, cancellationToken) => context.TargetSymbol is INamedTypeSymbol type && context.Attributes.Length == 1
                    ? ClassAllocatorParser.Parse(type, context.Attributes[0], SupportsStaticAbstractMembers(context), cancellationToken)
                    : null)
            .WithTrackingName(TrackingNames.ClassAllocatorModels)
            .Where(static model => model is not null)!;

        IncrementalValueProvider<EquatableArray<string>> classAllocatorConflicts = classAllocators
            .Select(static (model, _) => model.Type.HintName)
            .Collect()
            .Select(static (hintNames, _) => Repeated(hintNames))
            .WithTrackingName(TrackingNames.ClassAllocatorConflicts);

        IncrementalValuesProvider<ClassAllocatorModel> classAllocatorOutputs = classAllocators
            .Combine(classAllocatorConflicts)
            .Where(static pair => !pair.Right.Contains(pair.Left.Type.HintName))
            .Select(static (pair, _) => pair.Left)
            .WithTrackingName(TrackingNames.ClassAllocatorOutputs);

        context.RegisterSourceOutput(classAllocatorOutputs, static (output, model) =>
            output.AddSource(model.Type.HintName + ".ClassAllocator.g.cs", SourceText.From(ClassAllocatorEmitter.Emit(model), Encoding.UTF8)));

        IncrementalValuesProvider<TypeIdModel> typeIds = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownTypes.TypeIdAttribute,
                static (node, _) => node is TypeDeclarationSyntax,
                static (context, cancellationToken) => context.TargetSymbol is INamedTypeSymbol type && context.Attributes.Length == 1
                    ? TypeIdParser.Parse(type, context.Attributes[0], SupportsStaticAbstractMembers(context), cancellationToken)
                    : null)
            .WithTrackingName(TrackingNames.TypeIdModels)
            .Where(static model => model is not null)!;

        IncrementalValueProvider<EquatableArray<string>> typeIdConflicts = typeIds
            .Select(static (model, _) => (model.Type.HintName, model.Id))
            .Collect()
            .Select(static (entries, _) => TypeIdConflicts(entries))
            .WithTrackingName(TrackingNames.TypeIdConflicts);

        IncrementalValuesProvider<TypeIdModel> typeIdOutputs = typeIds
            .Combine(typeIdConflicts)
            .Where(static pair => !pair.Right.Contains(pair.Left.Type.HintName))
            .Select(static (pair, _) => pair.Left)
            .WithTrackingName(TrackingNames.TypeIdOutputs);

        context.RegisterSourceOutput(typeIdOutputs, static (output, model) =>
            output.AddSource(model.Type.HintName + ".TypeId.g.cs", SourceText.From(TypeIdEmitter.Emit(model), Encoding.UTF8)));
    }

    // Implementing static abstract interface members (ITypeInfo, IAllocatorType) needs C# 11.
    private static bool SupportsStaticAbstractMembers(GeneratorAttributeSyntaxContext context)
        => context.SemanticModel.SyntaxTree.Options is CSharpParseOptions { LanguageVersion: >= LanguageVersion.CSharp11 };

    private static EquatableArray<string> Repeated(ImmutableArray<string> names)
    {
        var seen = new HashSet<string>();
        var repeated = new SortedSet<string>();
        foreach (string name in names)
        {
            if (!seen.Add(name))
                repeated.Add(name);
        }
        return repeated.ToEquatableArray();
    }

    // A type listed twice, and every type whose GUID another type also uses, is skipped.
    private static EquatableArray<string> TypeIdConflicts(ImmutableArray<(string HintName, string Id)> entries)
    {
        var conflicts = new SortedSet<string>(Repeated(entries.Select(e => e.HintName).ToImmutableArray()));
        foreach (var group in entries.GroupBy(e => e.Id))
        {
            if (group.Select(e => e.HintName).Distinct().Count() > 1)
                conflicts.UnionWith(group.Select(e => e.HintName));
        }
        return conflicts.ToEquatableArray();
    }
}
