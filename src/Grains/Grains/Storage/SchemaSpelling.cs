using System.Text.RegularExpressions;

namespace CityOps.Grains.Storage;

/// <summary>
/// How one database spells what the shared schema script (<c>Storage/cityops-schema.sql</c>) leaves as placeholders;
/// the script's header lists them. Every placeholder has a spelling here, and a name the script uses that has none
/// stops start-up, so no <c>{name}</c> ever reaches a database.
/// </summary>
/// <param name="BigInt"><c>{bigint}</c>: a 64-bit integer column.</param>
/// <param name="Bytes"><c>{bytes}</c>: a byte-string column.</param>
/// <param name="Bool"><c>{bool}</c>: a flag column.</param>
/// <param name="LogSeq"><c>{log_seq}</c>: the key of an event log numbered by CityOps, never reused.</param>
/// <param name="SerialSeq"><c>{serial_seq}</c>: the key of a log numbered by the database.</param>
/// <param name="WithoutRowId"><c>{without_rowid}</c>: after a table that has its own key and no use for a rowid.</param>
public sealed partial record SchemaSpelling(string BigInt, string Bytes, string Bool, string LogSeq, string SerialSeq, string WithoutRowId)
{
    /// <summary>CityOps's tables in this spelling.</summary>
    public string CityOpsSchema() => Fill(SqlDialect.EmbeddedScript("CityOps.Grains.Storage.cityops-schema.sql"));

    /// <summary><paramref name="script"/> with every placeholder spelled.</summary>
    public string Fill(string script) => Placeholder().Replace(script, match => match.Groups[1].Value switch
    {
        "bigint" => BigInt,
        "bytes" => Bytes,
        "bool" => Bool,
        "log_seq" => LogSeq,
        "serial_seq" => SerialSeq,
        "without_rowid" => WithoutRowId,
        var other => throw new InvalidOperationException($"the schema script names a placeholder {{{other}}} that no dialect spells"),
    });

    [GeneratedRegex(@"\{([a-z_]+)\}")]
    private static partial Regex Placeholder();
}
