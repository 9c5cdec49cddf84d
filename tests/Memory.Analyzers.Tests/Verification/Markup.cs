using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace Memory.Analyzers.Tests.Verification;

/// <summary>
/// The markup of expected diagnostics in test sources: <c>[|code|]</c> for the rule under test and
/// <c>{|MEM0001:code|}</c> for a named rule. Spans may nest.
/// </summary>
internal sealed record Markup(string Text, IReadOnlyList<(string? Id, TextSpan Span)> Spans)
{
    public static Markup Parse(string markup)
    {
        var text = new StringBuilder(markup.Length);
        var open = new Stack<(string? Id, int Start)>();
        var spans = new List<(string? Id, TextSpan Span)>();
        for (int i = 0; i < markup.Length; i++)
        {
            if (Starts(markup, i, "[|"))
            {
                open.Push((null, text.Length));
                i++;
            }
            else if (Starts(markup, i, "{|"))
            {
                int colon = markup.IndexOf(':', i);
                if (colon < 0)
                    throw new FormatException("'{|' without an ID and ':' at " + i);
                open.Push((markup[(i + 2)..colon], text.Length));
                i = colon;
            }
            else if (Starts(markup, i, "|]") || Starts(markup, i, "|}"))
            {
                if (open.Count == 0)
                    throw new FormatException("Unbalanced '" + markup.Substring(i, 2) + "' at " + i);
                var (id, start) = open.Pop();
                if ((markup[i + 1] == ']') != (id is null))
                    throw new FormatException("Mismatched closing markup at " + i);
                spans.Add((id, TextSpan.FromBounds(start, text.Length)));
                i++;
            }
            else
            {
                text.Append(markup[i]);
            }
        }
        if (open.Count != 0)
            throw new FormatException("Unclosed markup");
        return new Markup(text.ToString(), spans);
    }

    private static bool Starts(string text, int index, string token)
        => string.CompareOrdinal(text, index, token, 0, token.Length) == 0;
}
