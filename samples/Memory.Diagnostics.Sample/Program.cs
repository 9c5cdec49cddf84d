using Memory.Diagnostics.Sample;

// Each file of this project breaks one group of rules; the comments name the rule each line shows.
Console.WriteLine("Build this project to see every Memory rule: dotnet build samples/Memory.Diagnostics.Sample");
Allocation.Show();
