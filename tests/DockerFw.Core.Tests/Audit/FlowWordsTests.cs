using DockerFw.Core.Audit;
using DockerFw.Core.Audit.Analysis;

namespace DockerFw.Tests.Audit;

public sealed class FlowWordsTests
{
    [Fact]
    public void A_flow_for_any_source_port_says_nothing_of_them()
    {
        Assert.Equal("tcp/5432", FlowWords.Of(new AllowedFlow("tcp", "5432", null, "connection")));
    }

    [Fact]
    public void A_flow_that_holds_from_one_source_port_names_it()
    {
        Assert.Equal("tcp from source port 5432 to 172.17.0.3",
            FlowWords.Of(new AllowedFlow("tcp", null, "172.17.0.3", "connection", SourcePorts: "5432")));
    }

    [Fact]
    public void A_flow_that_holds_from_several_source_ports_names_them_and_its_kind()
    {
        Assert.Equal("tcp/80 from source ports 0-20989,20991-65535 (one-way: replies blocked)",
            FlowWords.Of(new AllowedFlow("tcp", "80", null, "one-way", SourcePorts: "0-20989,20991-65535")));
    }
}
