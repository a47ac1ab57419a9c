using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Complaints.Tests.Infrastructure;

/// <summary>
/// Keeps what the services log (their own information, everyone's warnings and errors), so a test
/// that times out can say what went wrong inside, and tests can check that no personal data is logged.
/// </summary>
public sealed class WarningLog : ILoggerProvider
{
    private readonly ConcurrentQueue<string> entries = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public string Recent(int count = 15) => string.Join(Environment.NewLine, entries.TakeLast(count));

    public IReadOnlyList<string> All() => entries.ToArray();

    public void Dispose() { }

    private sealed class Logger(WarningLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            log.entries.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)} {exception?.GetType().Name} {exception?.Message}");
        }
    }
}
