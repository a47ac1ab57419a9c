using System.Text.RegularExpressions;
using Complaints.Contracts.Resolution.V1;
using Complaints.Domain.Text;

namespace Complaints.Resolution.Wording;

/// <summary>
/// The handbook's advice that does not block a message (seed 000, 003): say "I", not "we", so the
/// customer has one person who owns the case; never "but" in an apology; give the staff number in a
/// first response; promise a concrete time, not "soon". Matched on folded text, like the rules.
/// </summary>
public static class WordingAdvisor
{
    private static readonly Regex We = new(@"(?<![a-z])(we will|we'll|we shall|we are going to|we're going to)(?![a-z])|我们会|我们将|我们尽量", RegexOptions.Compiled);
    private static readonly Regex Apology = new(@"(?<![a-z])(sorry|apologi[sz]e\w*|apologies)(?![a-z])|抱歉|对不起|道歉|不好意思", RegexOptions.Compiled);
    private static readonly Regex But = new(@"(?<![a-z])(but|however)(?![a-z])|但是|不过|然而|可是", RegexOptions.Compiled);
    private static readonly Regex StaffNumber = new(@"(工号|员工号|staff (no\.?|number|id)|employee (no\.?|number|id)|agent (no\.?|number|id))\s*(是|为|:|#|is)?\s*\d+", RegexOptions.Compiled);
    private static readonly Regex VagueTime = new(@"(?<![a-z])(soon|shortly|later|in a while|at some point|sometime)(?![a-z])|稍后|过几天|回头|晚点|过段时间|有空", RegexOptions.Compiled);

    public static IReadOnlyList<WordingAdvice> Advise(string message, bool firstResponse)
    {
        var text = CustomerText.Normalize(message);
        var advice = new List<WordingAdvice>();
        if (We.Match(text) is { Success: true } we)
            advice.Add(new WordingAdvice
            {
                Kind = "we_instead_of_i", Found = we.Value,
                Advice = "Say \"I will\": the customer wants one person who owns the case. / 用“我会”：让客户知道有人负责到底。",
            });
        if (Apology.IsMatch(text) && But.Match(text) is { Success: true } but)
            advice.Add(new WordingAdvice
            {
                Kind = "but_in_apology", Found = but.Value,
                Advice = "An apology followed by \"but\" takes itself back; apologise, then say what you will do. / 道歉后不要用“但是”，直接说明接下来会做什么。",
            });
        if (firstResponse && !StaffNumber.IsMatch(text))
            advice.Add(new WordingAdvice
            {
                Kind = "no_staff_number", Found = "",
                Advice = "Give your staff number so the customer can reach you again. / 告知您的工号，方便客户再次联系您。",
            });
        if (VagueTime.Match(text) is { Success: true } vague)
            advice.Add(new WordingAdvice
            {
                Kind = "vague_time", Found = vague.Value,
                Advice = "Promise a concrete time: \"within 2 hours\", \"by 15:00 today\". / 给出具体时间：“2小时内”“今天15:00前”。",
            });
        return advice;
    }
}
