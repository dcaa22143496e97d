using System.Text;

namespace Federation.Cli.Report;

/// <summary>Escapes text for HTML and SVG: only &amp; &lt; &gt; and quotes, so accented letters and no-break spaces stay as they are (UTF-8).</summary>
internal static class Html
{
    public static string Encode(string text)
    {
        if (text.AsSpan().IndexOfAny("&<>\"'") < 0)
        {
            return text;
        }

        var encoded = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            encoded.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => c.ToString(),
            });
        }

        return encoded.ToString();
    }
}
