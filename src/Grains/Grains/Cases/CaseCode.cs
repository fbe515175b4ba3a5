namespace CityOps.Grains.Cases;

/// <summary>One entry of a 部件 or 事件 code table: its name, its major class (大类) name and its default 处置时限.</summary>
public sealed record CaseCode(CodeType Type, string Code, string Name, string? Group, TimeSpan Deadline);
