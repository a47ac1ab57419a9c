using System.Text.Json;
using Complaints.Contracts.Intake.V1;

namespace Complaints.Intake.FileComplaint;

/// <summary>Proto enum values are stored by name ("regulator_hotline", "out_of_control") so the stream reads without the proto.</summary>
public static class Channels
{
    public static string Name(Channel channel) => JsonNamingPolicy.SnakeCaseLower.ConvertName(channel.ToString());

    public static Channel Parse(string name) =>
        System.Enum.GetValues<Channel>().FirstOrDefault(c => Name(c) == name);

    public static string Name(EmotionLevel level) =>
        level == EmotionLevel.Unspecified ? "" : JsonNamingPolicy.SnakeCaseLower.ConvertName(level.ToString());

    public static string Name(CustomerRequest request) => JsonNamingPolicy.SnakeCaseLower.ConvertName(request.ToString());
}
