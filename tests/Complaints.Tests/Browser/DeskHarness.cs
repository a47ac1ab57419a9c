using System.Diagnostics;
using Complaints.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Complaints.Tests.Browser;

/// <summary>
/// The desk as a real process on a real port, signed in through the real issuer, against the
/// platform's real services and broker, driven by Debian's Chromium through Playwright (never a
/// downloaded browser). Started once per test run by <see cref="PlatformFixture.DeskAsync"/>.
/// </summary>
public sealed class DeskHarness : IAsyncDisposable
{
    private readonly Process process;
    private readonly IPlaywright playwright;
    private readonly string logPath;

    public IBrowser Browser { get; }
    public string Address { get; }
    /// <summary>Where the tests leave screenshots of each role's main page (docs/desk.md uses them).</summary>
    public string ScreenshotDirectory { get; }

    private DeskHarness(Process process, IPlaywright playwright, IBrowser browser, string address, string logPath, string screenshots)
    {
        this.process = process;
        this.playwright = playwright;
        this.logPath = logPath;
        Browser = browser;
        Address = address;
        ScreenshotDirectory = screenshots;
    }

    public static string ChromiumPath()
    {
        var path = Environment.GetEnvironmentVariable("COMPLAINTS_TEST_CHROMIUM") ?? "/usr/bin/chromium";
        if (!File.Exists(path))
            throw new InvalidOperationException(
                $"The browser tests need Chromium at {path}: run eng/infra.sh up (it installs Debian's chromium as root) " +
                "or apt-get install chromium, or set COMPLAINTS_TEST_CHROMIUM. Never run Playwright's own browser download.");
        return path;
    }

    public static async Task<DeskHarness> StartAsync(PlatformFixture platform)
    {
        var chromium = ChromiumPath();
        var root = RepositoryRoot();
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name; // bin/<Configuration>/net10.0
        var dll = Path.Combine(root, "services", "desk", "Complaints.Desk", "bin", configuration, "net10.0", "Complaints.Desk.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"The desk is not built at {dll}; build Complaints.sln first");

        var port = Infrastructure.TestPorts.Reserve();
        var address = $"http://127.0.0.1:{port}";
        var local = Path.Combine(root, ".local", "desk-tests");
        Directory.CreateDirectory(local);
        var logPath = Path.Combine(local, "desk.log");
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", address])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var settings = new Dictionary<string, string>
        {
            ["Desk__Authority"] = platform.IssuerAddress,
            ["Desk__RequireHttpsMetadata"] = "false",
            ["Desk__ClientId"] = "desk",
            ["Desk__ClientSecret"] = "dev-desk-secret",
            ["Desk__Intake"] = PlatformFixture.AddressOf(platform.IntakeApp),
            ["Desk__Routing"] = PlatformFixture.AddressOf(platform.RoutingApp),
            ["Desk__Resolution"] = PlatformFixture.AddressOf(platform.ResolutionApp),
            ["Desk__Followup"] = PlatformFixture.AddressOf(platform.FollowupApp),
            ["Desk__Audit"] = PlatformFixture.AddressOf(platform.IntakeApp),
            ["ConnectionStrings__RabbitMq"] = platform.BrokerAddress.ToString(),
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in settings) start.Environment[key] = value;
        var process = Process.Start(start)!;
        var log = new StreamWriter(logPath, append: false) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient();
        await PlatformFixture.UntilAsync(async () =>
        {
            if (process.HasExited) throw new InvalidOperationException($"The desk exited with {process.ExitCode}; see {logPath}");
            try { return (await http.GetAsync($"{address}/healthz/ready")).IsSuccessStatusCode; }
            catch (HttpRequestException) { return false; }
        }, "the desk answers its health check");

        // Assertions poll the page until it shows what they expect; on a busy CI machine a first
        // sign-in (issuer, callback, a cold circuit) can take several seconds, more than the default 5.
        Assertions.SetDefaultExpectTimeout(30_000);
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = chromium, Headless = true });
        return new DeskHarness(process, playwright, browser, address, logPath, Path.Combine(local, "screenshots"));
    }

    /// <summary>A fresh browser (its own cookies) in which <paramref name="person"/> has signed in at the issuer; on their landing page.</summary>
    public async Task<IPage> SignInAsync(string person, string? path = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(Address + (path ?? "/"));
        await page.FillAsync("#username", person);
        await page.FillAsync("#password", "demo-" + person);
        await page.ClickAsync("button[type=submit]");
        // Back through the issuer's form post and the desk's callback: the desk's header names the person.
        await Assertions.Expect(page.Locator("#signed-in-as")).ToContainTextAsync(person);
        return page;
    }

    public async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = false });
    }

    public string RecentLog()
    {
        try { return string.Join('\n', File.ReadLines(logPath).TakeLast(40)); }
        catch (IOException) { return ""; }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Complaints.sln"))) return dir.FullName;
        throw new InvalidOperationException("Complaints.sln not found above the test binaries");
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright.Dispose();
        if (!process.HasExited) { process.Kill(entireProcessTree: true); await process.WaitForExitAsync(); }
        process.Dispose();
    }
}
