using System.ComponentModel;

namespace Memory.Objects;

/// <summary>
/// Stands between a generated <c>Create</c>'s constructor parameters and its caller-information parameters.
/// Never pass it.
/// </summary>
/// <remarks>
/// A generated <c>Create(ctor parameters..., CallSiteBoundary boundary = default, [CallerFilePath] string? file = null,
/// [CallerLineNumber] int line = 0)</c> must be applicable to exactly the argument lists its constructor accepts.
/// No expression a caller writes converts to this type (it has no conversions and no public constructor
/// arguments), so an argument beyond the constructor's parameters lands here and makes that overload
/// inapplicable, instead of filling the file and line. The one expression that does convert is the untyped
/// <c>default</c> literal, which converts to every type; passing it where two overloads compete at worst makes
/// the call ambiguous (CS0121), never binds it to another constructor.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct CallSiteBoundary
{
}
