using Memory;

namespace Memory.Diagnostics.Sample;

[TypeId("{0B9F7E2D-6C1A-4E3B-8D5F-2A7C9E1B3D40}")]
public class NotPartial { }                                         // MEM0010: [TypeId] needs a partial type

public class Outer                                                  // MEM0011: the containing type is not partial
{
    [TypeId("{1C8E6D3F-5B2A-4D4C-9E6A-3B8D0F2C4E51}")]
    public partial class Inner { }
}

[ClassAllocator(typeof(SystemAllocator))]
public abstract partial class Shape { }                             // MEM0012: abstract types have no instances

[ClassAllocator(typeof(SystemAllocator))]
public ref partial struct SpanHolder { public int Length; }         // MEM0013: a ref struct cannot live in native memory

[ClassAllocator(typeof(SystemAllocator))]
public partial struct Named { public string Name; }                 // MEM0014: a managed field in native memory

[ClassAllocator(typeof(SystemAllocator))]
public partial class Sealed { private Sealed() { } }                // MEM0015: no accessible constructor

[ClassAllocator(typeof(string))]
public partial class NotAnAllocator { }                             // MEM0016: typeof(string) is not an allocator

[TypeId("not-a-guid")]
public partial class Malformed { }                                  // MEM0017: not a GUID

[TypeId("{2D7F5C4E-4A3B-4C5D-8F7B-4C9E1A3D5F62}")]
public partial class First { }                                      // MEM0018: the same GUID twice

[TypeId("{2D7F5C4E-4A3B-4C5D-8F7B-4C9E1A3D5F62}")]
public partial class Second { }                                     // MEM0018
