namespace Memory.Generators.Model;

/// <summary>Where an attributed type lives and how to re-open it as a partial declaration.</summary>
/// <param name="Namespace">The namespace, empty for the global namespace.</param>
/// <param name="Parents">The containing types, outermost first.</param>
/// <param name="Keyword">The declaration keyword: <c>class</c>, <c>struct</c>, <c>record</c>, <c>record struct</c> or <c>interface</c>.</param>
/// <param name="Name">The name with its type parameters as declared, e.g. <c>Buffer&lt;T&gt;</c>.</param>
/// <param name="FullyQualifiedName">The name to use in code, e.g. <c>global::Game.Buffer&lt;T&gt;</c>.</param>
/// <param name="DisplayName">The name for people and <c>TypeName</c>, e.g. <c>Game.Buffer&lt;T&gt;</c>.</param>
/// <param name="HintName">A file name unique to the type in its compilation.</param>
internal sealed record TypeDeclarationModel(
    string Namespace,
    EquatableArray<ParentTypeModel> Parents,
    string Keyword,
    string Name,
    string FullyQualifiedName,
    string DisplayName,
    string HintName);

/// <summary>A containing type to re-open around the generated members.</summary>
/// <param name="Keyword">Its declaration keyword.</param>
/// <param name="Name">Its name with type parameters.</param>
internal sealed record ParentTypeModel(string Keyword, string Name);
