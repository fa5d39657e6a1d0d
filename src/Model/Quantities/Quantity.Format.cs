using System.Globalization;
using System.Numerics;

namespace Kura.Model.Quantities;

/// <summary>Canonical string form (resource.Quantity.CanonicalizeBytes).</summary>
public readonly partial struct Quantity
{
    private static readonly BigInteger Binary1024 = 1024;

    /// <summary>
    /// The canonical form: no fraction, the largest suffix of the format that keeps the value exact.
    /// BinarySI values under 1024 in magnitude, or with a fraction, print as DecimalSI; DecimalSI
    /// beyond "E" falls back to an exponent ("1e21"). A parsed text Kubernetes would keep is returned as is.
    /// </summary>
    public override string ToString()
    {
        if (_text is not null)
        {
            return _text;
        }

        if (IsZero)
        {
            return "0";
        }

        var format = Format;
        if (format == QuantityFormat.BinarySI && (_scale < 0 || DigitCount(_unscaled) + _scale <= 4 && Below1024()))
        {
            format = QuantityFormat.DecimalSI;
        }

        return format == QuantityFormat.BinarySI ? BinaryString() : DecimalString(format);
    }

    // |value| < 1024, for a whole number of at most four digits.
    private bool Below1024() => BigInteger.Abs(_unscaled) * BigInteger.Pow(10, _scale) < Binary1024;

    private string DecimalString(QuantityFormat format)
    {
        // Exponent down to a multiple of three, moving digits into the mantissa (1.1e5 → 110e3).
        var mantissa = _unscaled;
        var exponent = _scale;
        while (exponent % 3 != 0)
        {
            mantissa *= 10;
            exponent--;
        }

        var number = mantissa.ToString(CultureInfo.InvariantCulture);
        if (format == QuantityFormat.DecimalSI)
        {
            var suffix = exponent switch
            {
                -9 => "n",
                -6 => "u",
                -3 => "m",
                0 => "",
                3 => "k",
                6 => "M",
                9 => "G",
                12 => "T",
                15 => "P",
                18 => "E",
                _ => null,
            };
            if (suffix is not null)
            {
                return number + suffix;
            }
        }

        return exponent == 0 ? number : number + "e" + exponent.ToString(CultureInfo.InvariantCulture);
    }

    private string BinaryString()
    {
        // Whole number here (scale ≥ 0): strip factors of 1024 into Ki…Ei. Kubernetes has no suffix past
        // Ei and would print the bare mantissa; stopping at Ei keeps the value right instead.
        var value = _unscaled * BigInteger.Pow(10, _scale);
        var negative = value.Sign < 0;
        value = BigInteger.Abs(value);
        var times = 0;
        while (times < 6 && value >= Binary1024 && (value % Binary1024).IsZero)
        {
            value /= Binary1024;
            times++;
        }

        var suffix = times switch { 1 => "Ki", 2 => "Mi", 3 => "Gi", 4 => "Ti", 5 => "Pi", 6 => "Ei", _ => "" };
        return (negative ? "-" : "") + value.ToString(CultureInfo.InvariantCulture) + suffix;
    }
}
