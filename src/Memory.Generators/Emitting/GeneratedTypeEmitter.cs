using Memory.Generators.Model;

namespace Memory.Generators.Emitting;

/// <summary>Writes the one file of an attributed type: its <c>[ClassAllocator]</c> members, then its <c>[TypeId]</c> members.</summary>
internal static class GeneratedTypeEmitter
{
    public static string Emit(GeneratedTypeModel model)
    {
        var writer = new IndentedWriter();
        TypeDeclarationEmitter.Open(writer, model.Type, model.TypeId is { } typeId ? TypeIdEmitter.BaseList(typeId) : null);
        bool first = true;
        if (model.ClassAllocator is { } classAllocator)
            ClassAllocatorEmitter.WriteMembers(writer, classAllocator, ref first);
        if (model.TypeId is { } typeIdMembers)
            TypeIdEmitter.WriteMembers(writer, typeIdMembers, ref first);
        TypeDeclarationEmitter.Close(writer, model.Type);
        return writer.ToString();
    }
}
