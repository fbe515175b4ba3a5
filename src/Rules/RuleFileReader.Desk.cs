using YamlDotNet.RepresentationModel;

namespace CityOps.Rules;

/// <summary>What the alarm desk reads from a rule: the <c>case:</c> block and its filing policy, maintenance, flapping, escalation and reminders.</summary>
internal sealed partial class RuleFileReader
{
    // The file's rule-set default (flapping: beside rules:), for every rule of the file without its own.
    private FlappingPolicy? _defaultFlapping;

    private FlappingPolicy? ReadFlapping(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> fields, string path)
    {
        const string Example = "e.g. flapping: { changes: 4, within: 20m }";
        if (!fields.TryGetValue("flapping", out var field) || IsNull(field.Value))
        {
            return null;
        }

        var flappingPath = Join(path, "flapping");
        if (field.Value is not YamlMappingNode map)
        {
            Add(field.Value, flappingPath, $"flapping is a mapping, {Example}");
            return null;
        }

        var flappingFields = Fields(map, flappingPath, _flappingKeys);
        int? changes = null;
        if (!flappingFields.TryGetValue("changes", out var changesField))
        {
            Add(map, Join(flappingPath, "changes"), $"flapping.changes is required: how many raises and clears make an alarm flapping, {Example}");
        }
        else if (ReadNumber(changesField.Value, Join(flappingPath, "changes")) is { } number)
        {
            if (number < 2 || number != Math.Floor(number) || number > 1000)
            {
                Add(changesField.Value, Join(flappingPath, "changes"), "flapping.changes is a whole number from 2 to 1000");
            }
            else
            {
                changes = (int)number;
            }
        }

        var within = OptionalDuration(flappingFields, flappingPath, "within");
        if (within is null && !flappingFields.ContainsKey("within"))
        {
            Add(map, Join(flappingPath, "within"), $"flapping.within is required: the window the changes are counted in, {Example}");
        }
        else if (within == TimeSpan.Zero)
        {
            Add(flappingFields["within"].Value, Join(flappingPath, "within"), "flapping.within needs a window longer than 0, e.g. within: 20m");
            within = null;
        }

        return changes is { } c && within is { } w ? new FlappingPolicy(c, w) : null;
    }

    // escalate: [ { after: 30m, to: red, unless: acknowledged } ]: steps in order, each later and higher than the one before,
    // every to above the rule's lowest severity (what an alarm can be raised at).
    private ImmutableArray<EscalationStep> ReadEscalate(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> fields, string path, Severity lowest)
    {
        const string Example = "e.g. escalate: [ { after: 30m, to: red, unless: acknowledged } ]";
        if (!fields.TryGetValue("escalate", out var field) || IsNull(field.Value))
        {
            return [];
        }

        var escalatePath = Join(path, "escalate");
        if (field.Value is not YamlSequenceNode list || list.Children.Count == 0)
        {
            Add(field.Value, escalatePath, $"escalate is a list of steps, {Example}");
            return [];
        }

        var steps = new List<EscalationStep>();
        var valid = true;
        EscalationStep? previous = null;
        for (var i = 0; i < list.Children.Count; i++)
        {
            var node = list.Children[i];
            var stepPath = $"{escalatePath}[{i}]";
            if (node is not YamlMappingNode map)
            {
                Add(node, stepPath, $"each escalation step is a mapping, {Example}");
                valid = false;
                continue;
            }

            var stepFields = Fields(map, stepPath, _escalateKeys);
            var after = OptionalDuration(stepFields, stepPath, "after");
            if (after is null && !stepFields.ContainsKey("after"))
            {
                Add(map, Join(stepPath, "after"), $"escalate.after is required: how long after the alarm was raised, {Example}");
            }
            else if (after == TimeSpan.Zero)
            {
                Add(stepFields["after"].Value, Join(stepPath, "after"), "escalate.after needs a time longer than 0, e.g. after: 30m");
                after = null;
            }

            Severity? to = null;
            if (OptionalText(stepFields, stepPath, "to") is not { } toText)
            {
                Add(stepFields.TryGetValue("to", out var toField) ? toField.Value : map, Join(stepPath, "to"), $"escalate.to is required: the severity to escalate to, {Example}");
            }
            else if (!SeverityNames.TryParse(toText, out var parsed) || parsed == Severity.None)
            {
                Add(stepFields["to"].Value, Join(stepPath, "to"), $"unknown severity '{toText}' in escalate.to; use blue, yellow, orange or red");
            }
            else if (lowest != Severity.None && parsed <= lowest)
            {
                Add(stepFields["to"].Value, Join(stepPath, "to"), $"escalate.to must be above the rule's lowest severity ({Name(lowest)}): an alarm is raised at {Name(lowest)} at least");
            }
            else
            {
                to = parsed;
            }

            var unlessAcknowledged = false;
            switch (OptionalText(stepFields, stepPath, "unless"))
            {
                case null:
                    break;
                case "acknowledged":
                    unlessAcknowledged = true;
                    break;
                case var other:
                    Add(stepFields["unless"].Value, Join(stepPath, "unless"), $"unknown unless: '{other}'; the only condition is unless: acknowledged (leave it out to escalate regardless)");
                    valid = false;
                    break;
            }

            if (after is not { } a || to is not { } t)
            {
                valid = false;
                continue;
            }

            var step = new EscalationStep(a, t, unlessAcknowledged);
            if (previous is not null && (step.After <= previous.After || step.To <= previous.To))
            {
                Add(map, stepPath, $"escalation steps go in order: each after later and to higher than the step before ({Durations.Format(previous.After)} to {Name(previous.To)})");
                valid = false;
            }

            previous = step;
            steps.Add(step);
        }

        return valid ? [.. steps] : [];
    }

    private TimeSpan? ReadRemind(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> fields, string path)
    {
        var remind = OptionalDuration(fields, path, "remind");
        if (remind is { } every && every < TimeSpan.FromMinutes(1))
        {
            Add(fields["remind"].Value, Join(path, "remind"), "remind needs an interval of at least 1m, e.g. remind: 15m (a reminder more often floods the hall and the webhook)");
            return null;
        }

        return remind;
    }

    private bool ReadMaintenance(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> fields, string path)
    {
        switch (OptionalText(fields, path, "maintenance"))
        {
            case null or "false":
                return false;
            case "true":
                return true;
            default:
                Add(fields["maintenance"].Value, Join(path, "maintenance"), "maintenance is true or false (true: a device-health rule whose alarms go to the upkeep queue, never a case)");
                return false;
        }
    }

    private CaseTemplate? ReadCase(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> fields, YamlMappingNode rule, string path, bool maintenance)
    {
        var casePath = Join(path, "case");
        const string Example = "e.g. case: { code: \"0406\", title: \"道路积水 {value} cm\" }";
        if (maintenance && (!fields.TryGetValue("case", out var maintenanceCase) || IsNull(maintenanceCase.Value)))
        {
            // A device-health rule files no case; its alarm still needs a title for the upkeep queue.
            return new CaseTemplate("", "设备维护");
        }

        if (!fields.TryGetValue("case", out var field) || IsNull(field.Value))
        {
            Add(fields.ContainsKey("case") ? field.Value : rule, casePath, $"case is required: the code and title of the case the rule raises, {Example}");
            return null;
        }

        if (field.Value is not YamlMappingNode map)
        {
            Add(field.Value, casePath, $"case is a mapping with code and title, {Example}");
            return null;
        }

        var caseFields = Fields(map, casePath, _caseKeys);
        var code = RequiredText(caseFields, map, casePath, "code", "case.code is required: a GB/T 30428 code such as \"0406\", or \"{device.code}\"");
        var title = RequiredText(caseFields, map, casePath, "title", "case.title is required: what the dispatcher reads, e.g. \"道路积水 {value} cm\"");
        var valid = CheckTemplate(caseFields, casePath, "code", code) & CheckTemplate(caseFields, casePath, "title", title);
        var (file, fileFrom, policyValid) = ReadFilingPolicy(caseFields, casePath, maintenance);
        var codeType = OptionalText(caseFields, casePath, "codeType");
        if (codeType is not null and not "component" and not "event")
        {
            Add(caseFields["codeType"].Value, Join(casePath, "codeType"), $"unknown codeType '{codeType}'; use component (部件) or event (事件)");
            valid = false;
        }
        else if (valid && code is not null && !code.Contains('{', StringComparison.Ordinal) && _options.CaseCodes is { } codes && !codes.Knows(code, codeType))
        {
            Add(caseFields["code"].Value, Join(casePath, "code"), $"'{code}' is not in the {codeType switch { "component" => "部件 (component)", "event" => "事件 (event)", _ => "部件 or 事件" }} code table in force (CityOps:Codes)");
            valid = false;
        }

        return code is null || title is null || !valid || !policyValid ? null : new CaseTemplate(code, title, file, fileFrom, codeType);
    }

    private (FilingMode File, Severity? FileFrom, bool Valid) ReadFilingPolicy(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> fields, string path, bool maintenance)
    {
        var valid = true;
        var file = FilingMode.Auto;
        switch (OptionalText(fields, path, "file"))
        {
            case null or "auto":
                break;
            case "confirm":
                file = FilingMode.Confirm;
                break;
            case "never":
                file = FilingMode.Never;
                break;
            case var other:
                Add(fields["file"].Value, Join(path, "file"), $"unknown file: '{other}'; use auto (file at once), confirm (wait for a person's file) or never (alarm only)");
                valid = false;
                break;
        }

        Severity? fileFrom = null;
        if (OptionalText(fields, path, "fileFrom") is { } fromText)
        {
            if (!SeverityNames.TryParse(fromText, out var from) || from == Severity.None)
            {
                Add(fields["fileFrom"].Value, Join(path, "fileFrom"), $"unknown severity '{fromText}' in fileFrom; use blue, yellow, orange or red");
                valid = false;
            }
            else if (file != FilingMode.Auto)
            {
                Add(fields["fileFrom"].Value, Join(path, "fileFrom"), "fileFrom applies to file: auto (auto-file from that severity up, confirm below it); leave it out or drop file:");
                valid = false;
            }
            else
            {
                fileFrom = from;
            }
        }

        if (maintenance && (fields.ContainsKey("file") || fields.ContainsKey("fileFrom")))
        {
            var key = fields.ContainsKey("file") ? "file" : "fileFrom";
            Add(fields[key].Key, Join(path, key), "a maintenance: true rule never files a case; leave out file and fileFrom");
            valid = false;
        }

        return (file, fileFrom, valid);
    }

    private bool CheckTemplate(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> fields, string path, string key, string? template)
    {
        if (template is null || CaseTemplate.TryGetPlaceholders(template, out _, out var problem))
        {
            return true;
        }

        Add(fields[key].Value, Join(path, key), problem!);
        return false;
    }
}
