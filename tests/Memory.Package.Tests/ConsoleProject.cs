namespace Memory.Package.Tests;

/// <summary>The project file of a console program that uses the package, as a user's new console project has it.</summary>
internal static class ConsoleProject
{
    public static string For(string packageVersion) => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <ImplicitUsings>enable</ImplicitUsings>
            <Nullable>enable</Nullable>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="Memory.Runtime" Version="{packageVersion}" />
          </ItemGroup>
        </Project>
        """;
}
