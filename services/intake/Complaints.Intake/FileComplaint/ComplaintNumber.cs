namespace Complaints.Intake.FileComplaint;

/// <summary>
/// The number read out to a customer: "C-20261123-7KQ2M9XA". The date helps agents place a
/// case at a glance; the suffix comes from the complaint id and uses Crockford's alphabet
/// (no I, L, O, U) so it survives being spelled over the phone.
/// </summary>
public static class ComplaintNumber
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string For(Guid complaintId, DateTimeOffset filedAt)
    {
        // The last eight bytes of a version-7 Guid are random; take 40 bits of them.
        Span<byte> bytes = stackalloc byte[16];
        complaintId.TryWriteBytes(bytes, bigEndian: true, out _);
        ulong bits = 0;
        for (var i = 11; i < 16; i++) bits = (bits << 8) | bytes[i];
        Span<char> suffix = stackalloc char[8];
        for (var i = 7; i >= 0; i--)
        {
            suffix[i] = Alphabet[(int)(bits & 31)];
            bits >>= 5;
        }
        return $"C-{filedAt.UtcDateTime:yyyyMMdd}-{suffix}";
    }
}
