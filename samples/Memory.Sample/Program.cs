using Memory;

nint block = Az.Malloc<OSAllocator>(256);
Console.WriteLine(AllocatorManager.GetReport());
Az.Free<OSAllocator>(block);
