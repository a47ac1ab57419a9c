namespace Complaints.Contracts.Events;

// The events of a complaint's stream in Marten. Every service appends to the same stream,
// and the event relay publishes each committed event on RabbitMQ as it is: these records are
// therefore both the audit record and the integration contract. Evolve them by adding
// optional members only; never rename or remove one.

/// <summary>A channel system filed a complaint; the stream starts here.</summary>
public sealed record ComplaintFiled(
    Guid ComplaintId,
    string ComplaintNumber,
    string Channel,
    string CustomerId,
    string CustomerName,
    string CustomerPhone,
    string CustomerEmail,
    string Description,
    DateTimeOffset? IncidentTime,
    DateTimeOffset FiledAt);

/// <summary>Routing picked the team that owns the complaint, and says which rule decided.</summary>
public sealed record ComplaintRouted(
    Guid ComplaintId,
    string Team,
    string Rule,
    DateTimeOffset RoutedAt);
