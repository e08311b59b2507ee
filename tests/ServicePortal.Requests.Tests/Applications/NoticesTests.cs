using ServicePortal.Core.Identity;
using ServicePortal.Core.Messaging;
using ServicePortal.Requests.Applications;
using static ServicePortal.Testing.FormFixtures;

namespace ServicePortal.Requests.Tests.Applications;

/// <summary>What a citizen reads when an application moves, and the counts on their pages (issue 11).</summary>
public sealed class NoticesTests
{
    [Fact]
    public void A_status_sms_starts_with_the_portals_name_in_the_citizens_language()
    {
        var swahili = Notices.Compose(Citizen("sw"), "SP-7K2M9QXR4", RequestStatus.InReview, null, null);
        var english = Notices.Compose(Citizen("en"), "SP-7K2M9QXR4", RequestStatus.AwaitingPayment, "Pay the fee.", "991234567890");

        var sms = Assert.Single(swahili);
        Assert.Equal(OutgoingMessage.Sms, sms.Channel);
        Assert.Equal("Lango la Huduma za Serikali: hali ya ombi lako SP-7K2M9QXR4 sasa ni: inashughulikiwa.", sms.Body);
        Assert.Equal("Government Services Portal: your application SP-7K2M9QXR4 is now: waiting for payment. Pay the fee. Control number: 991234567890.",
            english[0].Body);
        Assert.Equal(OutgoingMessage.Email, english[1].Channel);
        Assert.All(swahili.Concat(english), m => Assert.DoesNotContain("ServicePortal", m.Body, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0, "Maombi 0", "0 applications")]
    [InlineData(1, "Ombi 1", "1 application")]
    [InlineData(2, "Maombi 2", "2 applications")]
    [InlineData(12345, "Maombi 12,345", "12,345 applications")]
    public void A_count_of_applications_takes_the_singular_for_one_in_both_languages(long count, string sw, string en)
    {
        Assert.Equal(sw, In("sw", () => RequestWording.Applications(count)));
        Assert.Equal(en, In("en", () => RequestWording.Applications(count)));
    }

    [Fact]
    public void Times_are_written_in_east_africa_time_in_words()
    {
        var utc = new DateTime(2026, 12, 7, 21, 30, 0, DateTimeKind.Utc);

        Assert.Equal("00:30, 8 Desemba 2026", In("sw", () => RequestWording.When(utc)));
        Assert.Equal("8 December 2026", In("en", () => RequestWording.Date(utc)));
    }

    private static CitizenContact Citizen(string language) =>
        new(Guid.NewGuid(), "Asha", "+255700000001", language == "en" ? "asha@mfano.go.tz" : null, language);
}
