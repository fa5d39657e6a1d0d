using System.Globalization;
using System.Numerics;

namespace Kura.Model.Quantities;

/// <summary>
/// k8s.io/apimachinery/pkg/api/resource.Quantity: an exact decimal amount (unscaled × 10^scale, never a
/// float) plus the format it prints in. Values compare and hash by amount across formats; parsing keeps
/// nano precision (finer values round away from zero), caps BinarySI at 2^63-1, and the string form is
/// Kubernetes' canonical one (1.5Gi → 1536Mi, 0.5 → 500m, 1000M → 1G).
/// </summary>
public readonly partial struct Quantity : IComparable<Quantity>, IEquatable<Quantity>
{
    // Invariant: _unscaled has no trailing decimal zeros, and zero is (0, 0). Equal amounts are
    // therefore equal fields, which makes Equals/GetHashCode cheap.
    private readonly BigInteger _unscaled;
    private readonly int _scale;

    // The parsed text when Kubernetes' parser keeps it verbatim as the quantity's string (its `s` cache).
    private readonly string? _text;

    private Quantity(BigInteger unscaled, int scale, QuantityFormat format, string? text = null)
    {
        if (unscaled.IsZero)
        {
            scale = 0;
        }
        else
        {
            while (unscaled % 10 == 0)
            {
                unscaled /= 10;
                scale = checked(scale + 1);
            }
        }

        _unscaled = unscaled;
        _scale = scale;
        Format = format;
        _text = text;
    }

    /// <summary>An exact decimal amount (resource.NewDecimalQuantity: no rounding).</summary>
    public Quantity(decimal value, QuantityFormat format)
        : this(DecimalUnscaled(value, out var scale), scale, format)
    {
    }

    public QuantityFormat Format { get; }

    /// <summary>The amount as a decimal, clamped to decimal's range (exact for any realistic quantity).</summary>
    public decimal Amount => ToDecimal();

    /// <summary>-1, 0 or 1.</summary>
    public int Sign => _unscaled.Sign;

    public bool IsZero => _unscaled.IsZero;

    /// <summary>Quantity.Value(): the amount rounded up (away from zero) to an integer; saturates at long's range.</summary>
    public long Value => ScaledValue(0);

    /// <summary>Quantity.MilliValue(): ceil(amount × 1000), away from zero; saturates at long's range.</summary>
    public long MilliValue => ScaledValue(-3);

    /// <summary>resource.NewQuantity(bytes, BinarySI): 1073741824 → "1Gi".</summary>
    public static Quantity FromBytes(long bytes) => new(bytes, 0, QuantityFormat.BinarySI);

    /// <summary>resource.NewQuantity(value, format).</summary>
    public static Quantity FromInt64(long value, QuantityFormat format) => new(value, 0, format);

    /// <summary>resource.NewMilliQuantity(milli, format): milli/1000.</summary>
    public static Quantity FromMilli(long milli, QuantityFormat format) => new(milli, -3, format);

    /// <summary>resource.NewScaledQuantity: value × 10^scale in DecimalSI.</summary>
    public static Quantity FromScaled(long value, int scale) => new(value, scale, QuantityFormat.DecimalSI);

    /// <summary>The same amount in another format (the string cache is dropped).</summary>
    public Quantity WithFormat(QuantityFormat format) => new(_unscaled, _scale, format);

    /// <summary>Quantity.Add: the sum; a zero receiver takes the other's format.</summary>
    public Quantity Add(Quantity other)
    {
        var format = IsZero ? other.Format : Format;
        var (a, b, scale) = Align(this, other);
        return new Quantity(a + b, scale, format);
    }

    /// <summary>Quantity.Sub: the difference; a zero receiver takes the other's format.</summary>
    public Quantity Subtract(Quantity other)
    {
        var format = IsZero ? other.Format : Format;
        var (a, b, scale) = Align(this, other);
        return new Quantity(a - b, scale, format);
    }

    /// <summary>Quantity.Neg.</summary>
    public Quantity Negate() => new(-_unscaled, _scale, Format);

    /// <summary>Quantity.Mul by an integer.</summary>
    public Quantity Multiply(long factor) => new(_unscaled * factor, _scale, Format);

    public static Quantity operator +(Quantity a, Quantity b) => a.Add(b);

    public static Quantity operator -(Quantity a, Quantity b) => a.Subtract(b);

    public static Quantity operator -(Quantity a) => a.Negate();

    /// <summary>Quantity.Cmp: numeric order, whatever the formats.</summary>
    public int CompareTo(Quantity other)
    {
        if (Sign != other.Sign)
        {
            return Sign.CompareTo(other.Sign);
        }

        if (IsZero)
        {
            return 0;
        }

        // Order by the position of the leading digit first so wildly different exponents never get
        // expanded into huge integers; only same-magnitude values are aligned digit by digit.
        var magnitude = ((long)DigitCount(_unscaled) + _scale).CompareTo((long)DigitCount(other._unscaled) + other._scale);
        if (magnitude != 0)
        {
            return Sign > 0 ? magnitude : -magnitude;
        }

        var (a, b, _) = Align(this, other);
        return a.CompareTo(b);
    }

    public bool Equals(Quantity other) => _scale == other._scale && _unscaled == other._unscaled;

    public override bool Equals(object? obj) => obj is Quantity q && Equals(q);

    public override int GetHashCode() => HashCode.Combine(_unscaled, _scale);

    public static bool operator ==(Quantity a, Quantity b) => a.Equals(b);

    public static bool operator !=(Quantity a, Quantity b) => !a.Equals(b);

    public static bool operator <(Quantity a, Quantity b) => a.CompareTo(b) < 0;

    public static bool operator >(Quantity a, Quantity b) => a.CompareTo(b) > 0;

    public static bool operator <=(Quantity a, Quantity b) => a.CompareTo(b) <= 0;

    public static bool operator >=(Quantity a, Quantity b) => a.CompareTo(b) >= 0;

    /// <summary>Quantity.ScaledValue: ceil(amount / 10^scale) away from zero, saturating at long's range.</summary>
    public long ScaledValue(int scale)
    {
        if (IsZero)
        {
            return 0;
        }

        var shift = (long)_scale - scale;
        BigInteger result;
        if (shift >= 0)
        {
            if (DigitCount(_unscaled) + shift > 19)
            {
                return Sign > 0 ? long.MaxValue : long.MinValue;
            }

            result = _unscaled * BigInteger.Pow(10, (int)shift);
        }
        else if (-shift > DigitCount(_unscaled))
        {
            return Sign;
        }
        else
        {
            result = BigInteger.DivRem(_unscaled, BigInteger.Pow(10, (int)-shift), out var rem);
            if (!rem.IsZero)
            {
                result += Sign;
            }
        }

        return result > long.MaxValue ? long.MaxValue : result < long.MinValue ? long.MinValue : (long)result;
    }

    private decimal ToDecimal()
    {
        if (IsZero)
        {
            return 0m;
        }

        if (_scale < 0 && _scale >= -28)
        {
            var digits = BigInteger.Abs(_unscaled);
            if (digits.GetBitLength() <= 96)
            {
                var bytes = new byte[12];
                digits.TryWriteBytes(bytes, out _, isUnsigned: true);
                return new decimal(BitConverter.ToInt32(bytes, 0), BitConverter.ToInt32(bytes, 4), BitConverter.ToInt32(bytes, 8), Sign < 0, (byte)-_scale);
            }
        }

        return decimal.TryParse(ToPlainString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            ? d
            : Sign > 0 ? decimal.MaxValue : decimal.MinValue;
    }

    private string ToPlainString() => _unscaled.ToString(CultureInfo.InvariantCulture) + "e" + _scale.ToString(CultureInfo.InvariantCulture);

    private static BigInteger DecimalUnscaled(decimal value, out int scale)
    {
        var bits = decimal.GetBits(value);
        scale = -((bits[3] >> 16) & 0xFF);
        var magnitude = ((BigInteger)(uint)bits[2] << 64) | ((BigInteger)(uint)bits[1] << 32) | (uint)bits[0];
        return value < 0 ? -magnitude : magnitude;
    }

    private static (BigInteger A, BigInteger B, int Scale) Align(Quantity x, Quantity y)
    {
        if (x.IsZero)
        {
            return (BigInteger.Zero, y._unscaled, y._scale);
        }

        if (y.IsZero)
        {
            return (x._unscaled, BigInteger.Zero, x._scale);
        }

        return x._scale >= y._scale
            ? (x._unscaled * BigInteger.Pow(10, x._scale - y._scale), y._unscaled, y._scale)
            : (x._unscaled, y._unscaled * BigInteger.Pow(10, y._scale - x._scale), x._scale);
    }

    private static int DigitCount(BigInteger value)
    {
        value = BigInteger.Abs(value);
        return value <= ulong.MaxValue
            ? ((ulong)value).ToString(CultureInfo.InvariantCulture).Length
            : value.ToString(CultureInfo.InvariantCulture).Length;
    }
}
