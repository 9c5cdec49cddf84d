using System.Collections.Generic;
using Memory.Generators.Model;

namespace Memory.Generators.Emitting;

/// <summary>
/// Writes <c>Create</c>/<c>Destroy</c> for a <c>[ClassAllocator]</c> type: native memory and a
/// <c>NativeRef</c> for unmanaged structs, allocator tracking for classes.
/// </summary>
internal static class ClassAllocatorEmitter
{
    private const string CallerFilePath = "global::System.Runtime.CompilerServices.CallerFilePath";
    private const string CallerLineNumber = "global::System.Runtime.CompilerServices.CallerLineNumber";
    private const string Boundary = "global::Memory.Objects.CallSiteBoundary";

    /// <summary>Writes the members into the open type declaration; <paramref name="first"/> tracks the blank lines between members.</summary>
    public static void WriteMembers(IndentedWriter writer, ClassAllocatorModel model, ref bool first)
    {
        foreach (FactoryModel factory in model.Factories)
        {
            TypeDeclarationEmitter.Separate(writer, ref first);
            WriteCreate(writer, model, factory);
        }
        if (model.EmitDestroy)
        {
            TypeDeclarationEmitter.Separate(writer, ref first);
            WriteDestroy(writer, model);
        }
    }

    private static void WriteCreate(IndentedWriter writer, ClassAllocatorModel model, FactoryModel factory)
    {
        string type = model.Type.FullyQualifiedName;
        string display = TypeDeclarationEmitter.Xml(model.Type.DisplayName);
        string allocator = TypeDeclarationEmitter.Xml(model.AllocatorDisplayName);

        // Names the generated code adds must not collide with the constructor's parameters.
        var taken = new HashSet<string>();
        foreach (ParameterModel parameter in factory.Parameters)
            taken.Add(parameter.Name.TrimStart('@'));
        string boundary = Unique("callSite", taken);
        string file = Unique("callerFilePath", taken);
        string line = Unique("callerLineNumber", taken);
        string allocatorLocal = Unique("allocator", taken);
        string result = Unique(model.IsNativeStruct ? "handle" : "instance", taken);

        writer.Line("/// <summary>");
        if (model.IsNativeStruct)
        {
            writer.Line($"/// Creates a <c>{display}</c> in native memory from <c>{allocator}</c>, constructed in place by the");
            writer.Line("/// matching constructor. Give it back with <c>Destroy</c>.");
        }
        else
        {
            writer.Line(factory.RecordsCallSite
                ? $"/// Creates a <c>{display}</c> tracked by <c>{allocator}</c> (live count, call site, leak report)."
                : $"/// Creates a <c>{display}</c> tracked by <c>{allocator}</c> (live count, leak report; no call site, see MEM0019).");
            writer.Line("/// Its memory is the garbage collector's. End its tracking with <c>Destroy</c>.");
        }
        writer.Line("/// </summary>");
        foreach (ParameterModel parameter in factory.Parameters)
            writer.Line($"/// <param name=\"{parameter.Name.TrimStart('@')}\">Passed to the constructor.</param>");
        if (factory.RecordsCallSite)
        {
            writer.Line($"/// <param name=\"{boundary}\">Never passed: it keeps arguments meant for the constructor away from the call site.</param>");
            writer.Line($"/// <param name=\"{file}\">The calling file, filled in by the compiler for tracking.</param>");
            writer.Line($"/// <param name=\"{line}\">The calling line, filled in by the compiler for tracking.</param>");
        }
        writer.Line(model.IsNativeStruct ? "/// <returns>A handle to the new value.</returns>" : "/// <returns>The new instance.</returns>");
        if (factory.ObsoleteAttribute is not null)
            writer.Line(factory.ObsoleteAttribute);
        writer.Line(TypeDeclarationEmitter.GeneratedCodeAttribute);

        var parameters = new List<string>(factory.Parameters.Count + 3);
        var arguments = new List<string>(factory.Parameters.Count);
        foreach (ParameterModel p in factory.Parameters)
        {
            parameters.Add($"{p.Attributes}{p.Modifiers}{p.Type} {p.Name}" + (p.DefaultValue is null ? string.Empty : " = " + p.DefaultValue));
            arguments.Add(p.ArgumentModifier + p.Name);
        }
        if (factory.RecordsCallSite)
        {
            parameters.Add($"{Boundary} {boundary} = default");
            parameters.Add($"[{CallerFilePath}] string? {file} = null");
            parameters.Add($"[{CallerLineNumber}] int {line} = 0");
        }
        string modifiers = factory.Accessibility + (factory.HidesInherited ? " new" : string.Empty) + " static" + (factory.IsUnsafe ? " unsafe" : string.Empty);
        string returnType = model.IsNativeStruct ? $"global::Memory.Objects.NativeRef<{type}>" : type;
        string argumentList = string.Join(", ", arguments);
        string fileArgument = factory.RecordsCallSite ? file : "null";
        string lineArgument = factory.RecordsCallSite ? line : "0";
        string label = Literal(model.Type.DisplayName);

        writer.Open($"{modifiers} {returnType} Create({string.Join(", ", parameters)})");
        if (model.IsNativeStruct)
        {
            writer.Line($"global::Memory.IAllocator {allocatorLocal} = {model.AllocatorExpression};");
            writer.Line($"global::Memory.Objects.NativeRef<{type}> {result} = global::Memory.Objects.NativeObjects.Allocate<{type}>({allocatorLocal}, {label}, {fileArgument}, {lineArgument});");
            writer.Open("try");
            writer.Line($"{result}.Value = new {type}({argumentList});");
            writer.Close();
            writer.Open("catch");
            writer.Line($"global::Memory.Objects.NativeObjects.Free({allocatorLocal}, {result});");
            writer.Line("throw;");
            writer.Close();
        }
        else
        {
            writer.Line($"{type} {result} = new {type}({argumentList});");
            writer.Line($"global::Memory.Objects.TrackedObjects.Track({result}, {model.AllocatorExpression}, {label}, {fileArgument}, {lineArgument});");
        }
        writer.Line($"return {result};");
        writer.Close();
    }

    private static void WriteDestroy(IndentedWriter writer, ClassAllocatorModel model)
    {
        string type = model.Type.FullyQualifiedName;
        string allocator = TypeDeclarationEmitter.Xml(model.AllocatorDisplayName);
        writer.Line("/// <summary>");
        if (model.IsNativeStruct)
        {
            writer.Line(model.IsDisposable
                ? $"/// Disposes a value made by <c>Create</c> and returns its memory to <c>{allocator}</c>. A null handle is ignored;"
                : $"/// Returns the memory of a value made by <c>Create</c> to <c>{allocator}</c>. A null handle is ignored;");
            writer.Line("/// every copy of the handle dangles afterwards.");
            writer.Line("/// </summary>");
            writer.Line("/// <param name=\"handle\">The handle <c>Create</c> returned.</param>");
            writer.Line(TypeDeclarationEmitter.GeneratedCodeAttribute);
            writer.Open($"public static void Destroy(global::Memory.Objects.NativeRef<{type}> handle)");
            string helper = model.IsDisposable ? "DisposeAndFree" : "Free";
            writer.Line($"global::Memory.Objects.NativeObjects.{helper}({model.AllocatorExpression}, handle);");
            writer.Close();
        }
        else
        {
            writer.Line($"/// Ends the tracking of an instance made by <c>Create</c> in <c>{allocator}</c>, then disposes it");
            writer.Line("/// when it is <c>IDisposable</c>.");
            writer.Line("/// </summary>");
            writer.Line("/// <param name=\"instance\">The instance <c>Create</c> returned.</param>");
            writer.Line("/// <exception cref=\"global::System.InvalidOperationException\">It was not made by <c>Create</c>, or was destroyed already.</exception>");
            writer.Line(TypeDeclarationEmitter.GeneratedCodeAttribute);
            writer.Open($"public static void Destroy({type} instance)");
            writer.Line("global::Memory.Objects.TrackedObjects.Destroy(instance);");
            writer.Close();
        }
    }

    private static string Unique(string name, HashSet<string> taken)
    {
        while (!taken.Add(name))
            name += "_";
        return name;
    }

    private static string Literal(string text) => Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(text, quote: true);
}
