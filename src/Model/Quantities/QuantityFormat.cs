namespace Kura.Model.Quantities;

/// <summary>
/// How a quantity is written, remembered from the suffix it was parsed with
/// (resource.Format: DecimalSI "12M", BinarySI "12Mi", DecimalExponent "12e6").
/// </summary>
public enum QuantityFormat
{
    DecimalSI,
    BinarySI,
    DecimalExponent,
}
