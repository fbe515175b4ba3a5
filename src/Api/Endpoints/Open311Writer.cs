using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml;

namespace CityOps.Api.Endpoints;

/// <summary>Writes Open311 lists (and errors) as JSON arrays or as XML documents.</summary>
internal static class Open311Writer
{
    public static IResult Write(string format, string root, string element, IEnumerable<IReadOnlyList<(string Name, object? Value)>> items) =>
        format == "xml" ? Xml(root, element, items) : Json(items);

    public static IResult Error(string format, int status, string description) =>
        format == "xml"
            ? TypedResults.Content(XmlDocument("errors", "error", [[("code", status), ("description", description)]]), "text/xml; charset=utf-8", Encoding.UTF8, status)
            : TypedResults.Content(JsonText([[("code", status), ("description", description)]]), "application/json; charset=utf-8", Encoding.UTF8, status);

    private static Microsoft.AspNetCore.Http.HttpResults.ContentHttpResult Json(IEnumerable<IReadOnlyList<(string Name, object? Value)>> items) =>
        TypedResults.Content(JsonText(items), "application/json; charset=utf-8", Encoding.UTF8);

    private static Microsoft.AspNetCore.Http.HttpResults.ContentHttpResult Xml(string root, string element, IEnumerable<IReadOnlyList<(string Name, object? Value)>> items) =>
        TypedResults.Content(XmlDocument(root, element, items), "text/xml; charset=utf-8", Encoding.UTF8);

    private static string JsonText(IEnumerable<IReadOnlyList<(string Name, object? Value)>> items)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartArray();
            foreach (var item in items)
            {
                json.WriteStartObject();
                foreach (var (name, value) in item)
                {
                    switch (value)
                    {
                        case null:
                            json.WriteNull(name);
                            break;
                        case bool b:
                            json.WriteBoolean(name, b);
                            break;
                        case double d:
                            json.WriteNumber(name, d);
                            break;
                        case int i:
                            json.WriteNumber(name, i);
                            break;
                        default:
                            json.WriteString(name, Convert.ToString(value, CultureInfo.InvariantCulture));
                            break;
                    }
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string XmlDocument(string root, string element, IEnumerable<IReadOnlyList<(string Name, object? Value)>> items)
    {
        var text = new StringBuilder();
        using (var xml = XmlWriter.Create(text, new XmlWriterSettings { Encoding = Encoding.UTF8, Indent = false }))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement(root);
            foreach (var item in items)
            {
                xml.WriteStartElement(element);
                foreach (var (name, value) in item)
                {
                    xml.WriteElementString(name, XmlSafe(value switch
                    {
                        null => "",
                        bool b => b ? "true" : "false",
                        double d => d.ToString("R", CultureInfo.InvariantCulture),
                        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
                    }));
                }

                xml.WriteEndElement();
            }

            xml.WriteEndElement();
            xml.WriteEndDocument();
        }

        // StringBuilder output declares utf-16; the body is sent as UTF-8.
        return text.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"", StringComparison.Ordinal);
    }

    /// <summary>
    /// XML 1.0 cannot carry most control characters, even escaped; one in a case title made the whole list fail.
    /// Each is replaced by U+FFFD (what a decoder shows for an unreadable character), the rest of the text kept.
    /// </summary>
    public static string XmlSafe(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        StringBuilder? safe = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var pair = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            if (pair || XmlConvert.IsXmlChar(c))
            {
                safe?.Append(c);
                if (pair)
                {
                    safe?.Append(text[++i]);
                }

                continue;
            }

            safe ??= new StringBuilder(text, 0, i, text.Length);
            safe.Append('\uFFFD');
        }

        return safe?.ToString() ?? text;
    }
}
