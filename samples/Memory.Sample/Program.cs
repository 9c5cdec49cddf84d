using Memory;

// Raw blocks from the process-wide OS allocator, through the allocator and through Az.
var os = OSAllocator.Instance;
nint header = os.Allocate(256, alignment: 64, name: "header");
nint payload = Az.Malloc<OSAllocator>(4096, name: "payload");
payload = Az.Realloc<OSAllocator>(payload, 8192);

Console.WriteLine(AllocatorManager.GetReport());

Az.Free<OSAllocator>(payload);
os.DeAllocate(header);
Console.WriteLine($"{os.Name}: {os.NumAllocatedBytes} bytes live after freeing, peak {os.Records.PeakBytes}");
return os.NumAllocatedBytes == 0 ? 0 : 1;
