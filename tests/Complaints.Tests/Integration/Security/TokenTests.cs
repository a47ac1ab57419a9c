using System.Security.Cryptography;
using System.Text;
using Complaints.Contracts.Intake.V1;
using Complaints.Tests.Infrastructure;
using Grpc.Core;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Complaints.Tests.Integration.Security;

/// <summary>
/// Tokens the issuer would never give are refused with Unauthenticated: a forged signature,
/// <c>alg: none</c>, an expired token, another audience, another issuer. A token minted the same way
/// with everything right is accepted, so each refusal is for the one thing that is wrong.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class TokenTests(PlatformFixture platform)
{
    private async Task<StatusCode> ReadWith(string token)
    {
        var intake = new Contracts.Intake.V1.Intake.IntakeClient(platform.Anonymous(platform.IntakeApp));
        try
        {
            await intake.ListCustomerComplaintsAsync(new ListCustomerComplaintsRequest { CustomerId = "nobody" },
                new Metadata { { "Authorization", "Bearer " + token } });
            return StatusCode.OK;
        }
        catch (RpcException ex)
        {
            return ex.StatusCode;
        }
    }

    private string Mint(SecurityKey key, string? audience = "complaints", string? issuer = null, TimeSpan? age = null, TimeSpan? lifetime = null)
    {
        var issuedAt = DateTime.UtcNow - (age ?? TimeSpan.Zero);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? platform.IssuerAddress,
            Audience = audience,
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = issuedAt + (lifetime ?? TimeSpan.FromMinutes(5)),
            Claims = new Dictionary<string, object> { ["sub"] = "sup-care", ["role"] = "supervisor", ["team"] = "customer-care" },
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
    }

    [Fact]
    public async Task The_issuers_own_token_and_a_correctly_minted_one_are_accepted()
    {
        Assert.Equal(StatusCode.OK, await ReadWith(await platform.TokenAsync("sup-care")));
        Assert.Equal(StatusCode.OK, await ReadWith(Mint(platform.IssuerKey)));
    }

    [Fact]
    public async Task A_forged_signature_is_refused()
    {
        var forger = new RsaSecurityKey(RSA.Create(2048)) { KeyId = platform.IssuerKey.KeyId };
        Assert.Equal(StatusCode.Unauthenticated, await ReadWith(Mint(forger)));

        // The issuer's token with its payload changed: the signature no longer matches.
        var parts = (await platform.TokenAsync("care-01")).Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"agent\"", "\"committee\"");
        Assert.Equal(StatusCode.Unauthenticated, await ReadWith($"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}"));
    }

    [Fact]
    public async Task An_unsigned_token_with_alg_none_is_refused()
    {
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = Base64UrlEncoder.Encode(
            $$"""{"iss":"{{platform.IssuerAddress}}","aud":"complaints","sub":"committee-01","role":"committee","iat":{{now}},"nbf":{{now}},"exp":{{now + 300}}}""");
        Assert.Equal(StatusCode.Unauthenticated, await ReadWith($"{header}.{payload}."));
    }

    [Fact]
    public async Task An_expired_token_is_refused()
    {
        Assert.Equal(StatusCode.Unauthenticated, await ReadWith(Mint(platform.IssuerKey, age: TimeSpan.FromMinutes(20), lifetime: TimeSpan.FromMinutes(10))));
    }

    [Fact]
    public async Task A_token_for_another_audience_or_from_another_issuer_is_refused()
    {
        Assert.Equal(StatusCode.Unauthenticated, await ReadWith(Mint(platform.IssuerKey, audience: "another-api")));
        Assert.Equal(StatusCode.Unauthenticated, await ReadWith(Mint(platform.IssuerKey, issuer: "http://127.0.0.1:1/")));
    }

    [Fact]
    public async Task The_refusal_says_what_is_wrong_without_internals()
    {
        var intake = new Contracts.Intake.V1.Intake.IntakeClient(platform.Anonymous(platform.IntakeApp));
        var expired = await Assert.ThrowsAsync<RpcException>(() => intake.ListCustomerComplaintsAsync(new ListCustomerComplaintsRequest { CustomerId = "x" },
            new Metadata { { "Authorization", "Bearer " + Mint(platform.IssuerKey, age: TimeSpan.FromHours(2), lifetime: TimeSpan.FromHours(1)) } }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, expired.StatusCode);
        Assert.Contains("expired", expired.Status.Detail);
        Assert.DoesNotContain("IDX", expired.Status.Detail);
    }
}
