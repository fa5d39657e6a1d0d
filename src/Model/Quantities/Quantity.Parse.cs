using System.Globalization;
using System.Numerics;

namespace Kura.Model.Quantities;

/// <summary>Parsing, following resource.ParseQuantity step for step (its fast path decides when the input text is kept).</summary>
public readonly partial struct Quantity
{
    /// <summary>The shape every quantity must have; Kubernetes quotes it in its main parse error.</summary>
    public const string RegexText = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";

    /// <summary>resource.ErrFormatWrong.</summary>
    public const string FormatWrongMessage = "quantities must match the regular expression '" + RegexText + "'";

    /// <summary>resource.ErrNumeric.</summary>
    public const string NumericMessage = "unable to parse numeric part of quantity";

    /// <summary>resource.ErrSuffix.</summary>
    public const string SuffixMessage = "unable to parse quantity's suffix";

    private const string SuffixLetters = "eEinumkKMGTP";
    private const int MaxInt64Factors = 18;
    private const int Nano = -9;
    private static readonly BigInteger MaxBinary = long.MaxValue;

    /// <summary>Parses or throws <see cref="FormatException"/> carrying Kubernetes' message.</summary>
    public static Quantity Parse(string text) =>
        TryParse(text, out var q, out var error) ? q : throw new FormatException(error);

    public static bool TryParse(string? text, out Quantity quantity) => TryParse(text, out quantity, out _);

    /// <summary>Parses like resource.ParseQuantity; <paramref name="error"/> is its error text on failure.</summary>
    public static bool TryParse(string? text, out Quantity quantity, out string error)
    {
        quantity = default;
        error = "";
        if (string.IsNullOrEmpty(text))
        {
            error = FormatWrongMessage;
            return false;
        }

        if (text == "0")
        {
            quantity = new Quantity(BigInteger.Zero, 0, QuantityFormat.DecimalSI, text);
            return true;
        }

        if (!Scan(text, out var parts))
        {
            error = FormatWrongMessage;
            return false;
        }

        if (!InterpretSuffix(parts.Suffix, out var binary, out var exponent, out var format))
        {
            error = SuffixMessage;
            return false;
        }

        if (TryFastPath(text, parts, binary, exponent, format, out quantity))
        {
            return true;
        }

        if (!SlowPath(parts, binary, exponent, format, out quantity))
        {
            error = NumericMessage;
            return false;
        }

        return true;
    }

    private readonly record struct Parts(bool Positive, string Value, string Num, string Denom, string Suffix);

    // parseQuantityString: sign, leading zeros, integer digits, optional '.' and fraction, then suffix
    // letters, an optional sign and digits. Anything else is ErrFormatWrong.
    private static bool Scan(string s, out Parts parts)
    {
        var positive = true;
        var pos = 0;
        var end = s.Length;
        if (s[0] is '-' or '+')
        {
            positive = s[0] == '+';
            pos++;
        }

        while (pos < end && s[pos] == '0')
        {
            pos++;
        }

        if (pos >= end)
        {
            parts = new Parts(positive, "0", "0", "", "");
            return true;
        }

        var numStart = pos;
        while (pos < end && char.IsAsciiDigit(s[pos]))
        {
            pos++;
        }

        var num = s[numStart..pos];
        if (num.Length == 0)
        {
            num = "0";
        }

        var denom = "";
        if (pos < end && s[pos] == '.')
        {
            var denomStart = ++pos;
            while (pos < end && char.IsAsciiDigit(s[pos]))
            {
                pos++;
            }

            denom = s[denomStart..pos];
        }

        var value = s[..pos];
        var suffixStart = pos;
        while (pos < end && SuffixLetters.Contains(s[pos], StringComparison.Ordinal))
        {
            pos++;
        }

        if (pos < end && s[pos] is '-' or '+')
        {
            pos++;
        }

        while (pos < end && char.IsAsciiDigit(s[pos]))
        {
            pos++;
        }

        parts = new Parts(positive, value, num, denom, s[suffixStart..]);
        return pos >= end;
    }

    // suffixer.interpret: decimal SI letters, binary SI, or e/E with a signed 64-bit exponent
    // (truncated to 32 bits, as Kubernetes' int32 conversion does).
    private static bool InterpretSuffix(string suffix, out bool binary, out int exponent, out QuantityFormat format)
    {
        binary = false;
        format = QuantityFormat.DecimalSI;
        exponent = suffix switch
        {
            "" => 0,
            "n" => -9,
            "u" => -6,
            "m" => -3,
            "k" => 3,
            "M" => 6,
            "G" => 9,
            "T" => 12,
            "P" => 15,
            "E" => 18,
            _ => int.MinValue,
        };
        if (exponent != int.MinValue)
        {
            return true;
        }

        var bin = suffix switch { "Ki" => 10, "Mi" => 20, "Gi" => 30, "Ti" => 40, "Pi" => 50, "Ei" => 60, _ => 0 };
        if (bin != 0)
        {
            binary = true;
            exponent = bin;
            format = QuantityFormat.BinarySI;
            return true;
        }

        format = QuantityFormat.DecimalExponent;
        if (suffix.Length > 1 && suffix[0] is 'e' or 'E'
            && long.TryParse(suffix.AsSpan(1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed)
            && suffix[1] is '+' or '-' or (>= '0' and <= '9'))
        {
            exponent = unchecked((int)parsed);
            return true;
        }

        exponent = 0;
        return false;
    }

    // The int64 fast path: few enough digits, no binary fraction, not finer than nano. Its result
    // keeps the input text when that text is already canonical-looking.
    private static bool TryFastPath(string text, Parts p, bool binary, int exponent, QuantityFormat format, out Quantity quantity)
    {
        quantity = default;
        int precision;
        var scale = 0;
        var mantissa = 1L;
        if (!binary)
        {
            scale = exponent;
            precision = MaxInt64Factors - (p.Num.Length + p.Denom.Length);
        }
        else if (exponent >= 0 && p.Denom.Length == 0)
        {
            mantissa <<= exponent;
            precision = 15 - p.Num.Length - (int)((float)exponent * 3 / 10) - 1;
        }
        else
        {
            precision = -1;
        }

        if (precision < 0)
        {
            return false;
        }

        scale = unchecked(scale - p.Denom.Length);
        if (scale < Nano)
        {
            return false;
        }

        var shifted = p.Num + p.Denom;
        var value = long.Parse(shifted, NumberStyles.None, CultureInfo.InvariantCulture);
        long result;
        try
        {
            result = checked(value * mantissa);
        }
        catch (OverflowException)
        {
            return false;
        }

        if (!p.Positive)
        {
            result = -result;
        }

        var keepText = binary
            ? exponent % 10 == 0 && (value & 0x07) != 0
            : scale % 3 == 0 && !shifted.EndsWith("000", StringComparison.Ordinal) && shifted[0] != '0';
        quantity = new Quantity(result, scale, format, keepText ? text : null);
        return true;
    }

    // The arbitrary-precision path: exact value, rounded away from zero to nano, BinarySI capped at
    // 2^63-1 and shown as DecimalSI when below one.
    private static bool SlowPath(Parts p, bool binary, int exponent, QuantityFormat format, out Quantity quantity)
    {
        quantity = default;
        var digits = p.Num + p.Denom;
        if (!p.Value.Any(char.IsAsciiDigit))
        {
            return false;
        }

        var magnitude = BigInteger.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        long scale = -p.Denom.Length;
        if (binary)
        {
            magnitude <<= exponent;
        }
        else
        {
            scale += exponent;
        }

        if (!magnitude.IsZero && scale < Nano)
        {
            var drop = Nano - scale;
            var length = magnitude.ToString(CultureInfo.InvariantCulture).Length;
            if (drop > length)
            {
                magnitude = BigInteger.One;
            }
            else
            {
                magnitude = BigInteger.DivRem(magnitude, BigInteger.Pow(10, (int)drop), out var rem);
                if (!rem.IsZero)
                {
                    magnitude += 1;
                }
            }

            scale = Nano;
        }

        if (scale is > int.MaxValue or < int.MinValue)
        {
            return false;
        }

        var amount = new Quantity(magnitude, (int)scale, format);
        if (binary && amount.CompareTo(new Quantity(MaxBinary, 0, format)) > 0)
        {
            amount = new Quantity(MaxBinary, 0, format);
        }

        if (binary && !amount.IsZero && amount.CompareTo(new Quantity(BigInteger.One, 0, format)) < 0)
        {
            format = QuantityFormat.DecimalSI;
        }

        quantity = new Quantity(p.Positive ? amount._unscaled : -amount._unscaled, amount._scale, format);
        return true;
    }
}
