using Memory.Schemas;

namespace Memory.Runtime.Tests.Child;

// The IAllocatorType members below are what [TypeId] generates; they are written by hand here so the
// tests do not depend on the generator.

/// <summary>A parent no other test uses, so its counts move only with its children's.</summary>
public sealed class ChildTestParentAllocator : AllocatorBase<OSSchema>, IAllocatorType<ChildTestParentAllocator>
{
    public ChildTestParentAllocator()
        : base(nameof(ChildTestParentAllocator), "Parent of the child allocator tests", default)
    {
    }

    public static Guid TypeId { get; } = new("9CB76602-3B71-410A-A09D-E883EC717901");
    public static string TypeName => "Memory.Runtime.Tests.Child.ChildTestParentAllocator";
    public static ChildTestParentAllocator CreateAllocator() => new();
}

/// <summary>A subsystem's allocator as users write it: no constructor, named after its class.</summary>
public sealed class SubsystemAllocator : ChildAllocator<ChildTestParentAllocator>, IAllocatorType<SubsystemAllocator>
{
    public static Guid TypeId { get; } = new("E3CF91D9-22FF-431D-AFA4-8C891A8367BF");
    public static string TypeName => "Memory.Runtime.Tests.Child.SubsystemAllocator";
    public static SubsystemAllocator CreateAllocator() => new();
}

/// <summary>A child of a child, with a display name of its own.</summary>
public sealed class NestedSubsystemAllocator : ChildAllocator<SubsystemAllocator>, IAllocatorType<NestedSubsystemAllocator>
{
    public NestedSubsystemAllocator()
        : base("Nested subsystem", "A child of SubsystemAllocator")
    {
    }

    public static Guid TypeId { get; } = new("ED216939-D1CA-4BDA-9EA7-581BC4053EF0");
    public static string TypeName => "Memory.Runtime.Tests.Child.NestedSubsystemAllocator";
    public static NestedSubsystemAllocator CreateAllocator() => new();
}

/// <summary>A child of the process-wide OS allocator.</summary>
public sealed class OSChildAllocator : ChildAllocator<OSAllocator>, IAllocatorType<OSChildAllocator>
{
    public static Guid TypeId { get; } = new("B7BD0F1A-F446-4D19-ADA3-DECE836E81A2");
    public static string TypeName => "Memory.Runtime.Tests.Child.OSChildAllocator";
    public static OSChildAllocator CreateAllocator() => new();
}

/// <summary>A heap only the model check uses as a parent.</summary>
public sealed class ModelCheckHeapAllocator : AllocatorBase<HeapSchema>, IAllocatorType<ModelCheckHeapAllocator>
{
    public ModelCheckHeapAllocator()
        : base(nameof(ModelCheckHeapAllocator), "Parent of the child model check", new HeapSchema())
    {
    }

    public static Guid TypeId { get; } = new("5FBE2368-D338-4317-856F-898B0BE693A4");
    public static string TypeName => "Memory.Runtime.Tests.Child.ModelCheckHeapAllocator";
    public static ModelCheckHeapAllocator CreateAllocator() => new();
}

/// <summary>The child the model check drives.</summary>
public sealed class ModelCheckChildAllocator : ChildAllocator<ModelCheckHeapAllocator>, IAllocatorType<ModelCheckChildAllocator>
{
    public static Guid TypeId { get; } = new("EFFFD731-F128-4B8A-8627-E72341541A73");
    public static string TypeName => "Memory.Runtime.Tests.Child.ModelCheckChildAllocator";
    public static ModelCheckChildAllocator CreateAllocator() => new();
}
