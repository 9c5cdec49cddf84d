using System.Buffers.Binary;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace Memory;

/// <summary>
/// The identity of any type: its <c>[TypeId]</c> when it has one, a GUID derived from its name and assembly when it
/// has none, and for a constructed generic type the combination of its definition's identity with its type
/// arguments' (O3DE's <c>AZ_TYPE_INFO_TEMPLATE</c>). Identities key shared instances in <see cref="SharedEnvironment"/>,
/// so <c>Tagged&lt;A&gt;</c> and <c>Tagged&lt;B&gt;</c> are two allocators, and two assemblies' same-named types stay two.
/// </summary>
/// <remarks>
/// <para>
/// A generic type's generated <c>TypeId</c> must read its arguments' identities, but its type parameters carry no
/// <see cref="ITypeInfo"/> constraint (it would forbid <c>Tagged&lt;int&gt;</c>), so a static abstract member cannot
/// be reached and <c>MakeGenericMethod</c> is not AOT-safe. The argument's <see cref="TypeIdAttribute"/> is read
/// instead: attribute metadata stays with every type the program uses, under trimming and NativeAOT alike, and it
/// is there as soon as the type is, whereas a table filled by module initializers would miss a type from an
/// assembly none of whose code has run yet (<c>typeof</c> alone runs no initializer), and the identity would then
/// depend on what ran first.
/// </para>
/// <para>
/// Every identity is a name-based UUID (RFC 4122 version 5, SHA-1 over a fixed namespace), so it is the same in
/// every process, on every machine and runtime version that lays the names out alike. A combination hashes the
/// definition's identity, the argument count and each argument's identity in order: <c>Pair&lt;A, B&gt;</c> and
/// <c>Pair&lt;B, A&gt;</c> differ, and nesting (<c>Tagged&lt;Pair&lt;A, B&gt;&gt;</c>) is kept apart from a longer argument
/// list. O3DE folds the argument identities pairwise from the right instead; the values differ from O3DE's, the
/// properties are the same.
/// </para>
/// </remarks>
public static class TypeIdentity
{
    // Fixed namespaces of the name-based UUIDs; changing either changes every derived identity.
    private static readonly Guid NameNamespace = new(0x3B5C7A1Eu, 0x4D2F, 0x4E86, 0x9C, 0x0B, 0x71, 0x5E, 0x2A, 0xD4, 0x68, 0xF3);
    private static readonly Guid CombinationNamespace = new(0x8E41D6B2u, 0x0F73, 0x4A95, 0xB1, 0x2C, 0x5D, 0x9E, 0x36, 0x07, 0xA8, 0x4B);

    /// <summary>
    /// The identity of <paramref name="type"/>: its <see cref="TypeIdAttribute"/>; for a constructed generic type, its
    /// definition's identity combined with its type arguments'; otherwise one derived from its full name and
    /// assembly name. <see cref="TypeIdentity{T}.Id"/> caches it per type.
    /// </summary>
    public static Guid Of(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (type.IsArray)
        {
            // int[] and int[,] are not int: the shape is a definition of its own with the element as argument.
            string shape = type.IsSZArray ? "[]" : "[" + new string(',', type.GetArrayRank() - 1) + "]";
            return Combine(FromName(shape, string.Empty), [Of(type.GetElementType()!)]);
        }
        if (type.IsConstructedGenericType)
        {
            Type[] arguments = type.GenericTypeArguments;
            var identities = new Guid[arguments.Length];
            for (int i = 0; i < arguments.Length; i++)
                identities[i] = Of(arguments[i]);
            return Combine(DefinitionOf(type.GetGenericTypeDefinition()), identities);
        }
        return DefinitionOf(type);
    }

    /// <summary>
    /// A generic type's identity from its definition's and its arguments', in order: order-sensitive and
    /// deterministic. With no arguments, the definition's identity itself.
    /// </summary>
    public static Guid Combine(Guid definition, ReadOnlySpan<Guid> arguments)
    {
        if (arguments.IsEmpty)
            return definition;
        // definition, count, then each argument: 16 + 4 + 16n bytes in RFC byte order.
        byte[] data = new byte[20 + (16 * arguments.Length)];
        definition.TryWriteBytes(data.AsSpan(0, 16), bigEndian: true, out _);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(16, 4), arguments.Length);
        for (int i = 0; i < arguments.Length; i++)
            arguments[i].TryWriteBytes(data.AsSpan(20 + (16 * i), 16), bigEndian: true, out _);
        return NameBased(CombinationNamespace, data);
    }

    /// <summary>
    /// The identity of a type without <c>[TypeId]</c>: a name-based UUID of its metadata full name
    /// (<c>Game.Outer+Inner</c>, <c>System.Collections.Generic.List`1</c>) and its assembly's simple name.
    /// </summary>
    public static Guid FromName(string fullName, string assemblyName)
    {
        ArgumentNullException.ThrowIfNull(fullName);
        ArgumentNullException.ThrowIfNull(assemblyName);
        // The assembly-qualified form: a type name escapes its own commas, so the split is unambiguous.
        return NameBased(NameNamespace, Encoding.UTF8.GetBytes(fullName + ", " + assemblyName));
    }

    /// <summary>
    /// The readable name of <paramref name="type"/> as C# writes it: namespace, containing types, type arguments
    /// (<c>Game.Tagged&lt;Game.A&gt;</c>, <c>Game.Pair&lt;int, string&gt;</c>, <c>Game.Region&lt;byte&gt;.Tile</c>).
    /// <see cref="TypeIdentity{T}.Name"/> caches it per type.
    /// </summary>
    public static string NameOf(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var text = new StringBuilder();
        AppendName(text, type);
        return text.ToString();
    }

    /// <summary>
    /// The <see cref="SharedEnvironment"/> variable that holds the shared instance of the type with identity
    /// <paramref name="typeId"/>: <see cref="AllocatorInstance{T}"/> and <see cref="Objects.SharedAllocator{T}"/> both use it.
    /// </summary>
    public static string VariableName(Guid typeId) => typeId.ToString("B").ToUpperInvariant();

    private static Guid DefinitionOf(Type type)
    {
        // The attribute of a generic definition is the attribute of all its constructions.
        if (type.GetCustomAttribute<TypeIdAttribute>(inherit: false) is { } attribute && TryParse(attribute.Id, out Guid id))
            return id;
        return FromName(type.FullName ?? type.Name, type.Assembly.GetName().Name ?? string.Empty);
    }

    private static bool TryParse(string? text, out Guid id)
    {
        id = default;
        text = text?.Trim();
        return text is { Length: > 0 } && (Guid.TryParseExact(text, "B", out id) || Guid.TryParseExact(text, "D", out id));
    }

    // RFC 4122 section 4.3, version 5: SHA-1 of namespace and name, then the version and variant bits.
    private static Guid NameBased(Guid ns, ReadOnlySpan<byte> name)
    {
        byte[] data = new byte[16 + name.Length];
        ns.TryWriteBytes(data.AsSpan(0, 16), bigEndian: true, out _);
        name.CopyTo(data.AsSpan(16));
        Span<byte> hash = stackalloc byte[20];
#pragma warning disable CA5350 // RFC 4122 version 5 is defined over SHA-1; the hash names types, it protects nothing.
        SHA1.HashData(data, hash);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }

    private static void AppendName(StringBuilder text, Type type)
    {
        if (type.IsArray)
        {
            AppendName(text, type.GetElementType()!);
            text.Append('[').Append(',', type.IsSZArray ? 0 : type.GetArrayRank() - 1).Append(']');
            return;
        }
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            AppendName(text, underlying);
            text.Append('?');
            return;
        }
        if (Keyword(type) is { } keyword)
        {
            text.Append(keyword);
            return;
        }
        if (type.IsGenericParameter)
        {
            text.Append(type.Name);
            return;
        }

        // The arguments of a nested generic type belong to its containing types first, by their arity.
        Type[] arguments = type.IsConstructedGenericType ? type.GenericTypeArguments : type.GetGenericArguments();
        Type definition = type.IsConstructedGenericType ? type.GetGenericTypeDefinition() : type;
        var levels = new List<Type>();
        for (Type? level = definition; level is not null; level = level.DeclaringType)
            levels.Add(level);
        levels.Reverse();

        if (!string.IsNullOrEmpty(definition.Namespace))
            text.Append(definition.Namespace).Append('.');
        int used = 0;
        for (int i = 0; i < levels.Count; i++)
        {
            if (i > 0)
                text.Append('.');
            string name = levels[i].Name;
            int tick = name.IndexOf('`', StringComparison.Ordinal);
            text.Append(tick < 0 ? name : name[..tick]);
            int total = levels[i].GetGenericArguments().Length;
            if (total > used && arguments.Length >= total)
            {
                text.Append('<');
                for (int j = used; j < total; j++)
                {
                    if (j > used)
                        text.Append(", ");
                    AppendName(text, arguments[j]);
                }
                text.Append('>');
                used = total;
            }
        }
    }

    private static string? Keyword(Type type) => Type.GetTypeCode(type) switch
    {
        _ when type == typeof(object) => "object",
        _ when type.IsEnum => null,
        TypeCode.Boolean => "bool",
        TypeCode.Char => "char",
        TypeCode.SByte => "sbyte",
        TypeCode.Byte => "byte",
        TypeCode.Int16 => "short",
        TypeCode.UInt16 => "ushort",
        TypeCode.Int32 => "int",
        TypeCode.UInt32 => "uint",
        TypeCode.Int64 => "long",
        TypeCode.UInt64 => "ulong",
        TypeCode.Single => "float",
        TypeCode.Double => "double",
        TypeCode.Decimal => "decimal",
        TypeCode.String => "string",
        _ when type == typeof(nint) => "nint",
        _ when type == typeof(nuint) => "nuint",
        _ => null,
    };
}

/// <summary>
/// <see cref="TypeIdentity.Of"/> and <see cref="TypeIdentity.NameOf"/> of <typeparamref name="T"/>, computed once per
/// closed type. A generic <c>[TypeId]</c> type's generated <c>TypeId</c> and <c>TypeName</c> read them.
/// </summary>
/// <typeparam name="T">The type.</typeparam>
public static class TypeIdentity<T>
{
    /// <summary>The identity of <typeparamref name="T"/>.</summary>
    public static Guid Id { get; } = TypeIdentity.Of(typeof(T));

    /// <summary>The readable name of <typeparamref name="T"/>, type arguments spelt out.</summary>
    public static string Name { get; } = TypeIdentity.NameOf(typeof(T));
}
