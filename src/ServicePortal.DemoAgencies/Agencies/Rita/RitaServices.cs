using ServicePortal.DemoAgencies.Applications;

namespace ServicePortal.DemoAgencies.Agencies.Rita;

/// <summary>
/// RITA's services that accept online applications, as in the portal's catalogue seed (codes, paths, fees, the
/// required answers of each form), and how RITA words each status.
/// </summary>
public static class RitaServices
{
    public static ApplicationCatalogue Catalogue { get; } = new(
        ReferencePrefix: "RITA",
        ControlNumberPrefix: "991",
        StatusPath: "/applications/status",
        Wording: new StatusWording(
            Received: new("RITA imepokea ombi lako la {0}.", "RITA has received your application for {0}."),
            UnderReview: new("Msajili wa RITA anahakiki ombi lako la {0}.", "A RITA registrar is reviewing your application for {0}."),
            NeedsCorrection: new("RITA inaomba urekebishe taarifa moja katika ombi lako la {0}.",
                "RITA asks you to correct one detail of your application for {0}."),
            PaymentPending: new("Lipa ada ya TZS {1} kupitia GePG kwa namba ya malipo uliyopewa ili ombi lako la {0} liendelee.",
                "Pay the fee of TZS {1} through GePG with the control number given, so that your application for {0} can go on."),
            Approved: new("RITA imeidhinisha ombi lako la {0}; hati yako inaandaliwa.",
                "RITA has approved your application for {0}; your document is being prepared."),
            Rejected: new("RITA imekataa ombi lako la {0} kwa sababu taarifa zake hazikulingana na kumbukumbu za usajili. Tembelea ofisi ya RITA ya wilaya kwa maelezo.",
                "RITA has rejected your application for {0} because its details did not match the registration records. Visit the RITA district office for details."),
            Withdrawn: new("Ombi lako la {0} limeondolewa kama ulivyoomba.", "Your application for {0} has been withdrawn, as you asked.")),
        Services:
        [
            new ApplicationService(
                Code: "rita-birth-certificate",
                SubmitPath: "/applications/birth-certificate",
                FeeTzs: 3_500,
                RequiredAnswers: ["childName", "dateOfBirth", "placeOfBirth", "sex", "motherName"],
                Subject: new("cheti cha kuzaliwa", "a birth certificate"),
                Issued: new("Cheti chako cha kuzaliwa kiko tayari kuchukuliwa katika ofisi ya RITA ya wilaya.",
                    "Your birth certificate is ready for collection at the RITA district office."),
                Correction: new("placeOfBirth", new(
                    "Mahali alipozaliwa mtoto hapalingani na taarifa ya kuzaliwa ya kituo cha afya. Andika jina la hospitali, wilaya na mkoa.",
                    "The place of birth does not match the health facility's birth notification. Give the hospital, district and region."))),
            new ApplicationService(
                Code: "rita-late-birth-registration",
                SubmitPath: "/applications/late-birth-registration",
                FeeTzs: 4_000,
                RequiredAnswers: ["childName", "dateOfBirth", "placeOfBirth", "sex", "motherName"],
                Subject: new("usajili wa kuzaliwa kwa kuchelewa", "late registration of a birth"),
                Issued: new("Kuzaliwa kumesajiliwa; cheti cha kuzaliwa kiko tayari kuchukuliwa katika ofisi ya RITA ya wilaya.",
                    "The birth is registered; the birth certificate is ready for collection at the RITA district office."),
                Correction: new("dateOfBirth", new(
                    "Tarehe ya kuzaliwa hailingani na hati ya kiapo. Tafadhali ihakiki.",
                    "The date of birth differs from the one in the affidavit. Please check it."))),
            new ApplicationService(
                Code: "rita-death-certificate",
                SubmitPath: "/applications/death-certificate",
                FeeTzs: 3_500,
                RequiredAnswers: ["deceasedName", "dateOfDeath", "placeOfDeath", "relationship"],
                Subject: new("cheti cha kifo", "a death certificate"),
                Issued: new("Cheti cha kifo kiko tayari kuchukuliwa katika ofisi ya RITA ya wilaya.",
                    "The death certificate is ready for collection at the RITA district office."),
                Correction: new("placeOfDeath", new(
                    "Mahali pa kifo hapalingani na taarifa ya kifo. Andika hospitali au kijiji, wilaya na mkoa.",
                    "The place of death does not match the death notification. Give the hospital or village, district and region."))),
            new ApplicationService(
                Code: "rita-marriage-certificate",
                SubmitPath: "/applications/marriage-certificate",
                FeeTzs: 3_500,
                RequiredAnswers: ["certificateNumber", "purpose"],
                Subject: new("nakala ya cheti cha ndoa", "a copy of a marriage certificate"),
                Issued: new("Nakala iliyothibitishwa ya cheti cha ndoa iko tayari kuchukuliwa katika ofisi ya RITA ya wilaya.",
                    "The certified copy of the marriage certificate is ready for collection at the RITA district office."),
                Correction: new("certificateNumber", new(
                    "Namba ya usajili wa ndoa haipo kwenye daftari. Tafadhali ihakiki kwenye cheti chako.",
                    "The marriage entry number is not in the register. Please check it on your certificate."))),
            new ApplicationService(
                Code: "rita-certificate-verification",
                SubmitPath: "/applications/certificate-verification",
                FeeTzs: 0,
                RequiredAnswers: ["certificateNumber", "purpose"],
                Subject: new("uhakiki wa cheti", "the verification of a certificate"),
                Issued: new("Uhakiki umekamilika: cheti ni halali. Barua ya uthibitisho imetumwa kwenye akaunti yako ya lango.",
                    "Verification complete: the certificate is genuine. The confirmation letter is in your portal account."),
                Correction: new("certificateNumber", new(
                    "Namba ya cheti haipatikani. Iandike kama ilivyo kwenye cheti.",
                    "The certificate number cannot be found. Type it exactly as it is on the certificate."))),
            new ApplicationService(
                Code: "rita-trustees-incorporation",
                SubmitPath: "/applications/trustees",
                FeeTzs: 100_000,
                RequiredAnswers: ["certificateNumber", "purpose"],
                Subject: new("usajili wa bodi ya wadhamini", "the incorporation of a board of trustees"),
                Issued: new("Cheti cha usajili wa bodi ya wadhamini kiko tayari kuchukuliwa katika ofisi kuu ya RITA, Dar es Salaam.",
                    "The certificate of incorporation of the board of trustees is ready for collection at RITA headquarters in Dar es Salaam."),
                Correction: new("purpose", new(
                    "Madhumuni ya taasisi hayajaelezwa kikamilifu. Yaeleze kama yalivyo kwenye katiba.",
                    "The purpose of the body is not fully described. Describe it as its constitution does."))),
        ]);
}
