namespace Kura.Model.Selectors;

/// <summary>
/// The string form of a label selector, parsed as labels.Parse does: a lexer over identifiers and
/// the symbols = == != ! ( ) , &gt; &lt; and the keywords in/notin, then a recursive descent. Error
/// texts are Kubernetes'.
/// </summary>
internal sealed class LabelSelectorParser
{
    private enum Tok
    {
        End,
        ClosedPar,
        Comma,
        DoesNotExist,
        DoubleEquals,
        EqualsTok,
        GreaterThan,
        Identifier,
        In,
        LessThan,
        NotEquals,
        NotIn,
        OpenPar,
    }

    private static readonly Dictionary<string, Tok> Symbols = new(StringComparer.Ordinal)
    {
        [")"] = Tok.ClosedPar,
        [","] = Tok.Comma,
        ["!"] = Tok.DoesNotExist,
        ["=="] = Tok.DoubleEquals,
        ["="] = Tok.EqualsTok,
        [">"] = Tok.GreaterThan,
        ["in"] = Tok.In,
        ["<"] = Tok.LessThan,
        ["!="] = Tok.NotEquals,
        ["notin"] = Tok.NotIn,
        ["("] = Tok.OpenPar,
    };

    private readonly List<(Tok Tok, string Lit)> _items;
    private int _position;

    private LabelSelectorParser(string text) => _items = Lex(text);

    /// <summary>The requirements sorted by key, or the error text.</summary>
    public static bool TryParse(string text, out List<LabelRequirement> requirements, out string error)
    {
        var parser = new LabelSelectorParser(text);
        requirements = [];
        try
        {
            requirements = parser.Parse();
            error = "";
            return true;
        }
        catch (FormatException e)
        {
            error = e.Message;
            return false;
        }
    }

    private List<LabelRequirement> Parse()
    {
        var reqs = new List<LabelRequirement>();
        while (true)
        {
            var (tok, lit) = Lookahead(values: true);
            switch (tok)
            {
                case Tok.Identifier or Tok.DoesNotExist:
                    try
                    {
                        reqs.Add(ParseRequirement());
                    }
                    catch (FormatException e)
                    {
                        throw new FormatException("unable to parse requirement: " + e.Message);
                    }

                    var (t, l) = Consume(values: true);
                    switch (t)
                    {
                        case Tok.End:
                            return Sorted(reqs);
                        case Tok.Comma:
                            var (t2, l2) = Lookahead(values: true);
                            if (t2 is not Tok.Identifier and not Tok.DoesNotExist)
                            {
                                throw new FormatException($"found '{l2}', expected: identifier after ','");
                            }

                            break;
                        default:
                            throw new FormatException($"found '{l}', expected: ',' or 'end of string'");
                    }

                    break;
                case Tok.End:
                    return Sorted(reqs);
                default:
                    throw new FormatException($"found '{lit}', expected: !, identifier, or 'end of string'");
            }
        }
    }

    // sort.Sort(ByKey): the selector's requirements are kept in key order.
    private static List<LabelRequirement> Sorted(List<LabelRequirement> reqs) => [.. reqs.OrderBy(r => r.Key, StringComparer.Ordinal)];

    private LabelRequirement ParseRequirement()
    {
        var (key, op) = ParseKeyAndInferOperator();
        List<string> values;
        if (op is LabelRequirement.ExistsOp or LabelRequirement.DoesNotExistOp)
        {
            values = [];
        }
        else
        {
            op = ParseOperator();
            values = op is LabelRequirement.InOp or LabelRequirement.NotInOp ? ParseValues() : ParseExactValue();
        }

        values = [.. values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        var error = LabelRequirement.Validate(key, op, values);
        return error is null ? new LabelRequirement(key, op, values) : throw new FormatException(error);
    }

    private (string Key, string Op) ParseKeyAndInferOperator()
    {
        var op = "";
        var (tok, lit) = Consume(values: true);
        if (tok == Tok.DoesNotExist)
        {
            op = LabelRequirement.DoesNotExistOp;
            (tok, lit) = Consume(values: true);
        }

        if (tok != Tok.Identifier)
        {
            throw new FormatException($"found '{lit}', expected: identifier");
        }

        if (!Meta.NameValidation.IsQualifiedName(lit, out var why))
        {
            // The parser validates with a nil field path, which Kubernetes prints as "<nil>".
            throw new FormatException(LabelRequirement.FieldInvalid("<nil>", LabelRequirement.Quote(lit), why));
        }

        if (Lookahead(values: true).Tok is Tok.End or Tok.Comma && op != LabelRequirement.DoesNotExistOp)
        {
            op = LabelRequirement.ExistsOp;
        }

        return (lit, op);
    }

    private string ParseOperator()
    {
        var (tok, lit) = Consume(values: false);
        return tok switch
        {
            Tok.In => LabelRequirement.InOp,
            Tok.EqualsTok => LabelRequirement.EqualsOp,
            Tok.DoubleEquals => LabelRequirement.DoubleEqualsOp,
            Tok.GreaterThan => LabelRequirement.GreaterThanOp,
            Tok.LessThan => LabelRequirement.LessThanOp,
            Tok.NotIn => LabelRequirement.NotInOp,
            Tok.NotEquals => LabelRequirement.NotEqualsOp,
            _ => throw new FormatException($"found '{lit}', expected: in, notin, =, ==, !=, gt, lt"),
        };
    }

    private List<string> ParseValues()
    {
        var (tok, lit) = Consume(values: true);
        if (tok != Tok.OpenPar)
        {
            throw new FormatException($"found '{lit}' expected: '('");
        }

        (tok, lit) = Lookahead(values: true);
        switch (tok)
        {
            case Tok.Identifier or Tok.Comma:
                var set = ParseIdentifiersList();
                if (Consume(values: true).Tok != Tok.ClosedPar)
                {
                    throw new FormatException($"found '{lit}', expected: ')'");
                }

                return set;
            case Tok.ClosedPar:
                Consume(values: true);
                return [""];
            default:
                throw new FormatException($"found '{lit}', expected: ',', ')' or identifier");
        }
    }

    // A possibly empty, comma-separated list in which empty items stand for the empty value.
    private List<string> ParseIdentifiersList()
    {
        var set = new List<string>();
        while (true)
        {
            var (tok, lit) = Consume(values: true);
            switch (tok)
            {
                case Tok.Identifier:
                    set.Add(lit);
                    var (tok2, lit2) = Lookahead(values: true);
                    if (tok2 == Tok.Comma)
                    {
                        continue;
                    }

                    return tok2 == Tok.ClosedPar ? set : throw new FormatException($"found '{lit2}', expected: ',' or ')'");
                case Tok.Comma:
                    if (set.Count == 0)
                    {
                        set.Add("");
                    }

                    var next = Lookahead(values: true).Tok;
                    if (next == Tok.ClosedPar)
                    {
                        set.Add("");
                        return set;
                    }

                    if (next == Tok.Comma)
                    {
                        Consume(values: true);
                        set.Add("");
                    }

                    break;
                default:
                    throw new FormatException($"found '{lit}', expected: ',', or identifier");
            }
        }
    }

    private List<string> ParseExactValue()
    {
        if (Lookahead(values: true).Tok is Tok.End or Tok.Comma)
        {
            return [""];
        }

        var (tok, lit) = Consume(values: true);
        return tok == Tok.Identifier ? [lit] : throw new FormatException($"found '{lit}', expected: identifier");
    }

    // In a value position the keywords in/notin are ordinary identifiers ("x in (in)").
    private (Tok Tok, string Lit) Lookahead(bool values) => AsValue(_items[_position], values);

    private (Tok Tok, string Lit) Consume(bool values) => AsValue(_items[_position++], values);

    private static (Tok Tok, string Lit) AsValue((Tok Tok, string Lit) item, bool values) =>
        values && item.Tok is Tok.In or Tok.NotIn ? (Tok.Identifier, item.Lit) : item;

    private static bool IsWhitespace(char c) => c is ' ' or '\t' or '\r' or '\n';

    private static bool IsSpecial(char c) => c is '=' or '!' or '(' or ')' or ',' or '>' or '<';

    private static List<(Tok, string)> Lex(string s)
    {
        var items = new List<(Tok, string)>();
        var pos = 0;
        while (true)
        {
            while (pos < s.Length && IsWhitespace(s[pos]))
            {
                pos++;
            }

            if (pos >= s.Length)
            {
                items.Add((Tok.End, ""));
                return items;
            }

            var start = pos;
            if (IsSpecial(s[pos]))
            {
                // Longest run of symbols that still spells a token ("!=" over "!", "=" out of "=(").
                var best = (Tok: Tok.End, Lit: "");
                while (pos < s.Length && IsSpecial(s[pos]))
                {
                    var candidate = s[start..(pos + 1)];
                    if (Symbols.TryGetValue(candidate, out var t))
                    {
                        best = (t, candidate);
                    }
                    else if (best.Lit.Length > 0)
                    {
                        break;
                    }

                    pos++;
                }

                pos = start + best.Lit.Length;
                items.Add(best);
                continue;
            }

            while (pos < s.Length && !IsSpecial(s[pos]) && !IsWhitespace(s[pos]))
            {
                pos++;
            }

            var word = s[start..pos];
            items.Add((Symbols.TryGetValue(word, out var kw) ? kw : Tok.Identifier, word));
        }
    }
}
