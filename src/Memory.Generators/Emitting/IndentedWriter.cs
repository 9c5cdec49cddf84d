using System.Text;

namespace Memory.Generators.Emitting;

/// <summary>Builds C# text line by line with four-space indentation and <c>\n</c> line ends (stable snapshots).</summary>
internal sealed class IndentedWriter
{
    private readonly StringBuilder _text = new();
    private int _depth;

    public IndentedWriter Line(string line = "")
    {
        if (line.Length > 0)
            _text.Append(' ', _depth * 4).Append(line);
        _text.Append('\n');
        return this;
    }

    public IndentedWriter Open(string header)
    {
        Line(header);
        Line("{");
        _depth++;
        return this;
    }

    public IndentedWriter Close()
    {
        _depth--;
        return Line("}");
    }

    public override string ToString() => _text.ToString();
}
