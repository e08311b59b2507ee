using ServicePortal.Requests.Applications;

namespace ServicePortal.Requests.Tests.Applications;

public sealed class PortalReferenceTests
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    [Fact]
    public void A_new_reference_is_short_readable_and_valid()
    {
        var reference = PortalReference.New().Value;

        Assert.Matches("^SP-[0-9A-HJKMNP-TV-Z]{9}$", reference);
        Assert.True(PortalReference.TryParse(reference, out var parsed));
        Assert.Equal(reference, parsed.Value.Value);
    }

    [Fact]
    public void Reading_forgives_case_spaces_dashes_and_the_letters_people_mix_up()
    {
        var reference = PortalReference.New().Value;
        var spoken = reference.ToLowerInvariant().Replace("-", " ", StringComparison.Ordinal).Replace('1', 'l').Replace('0', 'o');

        Assert.True(PortalReference.TryParse(spoken, out var parsed));
        Assert.Equal(reference, parsed.Value.Value);
        Assert.True(PortalReference.TryParse(reference[3..], out _)); // without the prefix
    }

    [Fact]
    public void Every_single_wrong_character_and_every_swap_of_neighbours_is_caught()
    {
        for (var n = 0; n < 300; n++)
        {
            var body = PortalReference.New().Value[3..];
            for (var i = 0; i < body.Length; i++)
            {
                foreach (var c in Alphabet.Where(c => c != body[i]))
                {
                    var wrong = body[..i] + c + body[(i + 1)..];
                    Assert.False(PortalReference.TryParse(wrong, out _), $"{body} → {wrong} passed");
                }

                if (i + 1 < body.Length && body[i] != body[i + 1])
                {
                    var swapped = body[..i] + body[i + 1] + body[i] + body[(i + 2)..];
                    Assert.False(PortalReference.TryParse(swapped, out _), $"{body} → {swapped} passed");
                }
            }
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("SP-")]
    [InlineData("SP-ABC")]
    [InlineData("SP-UUUUUUUUU")]
    [InlineData("<script>alert(1)</script>")]
    public void Anything_else_is_not_a_reference(string text) => Assert.False(PortalReference.TryParse(text, out _));
}
