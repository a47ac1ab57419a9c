using Complaints.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace Complaints.Tests.Unit;

/// <summary>What a service does when started with no settings: the safe thing.</summary>
public sealed class SafeDefaultsTests
{
    [Fact]
    public void Outside_Development_a_missing_connection_string_stops_the_service_instead_of_using_a_built_in_one()
    {
        // Empty builders: no environment variables, so nothing set by eng/infra.sh leaks in.
        var production = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        var error = Assert.Throws<InvalidOperationException>(() => ComplaintsSettings.Postgres(production));
        Assert.Contains("ConnectionStrings__Postgres", error.Message);
        Assert.Throws<InvalidOperationException>(() => ComplaintsSettings.RabbitMq(production));

        var development = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        Assert.Contains("Port=55432", ComplaintsSettings.Postgres(development));
    }

    [Fact]
    public void No_service_runs_the_relay_unless_told_to()
    {
        foreach (var settings in Directory.GetFiles(Path.Combine(RepositoryRoot(), "services"), "appsettings*.json", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")))
        {
            var configuration = new ConfigurationBuilder().AddJsonFile(settings).Build();
            Assert.False(configuration.GetValue(ComplaintsSettings.RunEventRelayKey, false), $"{settings} turns the relay on");
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Complaints.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Complaints.sln not found above the test binaries");
    }
}
