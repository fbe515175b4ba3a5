using CityOps.Rules;

namespace CityOps.Tests.Rules;

public class CaseTemplateTests
{
    private static string? Resolve(string name) => name switch
    {
        "value" => "27.5",
        "device.code" => "3205820102048188",
        "severity" => "orange",
        _ => null,
    };

    [Fact]
    public void Placeholders_are_replaced_by_the_callers_values()
    {
        var template = new CaseTemplate("{device.code}", "道路积水 {value} cm ({severity})");

        Assert.Equal("3205820102048188", template.RenderCode(Resolve));
        Assert.Equal("道路积水 27.5 cm (orange)", template.RenderTitle(Resolve));
    }

    [Fact]
    public void Unresolved_placeholders_render_as_nothing()
    {
        Assert.Equal("井盖  离线", new CaseTemplate("0102", "井盖 {device.name} 离线").RenderTitle(Resolve));
    }

    [Fact]
    public void Doubled_braces_are_literal()
    {
        Assert.Equal("{value} = 27.5", CaseTemplate.Render("{{value}} = {value}", Resolve));
    }

    [Fact]
    public void Template_without_placeholders_is_returned_as_is()
    {
        var title = "井盖开启";

        Assert.Same(title, CaseTemplate.Render(title, _ => throw new InvalidOperationException("not called")));
    }

    [Theory]
    [InlineData("{value} cm", true)]
    [InlineData("{{literal}}", true)]
    [InlineData("{value cm", false)]
    [InlineData("value} cm", false)]
    [InlineData("{} cm", false)]
    public void Malformed_templates_are_detected(string template, bool valid)
    {
        Assert.Equal(valid, CaseTemplate.TryGetPlaceholders(template, out _, out var problem));
        Assert.Equal(valid, problem is null);
    }
}
