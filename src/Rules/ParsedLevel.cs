using YamlDotNet.RepresentationModel;

namespace CityOps.Rules;

/// <summary>A level as written, with the nodes needed to point errors at the right spot; internal to parsing.</summary>
internal sealed record ParsedLevel(
    string Path,
    YamlNode Node,
    Severity Severity,
    YamlNode? SeverityNode,
    ThresholdDirection? Direction,
    double Threshold,
    YamlNode? ThresholdNode)
{
    public string ThresholdKey => Direction == ThresholdDirection.Below ? "below" : "above";
}
