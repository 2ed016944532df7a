using System.Globalization;
using System.Text;

namespace Mpc.Compiler.Emit;

/// <summary>
/// A StringBuilder with an indentation level: the emitter's only way of producing C#.
/// </summary>
/// <remarks>
/// Output is deterministic by construction: lines end in <c>\n</c>, indentation is four spaces, and
/// every number goes through <see cref="Literal(long)"/> and friends, which use the invariant
/// culture and round-trip formats. Blocks are opened and closed explicitly so that an unbalanced
/// brace is a bug the golden files show at once.
/// </remarks>
public sealed class SourceWriter
{
    private const string IndentUnit = "    ";
    private readonly StringBuilder _sb = new();
    private int _indent;

    /// <summary>The current indentation depth (for assertions in tests).</summary>
    public int Depth => _indent;

    /// <summary>Writes one line at the current indentation (an empty line has no trailing spaces).</summary>
    public SourceWriter Line(string text = "")
    {
        if (text.Length > 0)
        {
            for (var i = 0; i < _indent; i++)
            {
                _sb.Append(IndentUnit);
            }

            _sb.Append(text);
        }

        _sb.Append('\n');
        return this;
    }

    /// <summary>Writes each line of a multi-line text at the current indentation.</summary>
    public SourceWriter Lines(string text)
    {
        foreach (var line in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            Line(line);
        }

        return this;
    }

    /// <summary>Writes <paramref name="header"/> then <c>{</c> and indents.</summary>
    public SourceWriter Open(string header)
    {
        Line(header);
        Line("{");
        _indent++;
        return this;
    }

    /// <summary>Dedents and writes <c>}</c> followed by <paramref name="suffix"/> (e.g. <c>;</c>).</summary>
    public SourceWriter Close(string suffix = "")
    {
        if (_indent == 0)
        {
            throw new InvalidOperationException("SourceWriter.Close without a matching Open");
        }

        _indent--;
        Line("}" + suffix);
        return this;
    }

    /// <summary>Writes a <c>///</c> summary comment, one line per line of <paramref name="text"/>.</summary>
    public SourceWriter Summary(string text)
    {
        Line("/// <summary>");
        foreach (var line in text.Split('\n'))
        {
            Line("/// " + Escape(line));
        }

        return Line("/// </summary>");
    }

    /// <summary>The text written so far; throws if a block is still open.</summary>
    public override string ToString()
    {
        if (_indent != 0)
        {
            throw new InvalidOperationException($"SourceWriter has {_indent} unclosed block(s)");
        }

        return _sb.ToString();
    }

    public static string Literal(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Literal(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>An unsigned literal with the <c>UL</c> suffix, in hex when that reads better (masks).</summary>
    public static string Literal(ulong value) =>
        value < 1_000_000 ? value.ToString(CultureInfo.InvariantCulture) + "UL" : "0x" + value.ToString("X16", CultureInfo.InvariantCulture) + "UL";

    /// <summary>A double literal that round-trips exactly ("R" format, invariant culture, always with a decimal point or exponent).</summary>
    public static string Literal(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException($"cannot emit the non-finite constant {value}");
        }

        var s = value.ToString("R", CultureInfo.InvariantCulture);
        return s.Contains('.', StringComparison.Ordinal) || s.Contains('E', StringComparison.Ordinal) ? s : s + ".0";
    }

    /// <summary>A C# string literal (verbatim-safe escaping of quotes, backslashes and control characters).</summary>
    public static string Literal(string value)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (char.IsControl(c))
                    {
                        sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }

    /// <summary>Escapes text for an XML doc comment.</summary>
    public static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
