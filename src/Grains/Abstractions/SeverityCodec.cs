using System.Buffers;
using Orleans.Serialization.Buffers;
using Orleans.Serialization.Codecs;
using Orleans.Serialization.WireProtocol;

namespace CityOps.Grains;

/// <summary>
/// <see cref="Severity"/> in Orleans messages and grain state: written as an Int32, as Orleans writes the other enums here
/// (an alarm record stored before keeps its bytes). Also reads the lower-case name that the incident state and the case,
/// alarm and incident records carried before severity was typed, so a grain state written then still loads.
/// </summary>
[RegisterSerializer]
public sealed class SeverityCodec : IFieldCodec<Severity>
{
    public void WriteField<TBufferWriter>(ref Writer<TBufferWriter> writer, uint fieldIdDelta, [System.Diagnostics.CodeAnalysis.AllowNull] Type expectedType, Severity value)
        where TBufferWriter : IBufferWriter<byte> =>
        Int32Codec.WriteField(ref writer, fieldIdDelta, expectedType, (int)value, typeof(int));

    public Severity ReadValue<TInput>(ref Reader<TInput> reader, Field field) =>
        field.WireType is WireType.LengthPrefixed or WireType.Reference
            ? WireNames.TryParse<Severity>(StringCodec.ReadValue(ref reader, field), out var named) ? named : Severity.None
            : (Severity)Int32Codec.ReadValue(ref reader, field);
}
