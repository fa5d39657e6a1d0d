using System.Globalization;
using System.Text.RegularExpressions;

namespace Kura.Model.Quantities;

/// <summary>The three ways Kubernetes writes a quantity, chosen by the suffix it was parsed with.</summary>
public enum QuantityFormat
{
    DecimalSI,
    BinarySI,
    DecimalExponent,
}

/// <summary>
/// k8s.io/apimachinery/pkg/api/resource.Quantity: a decimal amount with a suffix (Ki…Ei, n u m k M
/// G T P E, or an exponent). Values compare numerically across formats, are kept to nano precision
/// (rounded up, as Kubernetes does), and print in canonical form (1.5Gi → 1536Mi, 0.5 → 500m).
/// </summary>
public readonly partial struct Quantity : IComparable<Quantity>, IEquatable<Quantity>
{
    private const string RegexText = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";
    private static readonly string[] BinarySuffixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
    private static readonly (string Suffix, int Exponent)[] DecimalSuffixes =
        [("n", -9), ("u", -6), ("m", -3), ("", 0), ("k", 3), ("M", 6), ("G", 9), ("T", 12), ("P", 15), ("E", 18)];

    public Quantity(decimal value, QuantityFormat format)
    {
        Amount = RoundUpToNano(value);
        Format = format;
    }

    /// <summary>The exact amount (bytes for storage).</summary>
    public decimal Amount { get; }

    public QuantityFormat Format { get; }

    /// <summary>The amount rounded up to a whole number, as Quantity.Value() does.</summary>
    public long Value => (long)decimal.Ceiling(Amount);

    public long MilliValue => (long)decimal.Ceiling(Amount * 1000);

    public bool IsZero => Amount == 0;

    public static Quantity FromBytes(long bytes) => new(bytes, QuantityFormat.BinarySI);

    public static Quantity Parse(string text) =>
        TryParse(text, out var q) ? q : throw new FormatException($"quantities must match the regular expression '{RegexText}'");

    public static bool TryParse(string? text, out Quantity quantity)
    {
        quantity = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var m = Shape().Match(text);
        if (!m.Success)
        {
            return false;
        }

        var number = m.Groups[1].Value;
        var suffix = m.Groups[2].Value;
        if (number.Count(c => c == '.') > 1 || number is "." or "+." or "-." || !decimal.TryParse(number, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var mantissa))
        {
            return false;
        }

        decimal multiplier;
        QuantityFormat format;
        var binary = Array.IndexOf(BinarySuffixes, suffix);
        if (binary > 0)
        {
            multiplier = Pow(1024m, binary);
            format = QuantityFormat.BinarySI;
        }
        else if (DecimalSuffixes.FirstOrDefault(d => d.Suffix == suffix) is { Suffix: not null } dec && (suffix.Length > 0 || dec.Exponent == 0))
        {
            multiplier = Pow10(dec.Exponent);
            format = QuantityFormat.DecimalSI;
        }
        else if (suffix.Length > 1 && suffix[0] is 'e' or 'E' && int.TryParse(suffix[1..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var exp) && exp is >= -18 and <= 18)
        {
            multiplier = Pow10(exp);
            format = QuantityFormat.DecimalExponent;
        }
        else
        {
            return false;
        }

        try
        {
            quantity = new Quantity(mantissa * multiplier, format);
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    public int CompareTo(Quantity other) => Amount.CompareTo(other.Amount);

    public bool Equals(Quantity other) => Amount == other.Amount;

    public override bool Equals(object? obj) => obj is Quantity q && Equals(q);

    public override int GetHashCode() => Amount.GetHashCode();

    public static bool operator ==(Quantity a, Quantity b) => a.Equals(b);

    public static bool operator !=(Quantity a, Quantity b) => !a.Equals(b);

    public static bool operator <(Quantity a, Quantity b) => a.CompareTo(b) < 0;

    public static bool operator >(Quantity a, Quantity b) => a.CompareTo(b) > 0;

    public static bool operator <=(Quantity a, Quantity b) => a.CompareTo(b) <= 0;

    public static bool operator >=(Quantity a, Quantity b) => a.CompareTo(b) >= 0;

    public Quantity Add(Quantity other) => new(Amount + other.Amount, Format);

    public Quantity Subtract(Quantity other) => new(Amount - other.Amount, Format);

    /// <summary>Canonical form: the largest suffix of the quantity's format that keeps the number whole.</summary>
    public override string ToString()
    {
        if (Amount == 0)
        {
            return "0";
        }

        if (Format == QuantityFormat.BinarySI && decimal.Truncate(Amount) == Amount)
        {
            for (var k = BinarySuffixes.Length - 1; k >= 0; k--)
            {
                var unit = Pow(1024m, k);
                if (Amount % unit == 0 && (k == 0 || decimal.Abs(Amount) >= unit))
                {
                    return (Amount / unit).ToString("0", CultureInfo.InvariantCulture) + BinarySuffixes[k];
                }
            }
        }

        for (var i = DecimalSuffixes.Length - 1; i >= 0; i--)
        {
            var (suffix, exponent) = DecimalSuffixes[i];
            var unit = Pow10(exponent);
            var mantissa = Amount / unit;
            if (decimal.Truncate(mantissa) == mantissa)
            {
                var text = mantissa.ToString("0", CultureInfo.InvariantCulture);
                return Format == QuantityFormat.DecimalExponent
                    ? exponent == 0 ? text : $"{text}e{exponent.ToString(CultureInfo.InvariantCulture)}"
                    : text + suffix;
            }
        }

        return Amount.ToString(CultureInfo.InvariantCulture);
    }

    private static decimal RoundUpToNano(decimal value)
    {
        var scaled = value * 1_000_000_000m;
        var rounded = decimal.Ceiling(scaled);
        return rounded == scaled ? value : rounded / 1_000_000_000m;
    }

    private static decimal Pow(decimal b, int e)
    {
        var r = 1m;
        for (var i = 0; i < e; i++)
        {
            r *= b;
        }

        return r;
    }

    private static decimal Pow10(int e) => e >= 0 ? Pow(10m, e) : 1m / Pow(10m, -e);

    [GeneratedRegex(RegexText)]
    private static partial Regex Shape();
}
