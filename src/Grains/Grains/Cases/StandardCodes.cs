namespace CityOps.Grains.Cases;

/// <summary>
/// The default 部件/事件 tables (GB/T 30428.2 / CJ/T 214 practice, DOMAIN.md) and their default 处置时限. 21xx are local
/// extension classes: 部件 2101 is the waterlogging gauge itself (a device, not a 城管 part of class 04/06), 事件
/// 2101-2103 are muck-truck events.
/// </summary>
internal static class StandardCodes
{
    public static readonly IReadOnlyDictionary<(CodeType, string), string> MajorClasses = new Dictionary<(CodeType, string), string>
    {
        [(CodeType.Component, "01")] = "公用设施",
        [(CodeType.Component, "02")] = "道路交通",
        [(CodeType.Component, "03")] = "市容环境",
        [(CodeType.Component, "04")] = "园林绿化",
        [(CodeType.Component, "05")] = "房屋土地",
        [(CodeType.Component, "06")] = "其他设施",
        [(CodeType.Component, "21")] = "扩展部件",
        [(CodeType.Event, "01")] = "市容环境",
        [(CodeType.Event, "02")] = "宣传广告",
        [(CodeType.Event, "03")] = "施工管理",
        [(CodeType.Event, "04")] = "突发事件",
        [(CodeType.Event, "05")] = "街面秩序",
        [(CodeType.Event, "21")] = "扩展事件",
    };

    public static readonly IReadOnlyList<CaseCode> Codes =
    [
        Component("0101", "上水井盖", 6), Component("0102", "污水井盖", 6), Component("0103", "雨水井盖", 6),
        Component("0104", "雨水箅子", 6), Component("0105", "电力井盖", 6), Component("0106", "路灯井盖", 6),
        Component("0107", "通讯井盖", 6), Component("0108", "电视井盖", 6), Component("0109", "网络井盖", 6),
        Component("0110", "热力井盖", 6), Component("0111", "燃气井盖", 3), Component("0112", "公安井盖", 6),
        Component("0114", "无主井盖", 6), Component("0118", "路灯", 24), Component("0120", "景观灯", 24),
        Component("2101", "积水监测设备", 24),
        // Local extension (class 21, as 2101): a bridge's structural monitoring; the standard's 道路交通 class has no bridge part.
        Component("2102", "桥梁结构监测", 4),
        Event("0201", "非法小广告", 24), Event("0401", "路面塌陷", 2), Event("0402", "自来水管破裂", 4),
        Event("0403", "燃气管道破裂", 1), Event("0404", "下水道堵塞或破损", 24), Event("0405", "供暖管道破裂", 4),
        Event("0406", "道路积水", 4), Event("0407", "道路积雪结冰", 4),
        Event("2101", "渣土车偏离线路", 1), Event("2102", "渣土车超速", 1), Event("2103", "渣土车未密闭", 1),
    ];

    private static CaseCode Component(string code, string name, int hours) => new(CodeType.Component, code, name, null, TimeSpan.FromHours(hours));

    private static CaseCode Event(string code, string name, int hours) => new(CodeType.Event, code, name, null, TimeSpan.FromHours(hours));
}
