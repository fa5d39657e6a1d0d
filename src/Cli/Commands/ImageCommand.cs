using System.Globalization;
using Kura.Cli.Local;
using Kura.Node.Images;

namespace Kura.Cli.Commands;

/// <summary>
/// `kura image load FILE` (like `kind load image-archive` / `docker load`: a `docker save` or OCI
/// archive into the image store every embedded node uses) and `kura image list`.
/// </summary>
public static class ImageCommand
{
    public static async Task<int> LoadAsync(KuraHome home, string file, CancellationToken ct)
    {
        if (!File.Exists(file))
        {
            Console.Error.WriteLine($"kura: no such file: {file}");
            return 1;
        }

        try
        {
            foreach (var reference in await new ImageStore(home.ImagesRoot).LoadArchiveAsync(file, ct))
            {
                Console.WriteLine($"Loaded image: {reference}");
            }

            return 0;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or FormatException or System.Text.Json.JsonException or ImagePullException)
        {
            Console.Error.WriteLine($"kura: cannot load {file}: {e.Message}");
            return 1;
        }
    }

    public static int List(KuraHome home)
    {
        var images = new ImageStore(home.ImagesRoot).List();
        var width = Math.Max(5, images.Select(i => i.Reference.Length).DefaultIfEmpty(0).Max());
        Console.WriteLine($"{"IMAGE".PadRight(width)}   {"ID",-15}   SIZE");
        foreach (var image in images.OrderBy(i => i.Reference, StringComparer.Ordinal))
        {
            var id = image.Id.Replace("sha256:", "", StringComparison.Ordinal);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{image.Reference.PadRight(width)}   {id[..Math.Min(12, id.Length)],-15}   {Size(image.Size)}"));
        }

        return 0;
    }

    private static string Size(long bytes) => bytes switch
    {
        >= 1 << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1 << 30):0.0}GiB"),
        >= 1 << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1 << 20):0.0}MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0}KiB"),
    };
}
